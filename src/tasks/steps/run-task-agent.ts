import type { AgentOutcome } from "../../agent/agent-loop.js";
import type { RepoConfig } from "../../config/repo-config.js";
import type { BlockedRequest } from "../../sandbox/agent-network/types.js";
import type { Sandbox, SandboxOptions } from "../../sandbox/types.js";
import type { Checkout } from "../clone-task-workspace.js";
import { taskAgentNetwork } from "../task-agent-network.js";
import { taskSandboxLimits } from "../task-sandbox-limits.js";
import { runAgentPhase } from "./agent-phase.js";
import type { CodeTaskContext } from "./code-task-context.js";
import { describeAgentNetwork, openAgentNetwork } from "./open-agent-network.js";
import type { AgentBrief } from "./prepare-prompt.js";

export interface AgentResult {
  outcome: AgentOutcome;
  /** A sandbox like the agent's but with no network at all, which the host verifies the change in afterwards. */
  sandbox: Sandbox;
  model: string;
  /** What the agent network's proxy refused (none without `agent_network`). */
  blocked: BlockedRequest[];
}

/**
 * The agent, in a sandbox with no credentials and no network of its own, the git directory
 * mounted read-only. With `agent_network` (within the server's ceiling) its one way out is the
 * task's egress proxy, open for the agent phase only: the host's verification afterwards runs
 * with no network, so the verdict does not hang on what a server answers that day.
 */
export async function runTaskAgent(ctx: CodeTaskContext, checkout: Checkout, config: RepoConfig, brief: AgentBrief): Promise<AgentResult> {
  const { deps } = ctx;
  const ws = checkout.workspace;
  const options: SandboxOptions = { workspace: ws.workTree, network: false, readOnly: [{ host: ws.gitDir, sandbox: "/workspace/.git" }], limits: taskSandboxLimits(deps.config, config), hostUser: deps.sandboxUser };
  const offline = deps.createSandbox(options);
  const policy = taskAgentNetwork(deps.config, config);
  const network = policy ? await openAgentNetwork(checkout, policy, ctx.log, deps.sandboxUser) : undefined;
  try {
    const sandbox = network ? network.attribute(deps.createSandbox({ ...options, agentNetwork: { directory: network.directory } })) : offline;
    const prompt = policy ? `${brief.prompt}\n\n${describeAgentNetwork(policy)}` : brief.prompt;
    const { outcome, model } = await runAgent(ctx, sandbox, config, { ...brief, prompt });
    return { outcome, sandbox: offline, model, blocked: network?.blocked ?? [] };
  } finally {
    await network?.close();
  }
}

async function runAgent(ctx: CodeTaskContext, sandbox: Sandbox, config: RepoConfig, brief: AgentBrief) {
  const { deps } = ctx;
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
  return { outcome, model: model.model };
}
