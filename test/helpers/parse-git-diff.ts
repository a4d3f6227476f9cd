import type { DiffFile, DiffHunk, FileStatus } from "../../src/review/diff-types.js";
import { parseHunkRun, splitDiffLines } from "../../src/review/parse-hunks.js";
import { parseDiffGitPaths, parseMarkerPath, readQuotedPath } from "./git-path.js";

/*
 * Test fixtures only: the bot reads pull requests through GitHub's per-file patches
 * (parsePullRequestFiles); whole `git diff` outputs are a compact way to write many files at once.
 */

const DIFF_GIT = "diff --git ";
const SECTION_START = "diff ";

/**
 * Reads the output of `git diff` (default `a/`/`b/` prefixes; rename detection optional).
 * Combined diffs of merges (`diff --cc`) are not supported: their sections are skipped.
 */
export function parseGitDiff(text: string): DiffFile[] {
  const lines = splitDiffLines(text);
  const files: DiffFile[] = [];
  let index = nextSection(lines, 0);
  while (index < lines.length) {
    if ((lines[index] ?? "").startsWith(DIFF_GIT)) {
      const section = readFileSection(lines, index);
      files.push(section.file);
      index = section.next;
    } else {
      index = nextSection(lines, index + 1);
    }
  }
  return files;
}

/** The next `diff ` line: `diff --git`, or a `diff --cc`/`diff --combined` section to skip. */
function nextSection(lines: readonly string[], from: number): number {
  let index = from;
  while (index < lines.length && !(lines[index] ?? "").startsWith(SECTION_START)) index++;
  return index;
}

interface SectionState {
  oldPath: string;
  newPath: string;
  status: FileStatus;
  binary: boolean;
  hunks: DiffHunk[];
}

function readFileSection(lines: readonly string[], start: number): { file: DiffFile; next: number } {
  const state: SectionState = { ...parseDiffGitPaths((lines[start] ?? "").slice(DIFF_GIT.length)), status: "modified", binary: false, hunks: [] };
  let index = start + 1;
  while (index < lines.length && !(lines[index] ?? "").startsWith(SECTION_START)) {
    const run = parseHunkRun(lines, index);
    if (run.hunks.length > 0) {
      state.hunks.push(...run.hunks);
      index = run.next;
    } else {
      applyHeaderLine(state, lines[index] ?? "");
      index++;
    }
  }
  return { file: toDiffFile(state), next: index };
}

/** Extended header lines: https://git-scm.com/docs/diff-format#_generating_patch_text_with_p */
function applyHeaderLine(state: SectionState, line: string): void {
  const value = (prefix: string) => line.slice(prefix.length);
  const path = (prefix: string) => (value(prefix).startsWith('"') ? readQuotedPath(value(prefix)).path : value(prefix));
  if (line.startsWith("new file mode ")) state.status = "added";
  else if (line.startsWith("deleted file mode ")) state.status = "removed";
  else if (line.startsWith("rename from ")) Object.assign(state, { status: "renamed", oldPath: path("rename from ") });
  else if (line.startsWith("rename to ")) state.newPath = path("rename to ");
  else if (line.startsWith("copy from ")) Object.assign(state, { status: "copied", oldPath: path("copy from ") });
  else if (line.startsWith("copy to ")) state.newPath = path("copy to ");
  else if (line.startsWith("--- ")) state.oldPath = parseMarkerPath(value("--- ")) ?? state.oldPath;
  else if (line.startsWith("+++ ")) state.newPath = parseMarkerPath(value("+++ ")) ?? state.newPath;
  else if (/^Binary files .* differ$/.test(line) || line === "GIT binary patch") state.binary = true;
}

function toDiffFile(state: SectionState): DiffFile {
  const lines = state.hunks.flatMap((hunk) => hunk.lines);
  const movedOrCopied = state.status === "renamed" || state.status === "copied";
  return {
    path: state.status === "removed" ? state.oldPath : state.newPath,
    ...(movedOrCopied ? { previousPath: state.oldPath } : {}),
    status: state.status,
    patchStatus: state.binary ? "binary" : "complete",
    hunks: state.hunks,
    additions: lines.filter((line) => line.kind === "add").length,
    deletions: lines.filter((line) => line.kind === "delete").length,
  };
}
