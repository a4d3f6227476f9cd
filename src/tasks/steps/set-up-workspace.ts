import { join } from "node:path";
import { REPO_CONFIG_PATH, type RepoConfig } from "../../config/repo-config.js";
import { detectSetupCommands } from "../../workspace/detect-commands.js";
import type { Checkout } from "../clone-task-workspace.js";
import { tail } from "../pull-request-body.js";
import { taskSandboxLimits } from "../task-sandbox-limits.js";
import type { CodeTaskContext } from "./code-task-context.js";
import { runSetupPhase } from "./setup-phase.js";

/**
 * The setup phase: dependencies, with network, before the agent (which has none); restored from
 * the cache when the lockfiles match. The only phase that gets setup secrets. False when the
 * task ended here (a missing secret, a failed command); true when the workspace is ready.
 */
export async function setUpWorkspace(ctx: CodeTaskContext, checkout: Checkout, config: RepoConfig): Promise<boolean> {
  const { deps, task } = ctx;
  const { workspace: ws, branch } = checkout;
  const commands = config.setup ?? (await detectSetupCommands(ws.workTree));
  const secrets = await collectSetupSecrets(ctx, config);
  if (!secrets) return false;
  const setup = await runSetupPhase({
    sandbox: deps.createSandbox({ workspace: ws.workTree, network: true, secrets, limits: taskSandboxLimits(deps.config, config), hostUser: deps.sandboxUser }),
    workspace: ws, owner: deps.sandboxUser, commands,
    timeoutMs: deps.config.CODEX_SETUP_TIMEOUT_MINUTES * 60_000, log: ctx.log,
    cache: { rootDir: join(deps.config.CODEX_DATA_DIR, "cache", "deps"), repo: ws.repo, store: branch === task.request.defaultBranch },
  });
  if (setup.ok) return true;
  await ctx.finish("failed", "codex could not set up the repository", `\`${setup.failedCommand}\` failed:\n\n\`\`\`\n${tail(setup.output ?? "")}\n\`\`\``);
  return false;
}

/** The values of `setup_secrets`, each added to the task's secrets; null when one is missing (the task is refused). */
async function collectSetupSecrets(ctx: CodeTaskContext, config: RepoConfig): Promise<Record<string, string> | null> {
  const values: Record<string, string> = {};
  for (const name of config.setup_secrets) {
    const value = ctx.deps.setupSecret(name);
    if (value === undefined) {
      await ctx.finish("refused", `codex-bot has no setup secret \`${name}\``, `\`${REPO_CONFIG_PATH}\` asks for it in \`setup_secrets\`; the operator provides it as the environment variable \`CODEX_SETUP_SECRET_${name}\`.`);
      return null;
    }
    values[name] = value;
    ctx.secrets.push(value);
  }
  return values;
}
