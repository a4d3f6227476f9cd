import { extractReviewGuidelines, type ScopedGuidelines } from "../review/index.js";
import { authHeaderConfig, hostGit, type GitDirs } from "./host-git.js";

const MAX_AGENTS_FILES = 20;
const MAX_AGENTS_BYTES = 64 * 1024;

/**
 * Moves the work tree to the pull request's head. GitHub keeps `refs/pull/<n>/head` in the base
 * repository for every PR, forks included, so one fetch with the installation token suffices.
 */
export async function checkoutPullRequestHead(ws: GitDirs, pullNumber: number, headSha: string, token: string): Promise<void> {
  await hostGit(ws, ws.workTree, authHeaderConfig(token)).raw([
    "fetch", "--quiet", "--no-tags", "origin", `+refs/pull/${pullNumber}/head:refs/remotes/origin/pull/${pullNumber}`,
  ]);
  await hostGit(ws, ws.workTree).raw(["checkout", "--quiet", "--force", "--detach", headSha]);
}

/**
 * Review guidelines from every AGENTS.md at `commit`, read as git blobs: the base branch's copy
 * is the trusted one, and reading blobs runs nothing from the repository.
 */
export async function readReviewGuidelinesAt(ws: GitDirs, commit: string): Promise<ScopedGuidelines[]> {
  const git = hostGit(ws, ws.workTree);
  const names = (await git.raw(["ls-tree", "-r", "-z", "--name-only", commit])).split("\0").filter((n) => n === "AGENTS.md" || n.endsWith("/AGENTS.md"));
  const found: ScopedGuidelines[] = [];
  let total = 0;
  for (const name of names.slice(0, MAX_AGENTS_FILES)) {
    const text = (await git.raw(["cat-file", "blob", `${commit}:${name}`])).slice(0, MAX_AGENTS_BYTES - total);
    total += text.length;
    const guidelines = extractReviewGuidelines(text);
    if (guidelines) found.push({ dir: name.includes("/") ? name.slice(0, name.lastIndexOf("/")) : "", text: guidelines });
    if (total >= MAX_AGENTS_BYTES) break;
  }
  return found;
}

/** The commit a ref points at in the task's git directory. */
export async function resolveCommit(ws: GitDirs, ref: string): Promise<string> {
  return (await hostGit(ws, ws.workTree).revparse([`${ref}^{commit}`])).trim();
}
