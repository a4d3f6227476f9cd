import { runGit, runGitOrThrow } from "./git.js";

/** The commit `ref` names (a sha, a branch, a tag, `refs/...`), or undefined when it names none. */
export async function resolveCommit(bareDir: string, ref: string): Promise<string | undefined> {
  if (ref === "" || ref.startsWith("-")) return undefined;
  const result = await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], bareDir);
  return result.exitCode === 0 ? result.stdout.toString("utf8").trim() : undefined;
}

/** The best common ancestor of two commits, or undefined when their histories are unrelated. */
export async function mergeBase(bareDir: string, a: string, b: string): Promise<string | undefined> {
  const result = await runGit(["merge-base", "--end-of-options", a, b], bareDir);
  return result.exitCode === 0 ? result.stdout.toString("utf8").trim() : undefined;
}

/** Commits reachable from `to` and not from `from`, oldest first (as GitHub lists a comparison's commits). */
export async function commitsBetween(bareDir: string, from: string, to: string): Promise<string[]> {
  const out = await runGitOrThrow(["rev-list", "--reverse", "--topo-order", "--end-of-options", `${from}..${to}`], bareDir);
  return out.split("\n").filter(Boolean);
}

/** True when `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(bareDir: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await runGit(["merge-base", "--is-ancestor", "--end-of-options", ancestor, descendant], bareDir)).exitCode === 0;
}

export interface CommitInfo {
  sha: string;
  message: string;
  authorName: string;
  authorEmail: string;
  authorDate: string;
  parents: string[];
}

/** Author, message and parents of one commit, for GitHub-shaped commit objects. */
export async function readCommit(bareDir: string, sha: string): Promise<CommitInfo> {
  const out = await runGitOrThrow(["show", "-s", "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%B", "--end-of-options", sha], bareDir);
  const [full = sha, parents = "", authorName = "", authorEmail = "", authorDate = "", message = ""] = out.split("\0");
  return { sha: full, message: message.replace(/\n+$/, ""), authorName, authorEmail, authorDate, parents: parents.split(" ").filter(Boolean) };
}
