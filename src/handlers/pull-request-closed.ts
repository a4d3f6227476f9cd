import type { Context } from "probot";
import { deleteBranch } from "../github/branches.js";
import type { HandlerDeps } from "./issue-labeled.js";

/**
 * A bot pull request was closed. Merged: the issue closes through `Fixes #N` on GitHub's side;
 * the bot deletes its branch (unless configured not to) and records the merge. Closed unmerged:
 * recorded as abandoned; the branch is kept for a while (`abandoned_branch_days`) for anyone
 * who wants to pick it up, then the janitor removes it.
 */
export function handlePullRequestClosed(deps: HandlerDeps) {
  return async (context: Context<"pull_request.closed">): Promise<void> => {
    const { pull_request: pull } = context.payload;
    const repo = context.repo();
    const record = await deps.store.getBotPullRequest(repo.owner, repo.repo, pull.number);
    if (!record || record.state !== "open") return;
    const log = context.log.child({ delivery: context.id, pull: pull.number });
    if (!pull.merged) {
      await deps.store.closeBotPullRequest(repo.owner, repo.repo, pull.number, "abandoned", false);
      return log.info("bot pull request closed without merge: recorded as abandoned");
    }
    const parsed = await deps.repoConfig.loadRecent(context.octokit, repo);
    const shouldDelete = parsed.ok ? parsed.config.delete_branch_on_merge : true;
    const deleted = shouldDelete && (await deleteBranch(context.octokit, repo, record.headRef));
    await deps.store.closeBotPullRequest(repo.owner, repo.repo, pull.number, "merged", deleted);
    log.info({ branchDeleted: deleted }, "bot pull request merged");
  };
}
