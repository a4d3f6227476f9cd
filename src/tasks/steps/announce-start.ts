import type { CodeTaskContext } from "./code-task-context.js";

/** The status comment says the work started, which attempt this is and who asked. */
export async function announceStart(ctx: CodeTaskContext): Promise<void> {
  const { task } = ctx;
  await ctx.status.update({ headline: "codex is working on this", detail: `Attempt ${task.attempts} · started by @${task.request.sender.login}` });
}
