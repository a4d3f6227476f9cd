/** File status as GitHub's "list pull request files" API reports it. */
export type FileStatus = "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";

/** One entry of `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`, the fields we read. */
export interface PullRequestFile {
  filename: string;
  previous_filename?: string;
  status: FileStatus;
  /** Missing for binary files and for diffs GitHub considers too large to show. */
  patch?: string;
  additions: number;
  deletions: number;
  changes: number;
}

export type DiffLineKind = "context" | "add" | "delete";

/** One line of a hunk. `oldLine` is set for context/delete lines, `newLine` for context/add lines. */
export interface DiffLine {
  kind: DiffLineKind;
  /** The line's content without the diff prefix and without a trailing `\r`. */
  text: string;
  oldLine?: number;
  newLine?: number;
  /** Followed by `\ No newline at end of file`. */
  noNewlineAtEnd?: true;
}

/** One `@@ -oldStart,oldLines +newStart,newLines @@ section` block. */
export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Text after the closing `@@` (git's guess at the enclosing function); often empty. */
  section: string;
  lines: DiffLine[];
}

/**
 * Whether the file's hunks describe its whole change:
 * "complete" (possibly no hunks, as for a pure rename), "binary", or "omitted"
 * (GitHub sent no patch: a binary file or a diff too large to show).
 */
export type PatchStatus = "complete" | "binary" | "omitted";

export interface DiffFile {
  /** Path on the new side (for a removed file, the path it had). */
  path: string;
  /** Set for renames and copies. */
  previousPath?: string;
  status: FileStatus;
  patchStatus: PatchStatus;
  hunks: DiffHunk[];
  additions: number;
  deletions: number;
}

