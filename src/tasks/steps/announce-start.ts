import type { CodeTaskContext } from "./code-task-context.js";

/**
 * The status comment says the work started, which attempt this is and who asked; a later
 * attempt says it resumed, from the start, after the previous one was interrupted.
 */
export async function announceStart(ctx: CodeTaskContext): Promise<void> {
  const { task } = ctx;
  const resumed = task.attempts > 1 ? " · resumed from the start after the previous attempt was interrupted (its worker stopped)" : "";
  await ctx.status.update({ headline: "codex is working on this", detail: `Attempt ${task.attempts}${resumed} · started by @${task.request.sender.login}` });
}
