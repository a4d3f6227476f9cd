import { startCheckRun } from "../github/check-runs.js";
import { cloneTaskWorkspace } from "./clone-task-workspace.js";
import { checkOutHead } from "./review-steps/check-out-head.js";
import { concludeReview } from "./review-steps/conclude-review.js";
import { continueFixLoop } from "./review-steps/fix-loop.js";
import { loadReviewConfig } from "./review-steps/load-review-config.js";
import { loadReviewablePull } from "./review-steps/load-reviewable-pull.js";
import { publishReview } from "./review-steps/publish-review.js";
import { refuseReviewWithoutSandbox } from "./review-steps/refuse-review-without-sandbox.js";
import { openReviewTask, reportReviewFailure } from "./review-steps/review-task-context.js";
import { runModelReview } from "./review-steps/run-model-review.js";
import { selectFilesToReview } from "./review-steps/select-files-to-review.js";
import type { RunnerDeps } from "./runner-deps.js";
import { closeTaskContext } from "./task-context.js";
import type { ReviewTask } from "./task-types.js";

/**
 * One pull request review, start to finish, in numbered steps: one GitHub review, one check run.
 * A step that ends the review (closed, outdated, refused) records why and returns nothing.
 */
export function createReviewTaskRunner(deps: RunnerDeps) {
  return async function runReviewTask(task: ReviewTask, signal: AbortSignal = new AbortController().signal): Promise<void> {
    const ctx = await openReviewTask(deps, task);
    let checkRunId: number | undefined;
    try {
      // 1. The pull request as it is now; a review of an outdated head is pointless.
      const pull = await loadReviewablePull(ctx);
      if (!pull) return;
      // 2. No sandbox, no review: the model reads the checkout through it.
      if (await refuseReviewWithoutSandbox(ctx)) return;
      // 3. Settings and review rules come from the base branch: the PR's own copy is untrusted.
      const config = await loadReviewConfig(ctx, pull);
      if (!config) return;
      // 4. The check run, in progress until step 10 concludes it (or the failure below does).
      checkRunId = await startCheckRun(ctx.octokit, ctx.repo, pull.head.sha, deps.logUrl(task.logId));
      // 5. What to review: the whole diff, or on a push only what changed since the last review.
      const files = await selectFilesToReview(ctx, pull, config.review);
      signal.throwIfAborted();
      // 6. The base branch cloned from the mirror.
      const checkout = await cloneTaskWorkspace(ctx, pull.base.ref);
      // 7. The head checked out for reading, and the base branch's AGENTS.md review guidelines.
      const guidelines = await checkOutHead(ctx, checkout, pull, files);
      signal.throwIfAborted();
      // 8. The model reads the diff (and the checkout, read-only, without network) and answers in JSON.
      const review = await runModelReview(ctx, { checkout, pull, config, files, guidelines });
      signal.throwIfAborted();
      // 9. One GitHub review: new findings on the right lines, the rest in the body, nothing repeated.
      const published = await publishReview(ctx, pull, files, review, config.review);
      // 10. The check run, a merge gate with `block_on`: findings still present at this head.
      const { present, verdict } = await concludeReview(ctx, checkRunId, pull.head.sha, files, published, config.review);
      // 11. On the bot's own pull requests, `auto_fix` runs review → fix → re-review, bounded.
      await continueFixLoop(ctx, pull, config, present);
      // 12. Done: the verdict is the task's summary.
      await ctx.finish("succeeded", `${verdict.conclusion}: ${verdict.title}`);
    } catch (error) {
      await reportReviewFailure(ctx, error, checkRunId, signal);
    } finally {
      await closeTaskContext(ctx);
    }
  };
}
