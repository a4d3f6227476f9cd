import { PatchApplyError } from "./errors.js";
import { oldLinesOf, type Hunk, type HunkLine } from "./patch-types.js";
import { seekSequence } from "./seek-sequence.js";
import { joinTextLines, splitTextLines, type TextLines } from "./text-lines.js";

/** Where a hunk goes: its lines (possibly relaxed, see below) apply from line `start`. */
interface Placement {
  start: number;
  lines: readonly HunkLine[];
}

const MAX_LINES_IN_ERROR = 12;

/**
 * Applies the hunks of one `*** Update File:` to the file's text. Context lines keep the
 * file's own text, so a fuzzy match never rewrites whitespace the patch merely quoted.
 * @throws PatchApplyError when a hunk cannot be located.
 */
export function applyHunks(original: string, hunks: readonly Hunk[], path: string): string {
  const text = splitTextLines(original);
  return joinTextLines(rebuild(text, locateHunks(text.lines, hunks, path)));
}

function locateHunks(fileLines: readonly string[], hunks: readonly Hunk[], path: string): Placement[] {
  const placements: Placement[] = [];
  let searchFrom = 0;
  hunks.forEach((hunk, index) => {
    const label = `hunk ${index + 1} of ${path}`;
    if (hunk.context !== undefined) searchFrom = seekContext(fileLines, hunk.context, searchFrom, label) + 1;
    const placement = placeHunk(fileLines, hunk, searchFrom, label);
    placements.push(placement);
    const oldCount = oldLinesOf(placement.lines).length;
    if (oldCount > 0) searchFrom = placement.start + oldCount;
  });
  // Additions appended at the end of the file may come before later hunks; sort is stable.
  return placements.sort((a, b) => a.start - b.start);
}

function seekContext(fileLines: readonly string[], context: string, from: number, label: string): number {
  const index = seekSequence(fileLines, [context], from, false);
  if (index !== undefined) return index;
  const earlier = seekSequence(fileLines, [context], 0, false);
  throw new PatchApplyError(
    `${label}: could not find the line '@@ ${context}'${describeSearch(from, earlier)}; re-read the file and retry`,
  );
}

function placeHunk(fileLines: readonly string[], hunk: Hunk, from: number, label: string): Placement {
  const oldLines = oldLinesOf(hunk.lines);
  if (oldLines.length === 0) {
    // Codex appends pure additions at the end of the file; after an `@@ line` we insert below
    // that line instead, which is what a model writing `@@ class Foo:` then `+` lines means.
    const belowContext = hunk.context !== undefined && !hunk.isEndOfFile;
    return { start: belowContext ? from : fileLines.length, lines: hunk.lines };
  }
  for (const lines of [hunk.lines, withoutTrailingBlankContext(hunk.lines)]) {
    if (!lines) continue;
    const start = seekSequence(fileLines, oldLinesOf(lines), from, hunk.isEndOfFile);
    if (start !== undefined) return { start, lines };
  }
  const earlier = seekSequence(fileLines, oldLines, 0, false);
  const shown = hunk.lines.filter((line) => line.kind !== "add").slice(0, MAX_LINES_IN_ERROR);
  const more = oldLines.length > shown.length ? `\n… (${oldLines.length - shown.length} more)` : "";
  throw new PatchApplyError(
    `${label}: could not find the lines below${describeSearch(from, earlier)}; ` +
      `re-read the file and retry with context lines copied from it:\n` +
      shown.map((line) => (line.kind === "remove" ? "-" : " ") + line.text).join("\n") +
      more,
  );
}

function describeSearch(from: number, earlierIndex: number | undefined): string {
  if (earlierIndex !== undefined && earlierIndex < from) {
    return ` after line ${from} (they appear earlier, at line ${earlierIndex + 1}: hunks must follow the order of the file)`;
  }
  return from > 0 ? ` after line ${from}` : "";
}

/**
 * A trailing blank context line often stands for the newline at the end of the file rather
 * than a real empty line; like Codex, retry without it.
 */
function withoutTrailingBlankContext(lines: readonly HunkLine[]): HunkLine[] | undefined {
  const lastOld = lines.findLastIndex((line) => line.kind !== "add");
  const line = lines[lastOld];
  if (!line || line.text.trim() !== "") return undefined;
  const addsFollow = lastOld < lines.length - 1;
  const relaxed = [...lines];
  // A kept blank line followed by additions still belongs in the new text.
  if (line.kind === "context" && addsFollow) relaxed[lastOld] = { kind: "add", text: line.text };
  else relaxed.splice(lastOld, 1);
  return relaxed;
}

function rebuild(text: TextLines, placements: readonly Placement[]): TextLines {
  const lines: string[] = [];
  const endings: string[] = [];
  const keep = (index: number): void => {
    lines.push(text.lines[index] ?? "");
    endings.push(text.endings[index] ?? "");
  };
  let position = 0;
  for (const placement of placements) {
    for (; position < placement.start; position++) keep(position);
    for (const line of placement.lines) {
      if (line.kind === "add") {
        lines.push(line.text);
        endings.push(text.eol);
        continue;
      }
      if (line.kind === "context") keep(position);
      position++;
    }
  }
  for (; position < text.lines.length; position++) keep(position);
  return { ...text, lines, endings };
}
