import { interrupted } from "../hand-back.js";
import type { Octokit } from "../../github/types.js";
import { redactSecrets } from "../redact.js";
import type { RunnerDeps } from "../runner-deps.js";
import { openTaskContext, type TaskContext } from "../task-context.js";
import type { ReviewTask, TaskStatus } from "../task-types.js";
import { concludeCheckRun, type ConcludeContext } from "./conclude-check-run.js";

/** The pull request as GitHub gives it now. */
export type PullRequest = Awaited<ReturnType<Octokit["rest"]["pulls"]["get"]>>["data"];

/** A review's context: besides the shared one, how it ends. A review has no status comment: the review and the check run say it all. */
export interface ReviewTaskContext extends TaskContext<ReviewTask> {
  /** Ends the review in the task log and the store. A step that ends the review calls it and says so. */
  finish: (status: Exclude<TaskStatus, "queued" | "running">, summary: string) => Promise<void>;
  /** What concluding the check run needs: it is retried, and never throws. */
  concluding: ConcludeContext;
}

export async function openReviewTask(deps: RunnerDeps, task: ReviewTask): Promise<ReviewTaskContext> {
  const ctx = await openTaskContext(deps, task);
  const finish: ReviewTaskContext["finish"] = async (status, summary) => {
    ctx.log.write(`finished: ${status}: ${summary}`);
    await deps.store.finish(task.id, status, summary);
  };
  return { ...ctx, finish, concluding: { log: deps.log, taskId: task.id, outgoing: ctx.outgoing } };
}

/** An error ends the review as failed, and a check run already started is concluded neutral, never left in progress. */
export async function reportReviewFailure(ctx: ReviewTaskContext, error: unknown, checkRunId: number | undefined, signal?: AbortSignal): Promise<void> {
  // Handed back or taken over: another attempt reviews it and concludes the check run it starts.
  if (signal && interrupted(signal)) {
    ctx.log.write(`interrupted: ${(signal.reason as Error).message}`);
    if (checkRunId !== undefined) await concludeCheckRun(ctx.octokit, ctx.repo, checkRunId, { conclusion: "neutral", title: "Review moved to another worker", summary: "This review was interrupted and runs again." }, ctx.concluding);
    return;
  }
  ctx.deps.log.error({ err: error, task: ctx.task.id }, "review failed");
  const message = redactSecrets((error as Error).message, ctx.secrets);
  if (checkRunId !== undefined) await concludeCheckRun(ctx.octokit, ctx.repo, checkRunId, { conclusion: "neutral", title: "Review failed", summary: message }, ctx.concluding);
  await ctx.finish("failed", message);
}
