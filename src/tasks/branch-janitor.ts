import type { RepoConfigCache } from "../config/repo-config-cache.js";
import type { Logger } from "pino";
import { deleteBranch } from "../github/branches.js";
import type { Octokit, RepoRef } from "../github/types.js";
import type { Store } from "../store/store.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes the branches of abandoned bot pull requests once they are older than the repository's
 * `abandoned_branch_days` (revalidated: deleting is for good). Runs on a timer; a failure for one
 * repository does not stop the rest.
 */
export async function sweepAbandonedBranches(repoConfig: RepoConfigCache, store: Store, octokitFor: (installationId: number, repo: RepoRef) => Promise<Octokit>, log: Logger, now = Date.now()): Promise<number> {
  let deleted = 0;
  for (const pr of await store.abandonedBranches(0, now)) {
    try {
      const repo = { owner: pr.owner, repo: pr.repo };
      const octokit = await octokitFor(pr.installationId, repo);
      const parsed = await repoConfig.loadLatest(octokit, repo);
      const days = parsed.ok ? parsed.config.abandoned_branch_days : 14;
      if ((pr.closedAt ?? now) + days * DAY_MS > now) continue;
      if (await deleteBranch(octokit, repo, pr.headRef)) {
        await store.markBranchDeleted(pr.owner, pr.repo, pr.number);
        deleted += 1;
      }
    } catch (err) {
      log.warn({ err, pull: `${pr.owner}/${pr.repo}#${pr.number}` }, "could not clean up an abandoned branch");
    }
  }
  return deleted;
}
