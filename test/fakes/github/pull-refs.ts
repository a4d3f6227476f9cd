import { branchSha, runGitOrThrow } from "./git.js";
import { resolveCommit } from "./git-revs.js";
import type { PullRecord, RepoRecord } from "./state.js";

/** The ref GitHub keeps at a pull request's head commit, which clients fetch to review forks. */
export function pullHeadRef(number: number): string {
  return `refs/pull/${number}/head`;
}

function openPulls(repo: RepoRecord): PullRecord[] {
  return [...repo.issues.values()].filter((issue): issue is PullRecord => issue.pull !== undefined && issue.state === "open");
}

/** Points `refs/pull/<n>/head` at each open pull request's head branch tip, as GitHub does after every push. */
export async function syncPullRefs(repo: RepoRecord): Promise<void> {
  for (const pull of openPulls(repo)) {
    const sha = await branchSha(repo.bareDir, pull.pull.head);
    if (sha !== undefined) await runGitOrThrow(["update-ref", pullHeadRef(pull.number), sha], repo.bareDir);
  }
}

/**
 * The pull request's head commit. An open one follows its branch; a closed one keeps the commit
 * `refs/pull/<n>/head` froze, which outlives a deleted head branch, as on GitHub.
 */
export async function pullHeadSha(repo: RepoRecord, pull: PullRecord): Promise<string | undefined> {
  const branch = () => branchSha(repo.bareDir, pull.pull.head);
  const frozen = () => resolveCommit(repo.bareDir, pullHeadRef(pull.number));
  return pull.state === "open" ? ((await branch()) ?? (await frozen())) : ((await frozen()) ?? (await branch()));
}

/** The base commit a pull request is diffed against: the base tip, or the tip it was merged into. */
export async function pullBaseSha(repo: RepoRecord, pull: PullRecord): Promise<string | undefined> {
  return pull.pull.merge?.baseSha ?? (await branchSha(repo.bareDir, pull.pull.base));
}
