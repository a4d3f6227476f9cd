import { REPO_CONFIG_PATH, type RepoConfig } from "../../config/repo-config.js";
import { sandboxLimitWarnings } from "../task-sandbox-limits.js";
import type { PullRequest, ReviewTaskContext } from "./review-task-context.js";

/** Settings and review rules come from the base branch: the PR's own copy is untrusted. Null when refused (invalid). */
export async function loadReviewConfig(ctx: ReviewTaskContext, pull: PullRequest): Promise<RepoConfig | null> {
  const parsed = await ctx.deps.repoConfig.loadLatest(ctx.octokit, ctx.repo, pull.base.ref);
  if (parsed.ok) {
    // The review's sandbox gets the clamped limits (run-model-review.ts); the log says a limit was clamped.
    for (const warning of sandboxLimitWarnings(ctx.deps.config, parsed.config)) ctx.log.write(`config: ${warning}`);
    return parsed.config;
  }
  await ctx.finish("refused", `invalid ${REPO_CONFIG_PATH}: ${parsed.errors.join("; ")}`);
  return null;
}
