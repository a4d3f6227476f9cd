import { effectiveAgentNetwork } from "../config/agent-network.js";
import type { RepoConfig } from "../config/repo-config.js";
import type { ServerConfig } from "../config/server-config.js";
import type { AgentNetworkPolicy } from "../sandbox/agent-network/types.js";

/** What the task's agent may reach: the repository's `agent_network` within the server's ceiling; undefined for no network. */
export function taskAgentNetwork(config: ServerConfig, repoConfig: RepoConfig): AgentNetworkPolicy | undefined {
  return effectiveAgentNetwork(config.CODEX_AGENT_NETWORK_MAX, repoConfig.agent_network).policy;
}

/** Task-log lines for each `agent_network` entry or method outside the server's ceiling, which was dropped. */
export function agentNetworkWarnings(config: ServerConfig, repoConfig: RepoConfig): string[] {
  return effectiveAgentNetwork(config.CODEX_AGENT_NETWORK_MAX, repoConfig.agent_network).warnings;
}
