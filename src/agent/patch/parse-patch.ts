import { PatchParseError } from "./errors.js";
import { LineCursor, quote } from "./line-cursor.js";
import { parseHunks } from "./parse-hunks.js";
import { toPatchLines, type PatchLine } from "./patch-lines.js";
import type { PatchOperation } from "./patch-types.js";

// Grammar: https://github.com/openai/codex/blob/main/codex-rs/apply-patch/src/parser.rs
const BEGIN_MARKER = "*** Begin Patch";
const END_MARKER = "*** End Patch";
const ADD_MARKER = "*** Add File:";
const DELETE_MARKER = "*** Delete File:";
const UPDATE_MARKER = "*** Update File:";
const MOVE_MARKER = "*** Move to:";
const FILE_HEADERS = `'${ADD_MARKER} <path>', '${UPDATE_MARKER} <path>' or '${DELETE_MARKER} <path>'`;

/**
 * Parses a patch in the Codex apply_patch envelope into file operations.
 * Paths are returned as written; `applyPatch` decides whether they are allowed.
 * @throws PatchParseError naming the line and what was expected there.
 */
export function parsePatch(text: string): PatchOperation[] {
  const { body, endLineNumber } = splitEnvelope(toPatchLines(text));
  const cursor = new LineCursor(body, endLineNumber);
  const operations: PatchOperation[] = [];
  for (let line = cursor.peek(); line; line = cursor.peek()) {
    if (line.text.trim() === "") cursor.advance();
    else operations.push(parseOperation(cursor, line));
  }
  if (operations.length === 0) {
    throw new PatchParseError(endLineNumber, `the patch changes no files; expected ${FILE_HEADERS} before '${END_MARKER}'`);
  }
  return operations;
}

function splitEnvelope(lines: PatchLine[]): { body: PatchLine[]; endLineNumber: number } {
  const first = lines[0];
  const last = lines.at(-1);
  if (!first || !last || first.text.trim() !== BEGIN_MARKER) {
    const got = first ? `, got ${quote(first.text)}` : ", got an empty patch";
    throw new PatchParseError(first?.lineNumber ?? 1, `the first line must be '${BEGIN_MARKER}'${got}`);
  }
  if (lines.length < 2 || last.text.trim() !== END_MARKER) {
    const earlierEnd = lines.find((line) => line.text.trim() === END_MARKER);
    const hint = earlierEnd ? ` ('${END_MARKER}' is on line ${earlierEnd.lineNumber}; nothing may follow it)` : "";
    throw new PatchParseError(last.lineNumber, `the last line must be '${END_MARKER}', got ${quote(last.text)}${hint}`);
  }
  return { body: lines.slice(1, -1), endLineNumber: last.lineNumber };
}

function parseOperation(cursor: LineCursor, header: PatchLine): PatchOperation {
  cursor.advance();
  const addPath = pathAfter(header, ADD_MARKER);
  if (addPath !== undefined) return { kind: "add", path: addPath, contents: parseAddedContents(cursor) };
  const deletePath = pathAfter(header, DELETE_MARKER);
  if (deletePath !== undefined) return { kind: "delete", path: deletePath };
  const updatePath = pathAfter(header, UPDATE_MARKER);
  if (updatePath !== undefined) return parseUpdate(cursor, header, updatePath);
  throw new PatchParseError(
    header.lineNumber,
    `expected a file header (${FILE_HEADERS}), got ${quote(header.text)}. ` +
      "Every line of an added file starts with '+'; changes to an existing file go in '@@' hunks.",
  );
}

/** The path after `marker`, or `undefined` when the line is a different header. */
function pathAfter(line: PatchLine, marker: string): string | undefined {
  const text = line.text.trim();
  if (!text.startsWith(marker)) return undefined;
  const path = text.slice(marker.length).trim();
  if (path === "") throw new PatchParseError(line.lineNumber, `'${marker}' must be followed by a file path`);
  return path;
}

function parseAddedContents(cursor: LineCursor): string {
  const lines: string[] = [];
  for (let line = cursor.peek(); line; line = cursor.peek()) {
    if (line.text.startsWith("+")) lines.push(line.text.slice(1));
    // A blank line between '+' lines is an empty line whose '+' went missing.
    else if (line.text.trim() === "" && nextNonBlankIsAddedLine(cursor)) lines.push("");
    else break;
    cursor.advance();
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function nextNonBlankIsAddedLine(cursor: LineCursor): boolean {
  let ahead = 1;
  while (cursor.peek(ahead)?.text.trim() === "") ahead++;
  return cursor.peek(ahead)?.text.startsWith("+") ?? false;
}

function parseUpdate(cursor: LineCursor, header: PatchLine, path: string): PatchOperation {
  const next = cursor.peek();
  const moveTo = next ? pathAfter(next, MOVE_MARKER) : undefined;
  if (moveTo !== undefined) cursor.advance();
  const hunks = parseHunks(cursor);
  // A pure rename has no hunks; an update that neither moves nor changes anything is a mistake.
  if (hunks.length === 0 && moveTo === undefined) {
    throw new PatchParseError(
      header.lineNumber,
      `'${UPDATE_MARKER} ${path}' has no hunks; expected '@@' followed by lines starting with ' ' (context), '-' (remove) or '+' (add)`,
    );
  }
  return moveTo === undefined ? { kind: "update", path, hunks } : { kind: "update", path, moveTo, hunks };
}
