import type { PullRequest, ReviewTaskContext } from "./review-task-context.js";

/** The pull request as it is now; a review of a closed one, or of a head a newer push replaced, is pointless. Null when cancelled. */
export async function loadReviewablePull(ctx: ReviewTaskContext): Promise<PullRequest | null> {
  const { task } = ctx;
  const { data: pull } = await ctx.octokit.rest.pulls.get({ ...ctx.repo, pull_number: task.number });
  if (pull.state !== "open") return cancel(ctx, "the pull request is closed");
  if (pull.head.sha !== task.request.headSha && task.request.trigger === "pull_request") return cancel(ctx, "a newer push will be reviewed instead");
  return pull;
}

async function cancel(ctx: ReviewTaskContext, why: string): Promise<null> {
  await ctx.finish("cancelled", why);
  return null;
}
