/**
 * Issue and comment text is data written by anyone. Before it reaches the model, drop what a
 * human reading the issue on GitHub cannot see but a model would: HTML comments and invisible
 * or direction-changing characters (zero-width, bidi controls, Unicode tag characters).
 */
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\u{E0000}-\u{E007F}]/gu;

export function sanitizeUntrustedText(text: string): string {
  return text.replace(HTML_COMMENT, "").replace(INVISIBLE, "").replace(/\r\n?/g, "\n").trim();
}
