import { PatchParseError } from "./errors.js";
import { LineCursor, quote } from "./line-cursor.js";
import type { Hunk, HunkLine } from "./patch-types.js";

export const END_OF_FILE_MARKER = "*** End of File";
const HUNK_LINE_RULE = "every hunk line must start with ' ' (context), '-' (remove) or '+' (add)";

/** Parses the `@@` hunks of one `*** Update File:` section, stopping at the next `***` header. */
export function parseHunks(cursor: LineCursor): Hunk[] {
  const hunks: Hunk[] = [];
  for (let line = cursor.peek(); line; line = cursor.peek()) {
    // Blank lines between hunks are layout, not content.
    if (line.text.trim() === "") {
      cursor.advance();
      continue;
    }
    if (line.text.startsWith("***") && line.text.trim() !== END_OF_FILE_MARKER) break;
    hunks.push(parseHunk(cursor, hunks.length === 0));
  }
  return hunks;
}

function parseHunk(cursor: LineCursor, isFirst: boolean): Hunk {
  const start = cursor.peek();
  if (!start) throw new PatchParseError(cursor.lineNumber, "expected a hunk");
  const context = parseHunkHeader(start.text);
  if (context !== undefined) cursor.advance();
  // Like Codex, the first hunk may omit its `@@` line; later hunks need one to be told apart.
  else if (!isFirst || !toHunkLine(start.text)) throw unexpectedLine(start.text, start.lineNumber);

  const hunk: Hunk = { lines: [], isEndOfFile: false };
  if (context) hunk.context = context;
  for (let line = cursor.peek(); line; line = cursor.peek()) {
    if (line.text.trim() === END_OF_FILE_MARKER) {
      cursor.advance();
      hunk.isEndOfFile = true;
      break;
    }
    const hunkLine = toHunkLine(line.text);
    if (!hunkLine || (line.text === "" && onlyBlankLinesUntilHunkEnd(cursor))) break;
    hunk.lines.push(hunkLine);
    cursor.advance();
  }
  if (hunk.lines.length === 0) {
    const next = cursor.peek();
    const nextIsHeader = next && (parseHunkHeader(next.text) !== undefined || next.text.startsWith("***"));
    if (next && !nextIsHeader) throw unexpectedLine(next.text, next.lineNumber);
    throw new PatchParseError(
      cursor.lineNumber,
      `the hunk at line ${start.lineNumber} has no lines; after '@@', ${HUNK_LINE_RULE}`,
    );
  }
  return hunk;
}

/** `undefined` when the line is not a hunk header; `""` for a bare `@@`. */
function parseHunkHeader(text: string): string | undefined {
  if (text.trim() === "@@") return "";
  if (text.startsWith("@@ ")) return text.slice(3);
  return undefined;
}

function toHunkLine(text: string): HunkLine | undefined {
  // Models and editors often drop the leading space of an empty context line.
  if (text === "") return { kind: "context", text: "" };
  const body = text.slice(1);
  if (text.startsWith(" ")) return { kind: "context", text: body };
  if (text.startsWith("-")) return { kind: "remove", text: body };
  if (text.startsWith("+")) return { kind: "add", text: body };
  return undefined;
}

/**
 * Bare empty lines at the end of a hunk are read as separators, not as empty context:
 * a model that leaves a blank line before the next `@@` rarely means "the file has a blank
 * line here", and requiring it would make the hunk fail to match.
 */
function onlyBlankLinesUntilHunkEnd(cursor: LineCursor): boolean {
  let ahead = 0;
  while (cursor.peek(ahead)?.text === "") ahead++;
  const next = cursor.peek(ahead);
  if (!next) return true;
  return !toHunkLine(next.text) && next.text.trim() !== END_OF_FILE_MARKER;
}

function unexpectedLine(text: string, lineNumber: number): PatchParseError {
  if (toHunkLine(text)) {
    return new PatchParseError(
      lineNumber,
      `expected '@@' to start a new hunk before ${quote(text)} (lines after '${END_OF_FILE_MARKER}' need their own hunk)`,
    );
  }
  return new PatchParseError(lineNumber, `unexpected line ${quote(text)} in an update: ${HUNK_LINE_RULE}`);
}
