import { runGitOrThrow } from "./git.js";

export type FileStatus = "added" | "removed" | "modified" | "renamed" | "changed";

/** One file of a pull request or comparison, as GitHub's `files` arrays describe it. */
export interface DiffFileRecord {
  /** Blob sha on the new side (the old blob for a removed file). */
  sha: string;
  filename: string;
  previousFilename?: string;
  status: FileStatus;
  additions: number;
  deletions: number;
  /** Hunks from the first `@@`, without git's headers; absent for binary files and pure renames. */
  patch?: string;
}

const ZERO_SHA = /^0+$/;
const STATUS: Record<string, FileStatus> = { A: "added", D: "removed", M: "modified", R: "renamed", T: "changed" };

/** `git diff --raw -z` → status, blob shas and paths, in git's output order. */
function parseRaw(out: string): Omit<DiffFileRecord, "additions" | "deletions" | "patch">[] {
  const fields = out.split("\0");
  const files: Omit<DiffFileRecord, "additions" | "deletions" | "patch">[] = [];
  for (let i = 0; i < fields.length - 1; ) {
    // ":<old mode> <new mode> <old sha> <new sha> <status letter><score>"
    const [, , oldSha = "", newSha = "", letters = ""] = (fields[i] ?? "").slice(1).split(" ");
    const letter = letters.charAt(0);
    const first = fields[i + 1] ?? "";
    const renamed = letter === "R";
    const filename = renamed ? (fields[i + 2] ?? "") : first;
    files.push({
      sha: ZERO_SHA.test(newSha) ? oldSha : newSha,
      filename,
      ...(renamed ? { previousFilename: first } : {}),
      status: STATUS[letter] ?? "modified",
    });
    i += renamed ? 3 : 2;
  }
  return files;
}

/** `git diff --numstat -z` → added/deleted line counts (`-` for binary files counts as 0, like GitHub). */
function parseNumstat(out: string): { additions: number; deletions: number }[] {
  const fields = out.split("\0");
  const counts: { additions: number; deletions: number }[] = [];
  for (let i = 0; i < fields.length - 1; ) {
    const [added = "", deleted = "", path = ""] = (fields[i] ?? "").split("\t");
    counts.push({ additions: Number(added) || 0, deletions: Number(deleted) || 0 });
    // A rename leaves the path empty and puts old and new paths in the next two fields.
    i += path === "" ? 3 : 1;
  }
  return counts;
}

/** Splits a full `git diff` into per-file hunk text, dropping `diff --git`, `index`, `---` and `+++` lines. */
function splitPatches(out: string): (string | undefined)[] {
  return out
    .split(/^(?=diff --git )/m)
    .filter((chunk) => chunk.startsWith("diff --git "))
    .map((chunk) => {
      const start = chunk.search(/^@@ /m);
      return start === -1 ? undefined : chunk.slice(start).replace(/\n$/, "");
    });
}

/**
 * The files changed from `from` to `to`, computed by real git with rename detection.
 * Raw, numstat and patch output come from the same diff queue, so their entries line up by index.
 */
export async function diffFiles(bareDir: string, from: string, to: string): Promise<DiffFileRecord[]> {
  const common = ["diff", "--find-renames", "--no-color", "--no-ext-diff"];
  const range = ["--end-of-options", from, to];
  const [raw, numstat, patches] = await Promise.all([
    runGitOrThrow([...common, "--raw", "-z", "--no-abbrev", ...range], bareDir),
    runGitOrThrow([...common, "--numstat", "-z", ...range], bareDir),
    runGitOrThrow([...common, "--patch", ...range], bareDir),
  ]);
  const counts = parseNumstat(numstat);
  const hunks = splitPatches(patches);
  return parseRaw(raw).map((file, index) => {
    const patch = hunks[index];
    return { ...file, ...(counts[index] ?? { additions: 0, deletions: 0 }), ...(patch === undefined ? {} : { patch }) };
  });
}
