/** Caps the work spent on prose full of braces; a real reply has its object among the first few. */
const MAX_CANDIDATES = 200;
const FENCE = /```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)```/g;

export type ExtractedJson = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/**
 * Finds the JSON object in a model's reply: the whole text, a ``` fenced block, or the
 * outermost `{…}` inside prose. Objects with a `summary` or `findings` key win over others,
 * so a stray `{}` in the prose does not hide the real answer.
 */
export function extractJsonObject(text: string): ExtractedJson {
  let fallback: Record<string, unknown> | undefined;
  let firstError: string | undefined;
  for (const candidate of candidates(text)) {
    const result = tryParseObject(candidate);
    if (result.ok && ("findings" in result.value || "summary" in result.value)) return result;
    if (result.ok) fallback ??= result.value;
    else if (candidate.startsWith("{")) firstError ??= result.error;
  }
  if (fallback) return { ok: true, value: fallback };
  return { ok: false, error: firstError ?? "the reply contains no JSON object" };
}

function* candidates(text: string): Generator<string> {
  yield text.trim();
  for (const match of text.matchAll(FENCE)) yield (match[1] ?? "").trim();
  yield* balancedObjects(text);
}

function tryParseObject(candidate: string): ExtractedJson {
  try {
    const value: unknown = JSON.parse(candidate);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
    return { ok: false, error: "the JSON is not an object" };
  } catch (error) {
    return { ok: false, error: `the JSON is invalid (${(error as Error).message})` };
  }
}

/** Each `{…}` that balances, outermost first, scanning strings so braces inside them do not count. */
function* balancedObjects(text: string): Generator<string> {
  let count = 0;
  for (let start = text.indexOf("{"); start !== -1 && count < MAX_CANDIDATES; start = text.indexOf("{", start + 1)) {
    count++;
    const end = matchingBrace(text, start);
    if (end !== -1) yield text.slice(start, end + 1);
  }
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return index;
  }
  return -1;
}
