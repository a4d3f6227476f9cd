import type { AgentOutcome } from "../../agent/agent-loop.js";
import type { RepoConfig } from "../../config/repo-config.js";
import type { Sandbox } from "../../sandbox/types.js";
import type { Checkout } from "../clone-task-workspace.js";
import { taskSandboxLimits } from "../task-sandbox-limits.js";
import { runAgentPhase } from "./agent-phase.js";
import type { CodeTaskContext } from "./code-task-context.js";
import type { AgentBrief } from "./prepare-prompt.js";

export interface AgentResult {
  outcome: AgentOutcome;
  /** The agent's sandbox, which the host verifies the change in afterwards. */
  sandbox: Sandbox;
  model: string;
}

/** The agent, in a sandbox with no network and no credentials, the git directory mounted read-only. */
export async function runTaskAgent(ctx: CodeTaskContext, checkout: Checkout, config: RepoConfig, brief: AgentBrief): Promise<AgentResult> {
  const { deps } = ctx;
  const ws = checkout.workspace;
  const sandbox = deps.createSandbox({ workspace: ws.workTree, network: false, readOnly: [{ host: ws.gitDir, sandbox: "/workspace/.git" }], limits: taskSandboxLimits(deps.config, config), hostUser: deps.sandboxUser });
  const model = deps.createModel(config.model ?? deps.config.CODEX_MODEL);
  const outcome = await runAgentPhase({
    sandbox, files: brief.files, model, prompt: brief.prompt, log: ctx.log,
    budgets: {
      maxTurns: config.max_turns ?? deps.config.CODEX_MAX_TURNS,
      wallTimeMs: (config.timeout_minutes ?? deps.config.CODEX_TIMEOUT_MINUTES) * 60_000,
      maxTokens: deps.config.CODEX_MAX_TOKENS,
    },
    commandTimeoutMs: deps.config.CODEX_COMMAND_TIMEOUT_SECONDS * 1000,
    onPlan: (plan) => ctx.status.setPlan(plan),
    signal: ctx.signal,
  });
  return { outcome, sandbox, model: model.model };
}
