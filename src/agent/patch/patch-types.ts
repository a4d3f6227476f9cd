/** One line of a hunk: kept, removed from or added to the file. */
export interface HunkLine {
  kind: "context" | "remove" | "add";
  text: string;
}

/** One `@@` section of an `*** Update File:` operation. */
export interface Hunk {
  /** Text after `@@ `: a line (often a signature) to seek to before matching `lines`. */
  context?: string;
  lines: HunkLine[];
  /** Set by `*** End of File`: the old lines are expected at the end of the file. */
  isEndOfFile: boolean;
}

export type PatchOperation =
  | { kind: "add"; path: string; contents: string }
  | { kind: "delete"; path: string }
  | { kind: "update"; path: string; moveTo?: string; hunks: Hunk[] };

export interface PatchResult {
  added: string[];
  modified: string[];
  deleted: string[];
  /** Codex-style report for the model: `A path`, `M path`, `D path` lines. */
  summary: string;
}

/** The lines a hunk expects to find in the file, in order. */
export function oldLinesOf(lines: readonly HunkLine[]): string[] {
  return lines.filter((line) => line.kind !== "add").map((line) => line.text);
}
