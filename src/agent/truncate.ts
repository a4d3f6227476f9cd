/** Default cap on a tool result the model sees; the full output stays in the task log. */
export const MODEL_OUTPUT_LIMIT_CHARS = 16_000;

/**
 * Keeps the head and tail of a long text and says how much was dropped, so the model knows it
 * is looking at an excerpt (errors usually sit at the end, context at the start).
 */
export function truncateMiddle(text: string, limit = MODEL_OUTPUT_LIMIT_CHARS): string {
  if (text.length <= limit) return text;
  const keep = Math.max(0, limit - 60);
  const head = text.slice(0, Math.ceil(keep / 2));
  const tail = text.slice(text.length - Math.floor(keep / 2));
  const omitted = text.length - head.length - tail.length;
  return `${head}\n[... ${omitted} characters omitted ...]\n${tail}`;
}
