export type Side = "LEFT" | "RIGHT";

/** One commentable line of a file's patch. */
export interface PatchLine {
  kind: "context" | "added" | "deleted";
  /** Line number in the base version (context and deleted lines). */
  oldLine?: number;
  /** Line number in the head version (context and added lines). */
  newLine?: number;
  /** Which `@@` hunk holds the line, from 0. */
  hunk: number;
  /** Lines below the first `@@` header, counting later headers: GitHub's legacy `position`. */
  position: number;
  /** Index of this line in `patch.split("\n")`, to cut `diff_hunk` text. */
  index: number;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** Reads a GitHub-format patch (starting at the first `@@`) into its commentable lines. */
export function parsePatchLines(patch: string): PatchLine[] {
  const lines: PatchLine[] = [];
  let hunk = -1;
  let oldLine = 0;
  let newLine = 0;
  patch.split("\n").forEach((text, index) => {
    const header = HUNK_HEADER.exec(text);
    if (header !== null) {
      hunk += 1;
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      return;
    }
    if (hunk === -1) return;
    const base = { hunk, position: index, index };
    if (text.startsWith("+")) lines.push({ ...base, kind: "added", newLine: newLine++ });
    else if (text.startsWith("-")) lines.push({ ...base, kind: "deleted", oldLine: oldLine++ });
    else if (text.startsWith(" ")) lines.push({ ...base, kind: "context", oldLine: oldLine++, newLine: newLine++ });
    // "\ No newline at end of file" is not a line of either version.
  });
  return lines;
}

/** The patch line a review comment's (side, line) names, or undefined when the diff does not show it. */
export function findPatchLine(lines: PatchLine[], side: Side, line: number): PatchLine | undefined {
  return lines.find((candidate) => (side === "RIGHT" ? candidate.newLine : candidate.oldLine) === line);
}
