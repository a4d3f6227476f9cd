import { REPO_CONFIG_PATH, type RepoConfig } from "../../config/repo-config.js";
import { agentNetworkWarnings } from "../task-agent-network.js";
import { sandboxLimitWarnings } from "../task-sandbox-limits.js";
import type { CodeTaskContext } from "./code-task-context.js";

/** `.github/codex.yml` from the default branch, revalidated; an invalid one refuses the task, saying which keys are wrong. Null when refused. */
export async function loadTaskConfig(ctx: CodeTaskContext): Promise<RepoConfig | null> {
  const parsed = await ctx.deps.repoConfig.loadLatest(ctx.octokit, ctx.repo);
  if (!parsed.ok) {
    await ctx.finish("refused", `codex-bot did not start: \`${REPO_CONFIG_PATH}\` is invalid`, parsed.errors.map((e) => `- ${e}`).join("\n"));
    return null;
  }
  for (const warning of [...parsed.warnings, ...sandboxLimitWarnings(ctx.deps.config, parsed.config), ...agentNetworkWarnings(ctx.deps.config, parsed.config)]) ctx.log.write(`config: ${warning}`);
  return parsed.config;
}
