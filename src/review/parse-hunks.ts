import type { DiffHunk, DiffLine } from "./diff-types.js";

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;
const NO_NEWLINE_MARKER = "\\";

/** Where hunk parsing stopped: the hunks read and the index of the first line not consumed. */
export interface HunkRun {
  hunks: DiffHunk[];
  next: number;
}

/**
 * Splits diff text into lines, dropping one `\r` per line: CRLF files show up in patches as
 * lines ending in `\r`, and that byte belongs to neither the text nor the numbering.
 */
export function splitDiffLines(text: string): string[] {
  return text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** Parses GitHub's per-file `patch` string (hunks only, no `diff --git` headers). */
export function parseFilePatch(patch: string): DiffHunk[] {
  const lines = splitDiffLines(patch);
  const first = lines.findIndex((line) => HUNK_HEADER.test(line));
  return first === -1 ? [] : parseHunkRun(lines, first).hunks;
}

/** Reads consecutive hunks starting at `lines[start]`, stopping at the first line that is not part of one. */
export function parseHunkRun(lines: readonly string[], start: number): HunkRun {
  const hunks: DiffHunk[] = [];
  let index = start;
  for (let header = matchHeader(lines[index]); header; header = matchHeader(lines[index])) {
    const hunk = { ...header, lines: [] as DiffLine[] };
    index = readHunkBody(lines, index + 1, hunk);
    hunks.push(hunk);
  }
  return { hunks, next: index };
}

function matchHeader(line: string | undefined): Omit<DiffHunk, "lines"> | undefined {
  const match = line === undefined ? null : HUNK_HEADER.exec(line);
  if (!match) return undefined;
  // A missing count means 1 (`@@ -3 +3 @@`), per the unified diff format.
  return {
    oldStart: Number(match[1]),
    oldLines: match[2] === undefined ? 1 : Number(match[2]),
    newStart: Number(match[3]),
    newLines: match[4] === undefined ? 1 : Number(match[4]),
    section: match[5] ?? "",
  };
}

/**
 * Reads hunk lines until the header's counts are used up. Counting (rather than looking at
 * prefixes) is what keeps a removed line such as `-- a` from being read as a `--- a` header.
 * A truncated or malformed hunk ends early at the first line with no valid prefix.
 */
function readHunkBody(lines: readonly string[], start: number, hunk: DiffHunk): number {
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  let oldLeft = hunk.oldLines;
  let newLeft = hunk.newLines;
  let index = start;
  for (; index < lines.length; index++) {
    const raw = lines[index] ?? "";
    if (raw.startsWith(NO_NEWLINE_MARKER)) {
      markNoNewline(hunk);
      continue;
    }
    if (oldLeft <= 0 && newLeft <= 0) break;
    const line = toDiffLine(raw, oldLine, newLine);
    if (!line) break;
    hunk.lines.push(line);
    if (line.oldLine !== undefined) {
      oldLine++;
      oldLeft--;
    }
    if (line.newLine !== undefined) {
      newLine++;
      newLeft--;
    }
  }
  return index;
}

function toDiffLine(raw: string, oldLine: number, newLine: number): DiffLine | undefined {
  const prefix = raw[0];
  const text = raw.slice(1);
  // Some tools strip the trailing space of an empty context line, leaving an empty line.
  if (prefix === " " || raw === "") return { kind: "context", text, oldLine, newLine };
  if (prefix === "+") return { kind: "add", text, newLine };
  if (prefix === "-") return { kind: "delete", text, oldLine };
  return undefined;
}

function markNoNewline(hunk: DiffHunk): void {
  const last = hunk.lines.at(-1);
  if (last) last.noNewlineAtEnd = true;
}
