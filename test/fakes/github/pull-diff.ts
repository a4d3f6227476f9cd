import type { DiffFileRecord } from "./diff-files.js";
import { diffFiles } from "./diff-files.js";
import { mergeBase } from "./git-revs.js";
import { pullBaseSha, pullHeadSha } from "./pull-refs.js";
import type { PullRecord, RepoRecord } from "./state.js";

export interface PullDiff {
  baseSha: string;
  headSha: string;
  mergeBaseSha: string;
  files: DiffFileRecord[];
}

/**
 * What GitHub shows as a pull request's change: `git diff <merge-base>...<head>`.
 * `atCommit` diffs an earlier head instead (a review's `commit_id`); undefined when a commit is missing.
 */
export async function pullDiff(repo: RepoRecord, pull: PullRecord, atCommit?: string): Promise<PullDiff | undefined> {
  const baseSha = await pullBaseSha(repo, pull);
  const headSha = atCommit ?? (await pullHeadSha(repo, pull));
  if (baseSha === undefined || headSha === undefined) return undefined;
  const mergeBaseSha = await mergeBase(repo.bareDir, baseSha, headSha);
  if (mergeBaseSha === undefined) return undefined;
  return { baseSha, headSha, mergeBaseSha, files: await diffFiles(repo.bareDir, mergeBaseSha, headSha) };
}
