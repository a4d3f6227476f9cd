import type { ReviewTaskContext } from "./review-task-context.js";

/** The model reads the checkout through the sandbox: without a healthy one the review is refused. True when refused. */
export async function refuseReviewWithoutSandbox(ctx: ReviewTaskContext): Promise<boolean> {
  const health = ctx.deps.sandboxHealth();
  if (health.ok) return false;
  await ctx.finish("refused", `sandbox unavailable: ${health.reason}`);
  return true;
}
