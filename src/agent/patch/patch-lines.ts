/** A line of the patch text with its 1-based number in the text the model sent. */
export interface PatchLine {
  text: string;
  lineNumber: number;
}

// Models often send the patch the way they would type it in a shell or a chat message.
// `apply_patch <<'EOF'` (any quoting, any delimiter word) ... `EOF`
const HEREDOC_START = /^(?:apply_patch\s*)?<<-?\s*(['"]?)([A-Za-z_][\w-]*)\1$/;
// ```diff ... ``` (or ~~~)
const FENCE_START = /^(`{3,}|~{3,})\s*[\w.+-]*$/;

/**
 * Splits patch text into lines (accepting CRLF) and strips the wrappers models add around
 * a patch: surrounding blank lines, a heredoc and a Markdown fence, in either nesting.
 * Line numbers still refer to the original text so errors point at the right line.
 */
export function toPatchLines(text: string): PatchLine[] {
  let lines = text.split(/\r?\n/).map((line, index) => ({ text: line, lineNumber: index + 1 }));
  lines = trimBlankEdges(lines);
  // Two rounds cover a heredoc inside a fence and a fence inside a heredoc.
  for (let round = 0; round < 2; round++) {
    lines = trimBlankEdges(unwrap(lines, FENCE_START, (match) => match[1]));
    lines = trimBlankEdges(unwrap(lines, HEREDOC_START, (match) => match[2]));
  }
  return lines;
}

function unwrap(
  lines: PatchLine[],
  start: RegExp,
  closingLine: (match: RegExpMatchArray) => string | undefined,
): PatchLine[] {
  const first = lines[0]?.text.trim() ?? "";
  const last = lines.at(-1)?.text.trim() ?? "";
  const match = lines.length >= 2 ? first.match(start) : null;
  if (match && closingLine(match) === last) return lines.slice(1, -1);
  return lines;
}

function trimBlankEdges(lines: PatchLine[]): PatchLine[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]?.text.trim() === "") start++;
  while (end > start && lines[end - 1]?.text.trim() === "") end--;
  return lines.slice(start, end);
}
