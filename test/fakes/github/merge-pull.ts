import { branchSha, FAKE_AUTHOR_ENV, runGit, runGitOrThrow } from "./git.js";
import { isAncestor } from "./git-revs.js";
import { syncPullRefs } from "./pull-refs.js";
import { findPull } from "./pull-shape.js";
import type { FakeGitHubState, PullRecord, RepoRecord } from "./state.js";
import { nowIso, requireRepo } from "./state.js";

/** A merge commit of head into base, like GitHub's "Create a merge commit"; throws on conflicts. */
async function createMergeCommit(repo: RepoRecord, pull: PullRecord, base: string, head: string): Promise<string> {
  // `merge-tree --write-tree` (git 2.38+) merges without a work tree; exit 1 means conflicts.
  const merged = await runGit(["merge-tree", "--write-tree", "--no-messages", base, head], repo.bareDir);
  if (merged.exitCode !== 0) {
    throw new Error(`fake GitHub cannot merge #${pull.number}: ${pull.pull.head} conflicts with ${pull.pull.base}`);
  }
  const tree = merged.stdout.toString("utf8").split("\n")[0] ?? "";
  const message = `Merge pull request #${pull.number} from ${repo.owner}/${pull.pull.head}\n\n${pull.title}`;
  return (await runGitOrThrow(["commit-tree", tree, "-p", base, "-p", head, "-m", message], repo.bareDir, FAKE_AUTHOR_ENV)).trim();
}

/**
 * Test helper: merges an open pull request with real git (fast-forward when the base has not
 * moved, else a merge commit), moves the base branch, marks the PR merged and closed, and
 * returns the commit the base branch now points at.
 */
export async function mergePullRequest(state: FakeGitHubState, owner: string, name: string, number: number): Promise<string> {
  const repo = requireRepo(state, owner, name);
  const pull = findPull(repo, number);
  if (pull === undefined || pull.state !== "open") throw new Error(`${owner}/${name}#${number} is not an open pull request`);
  const base = await branchSha(repo.bareDir, pull.pull.base);
  const head = await branchSha(repo.bareDir, pull.pull.head);
  if (base === undefined || head === undefined) throw new Error(`${owner}/${name}#${number} lacks its base or head branch`);
  await syncPullRefs(repo);
  const sha = (await isAncestor(repo.bareDir, base, head)) ? head : await createMergeCommit(repo, pull, base, head);
  // The old value makes update-ref refuse if the base moved meanwhile, as a real merge would.
  await runGitOrThrow(["update-ref", `refs/heads/${pull.pull.base}`, sha, base], repo.bareDir);
  const now = nowIso();
  Object.assign(pull, { state: "closed", closedAt: now, updatedAt: now });
  pull.pull.merge = { at: now, commitSha: sha, baseSha: base };
  return sha;
}
