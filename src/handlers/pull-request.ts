import type { Context } from "probot";
import { compileBranchGlobs } from "../review/index.js";
import { reviewTaskFromPull } from "../tasks/task-requests.js";
import type { HandlerDeps } from "./issue-labeled.js";

export const REVIEWED_ACTIONS = ["pull_request.opened", "pull_request.reopened", "pull_request.ready_for_review", "pull_request.synchronize"] as const;

/**
 * Every pull request gets a review: guard (settings from the base branch, drafts, authors,
 * branches), then queue a review task that replaces one still waiting for an older head.
 */
export function handlePullRequest(deps: HandlerDeps & { botLogin: () => Promise<string> }) {
  return async (context: Context<(typeof REVIEWED_ACTIONS)[number]>): Promise<void> => {
    const { pull_request: pull } = context.payload;
    const log = context.log.child({ delivery: context.id, pull: pull.number });
    const repo = context.repo();
    const parsed = await deps.repoConfig.loadRecent(context.octokit, repo, pull.base.ref);
    if (!parsed.ok) return log.info({ errors: parsed.errors }, "no automatic review: invalid repository config");
    const review = parsed.config.review;
    const author = pull.user?.login ?? "";
    if (!review.auto) return log.debug("no automatic review: review.auto is off");
    if (pull.draft && !review.drafts) return log.debug("no automatic review: draft");
    if (review.skip_authors.includes(author)) return log.debug({ author }, "no automatic review: author skipped");
    if (!review.bot_prs && author === (await deps.botLogin())) return log.debug("no automatic review: the bot's own pull request");
    if (review.branches.length > 0 && !compileBranchGlobs(review.branches)(pull.base.ref)) return log.debug("no automatic review: base branch not selected");

    const task = await deps.store.enqueueForDelivery(context.id, reviewTaskFromPull(context.payload), { replaceQueued: true });
    if (task) {
      log.info({ task: task.id }, "review queued");
      deps.poke();
    }
  };
}
