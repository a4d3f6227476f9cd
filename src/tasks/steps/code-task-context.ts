import { interrupted } from "../hand-back.js";
import { redactSecrets } from "../redact.js";
import type { RunnerDeps } from "../runner-deps.js";
import { StatusComment } from "../status-comment.js";
import { openTaskContext, type TaskContext } from "../task-context.js";
import type { Finish } from "../task-outcome.js";
import type { CodeTask } from "../task-types.js";

/** A code task's context: besides the shared one, its status comment on the issue and how it ends. */
export interface CodeTaskContext extends TaskContext<CodeTask> {
  status: StatusComment;
  /** Ends the task: the task log, the status comment (redacted) and the store. A step that ends the task calls it and says so. */
  finish: Finish;
  signal: AbortSignal;
  startedAt: number;
}

export async function openCodeTask(deps: RunnerDeps, task: CodeTask, signal: AbortSignal): Promise<CodeTaskContext> {
  const startedAt = Date.now();
  const ctx = await openTaskContext(deps, task);
  const { log, secrets } = ctx;
  const status = new StatusComment(ctx.octokit, ctx.repo, task, deps.store, deps.logUrl(task.logId), { outgoing: ctx.outgoing, log: deps.log });
  const finish: Finish = async (outcome, headline, detail) => {
    log.write(`finished: ${outcome}: ${headline}`, detail);
    await status.update({ headline, ...(detail ? { detail: redactSecrets(detail, secrets) } : {}) });
    await deps.store.finish(task.id, outcome, headline);
  };
  return { ...ctx, status, finish, signal, startedAt };
}

/** An error or a cancellation ends the task too, and is reported on the issue like any other ending. */
export async function reportFailure(ctx: CodeTaskContext, error: unknown): Promise<void> {
  const { signal } = ctx;
  // Handed back or taken over: another attempt runs it; nothing to report or record here.
  if (interrupted(signal)) {
    ctx.log.write(`interrupted: ${(signal.reason as Error).message}`);
    return;
  }
  if (signal.aborted) {
    await ctx.finish("cancelled", "codex stopped", `${(signal.reason as Error)?.message ?? "stopped"}; nothing was pushed.`).catch(() => undefined);
    return;
  }
  ctx.deps.log.error({ err: error, task: ctx.task.id }, "task failed");
  await ctx.finish("failed", "codex hit an error and stopped", redactSecrets(`${(error as Error).message}`, ctx.secrets))
    .catch((e: unknown) => ctx.deps.log.error({ err: e }, "could not report failure"));
}
