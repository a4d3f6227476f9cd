import type { CodeTaskContext } from "./code-task-context.js";

/** Never run agent commands bare: without a healthy sandbox the task is refused before anything is cloned. True when refused. */
export async function refuseUnhealthySandbox(ctx: CodeTaskContext): Promise<boolean> {
  const health = ctx.deps.sandboxHealth();
  if (health.ok) return false;
  await ctx.finish("refused", "codex-bot cannot run tasks right now: its sandbox is unavailable", `${health.reason}\n\nThe bot's operator has to fix this; nothing was run.`);
  return true;
}
