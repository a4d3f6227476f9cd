import type { DiffFile } from "./diff-types.js";

export interface FileGroups {
  groups: DiffFile[][];
  /** Files left out because the review budget ran out. */
  leftOut: DiffFile[];
}

/** The diff text the model sees for a file: its hunks as in a unified diff. */
export function renderFileDiff(file: DiffFile): string {
  const header = file.previousPath && file.previousPath !== file.path ? `--- ${file.previousPath}\n+++ ${file.path}` : `--- ${file.path}\n+++ ${file.path}`;
  const hunks = file.hunks.map((h) => {
    const head = `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@${h.section ? ` ${h.section}` : ""}`;
    const body = h.lines.map((l) => `${l.kind === "add" ? "+" : l.kind === "delete" ? "-" : " "}${l.text}`);
    return [head, ...body].join("\n");
  });
  return [header, ...hunks].join("\n");
}

/**
 * Splits the files into groups whose diffs fit `budgetChars` each, largest first so a big file
 * is not starved, up to `maxGroups`; what does not fit is left out and named in the review.
 * A single file larger than the budget is left out rather than cut mid-hunk.
 */
export function groupFilesForReview(files: readonly DiffFile[], budgetChars: number, maxGroups: number): FileGroups {
  const sized = files.map((file) => ({ file, size: renderFileDiff(file).length })).sort((a, b) => b.size - a.size);
  const groups: { files: DiffFile[]; size: number }[] = [];
  const leftOut: DiffFile[] = [];
  for (const { file, size } of sized) {
    if (size > budgetChars) {
      leftOut.push(file);
      continue;
    }
    const group = groups.find((g) => g.size + size <= budgetChars);
    if (group) {
      group.files.push(file);
      group.size += size;
    } else if (groups.length < maxGroups) {
      groups.push({ files: [file], size });
    } else {
      leftOut.push(file);
    }
  }
  return { groups: groups.map((g) => g.files), leftOut };
}
