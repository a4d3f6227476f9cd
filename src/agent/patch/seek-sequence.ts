type LinesMatch = (fileLine: string, patchLine: string) => boolean;

// Typographic punctuation models type as ASCII (and the reverse), mapped to ASCII.
// Same set as https://github.com/openai/codex/blob/main/codex-rs/apply-patch/src/seek_sequence.rs
const PUNCTUATION_TO_ASCII: ReadonlyArray<[RegExp, string]> = [
  [/[\u2010-\u2015\u2212]/g, "-"],
  [/[\u2018\u2019\u201A\u201B]/g, "'"],
  [/[\u201C\u201D\u201E\u201F]/g, '"'],
  [/[\u00A0\u2002-\u200A\u202F\u205F\u3000]/g, " "],
];

function normalisePunctuation(line: string): string {
  let result = line;
  for (const [pattern, ascii] of PUNCTUATION_TO_ASCII) result = result.replace(pattern, ascii);
  return result.trim();
}

/** Strictest first, so a fuzzy pass can never win over an exact match elsewhere in the file. */
const MATCH_PASSES: readonly LinesMatch[] = [
  (fileLine, patchLine) => fileLine === patchLine,
  (fileLine, patchLine) => fileLine.trimEnd() === patchLine.trimEnd(),
  (fileLine, patchLine) => fileLine.trim() === patchLine.trim(),
  (fileLine, patchLine) => normalisePunctuation(fileLine) === normalisePunctuation(patchLine),
];

/**
 * Finds where `pattern` occurs in `lines` at or after `start`, trying an exact match, then
 * ignoring trailing whitespace, then leading and trailing whitespace, then typographic
 * punctuation. With `atEndOfFile`, a match that ends on the last line is preferred.
 * @returns the index of the first matching line, or `undefined`.
 */
export function seekSequence(
  lines: readonly string[],
  pattern: readonly string[],
  start: number,
  atEndOfFile: boolean,
): number | undefined {
  if (pattern.length === 0) return start;
  const lastStart = lines.length - pattern.length;
  if (lastStart < 0) return undefined;
  if (atEndOfFile && lastStart >= start) {
    for (const matches of MATCH_PASSES) {
      if (matchesAt(lines, pattern, lastStart, matches)) return lastStart;
    }
  }
  for (const matches of MATCH_PASSES) {
    for (let index = start; index <= lastStart; index++) {
      if (matchesAt(lines, pattern, index, matches)) return index;
    }
  }
  return undefined;
}

function matchesAt(lines: readonly string[], pattern: readonly string[], at: number, matches: LinesMatch): boolean {
  return pattern.every((patchLine, offset) => matches(lines[at + offset] ?? "", patchLine));
}
