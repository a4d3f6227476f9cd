import { entryCovers, parseAllowEntry, type AllowEntry } from "../sandbox/agent-network/allow-entry.js";
import { DEFAULT_METHODS, HTTP_METHODS, type AgentNetworkPolicy, type HttpMethod } from "../sandbox/agent-network/types.js";
import type { RepoAgentNetwork } from "./repo-config.js";

/** The operator's ceiling, CODEX_AGENT_NETWORK_MAX: what any repository's `agent_network` may at most allow. */
export type AgentNetworkCeiling = AgentNetworkPolicy;

/**
 * Parses CODEX_AGENT_NETWORK_MAX: entries separated by commas (methods then at most GET and
 * HEAD), or JSON `{"allow": [...], "methods": [...]}`. Returns the problems, all of them, instead
 * when there are any.
 */
export function parseAgentNetworkCeiling(text: string): AgentNetworkCeiling | string[] {
  let allow: unknown = text.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  let methods: unknown = DEFAULT_METHODS;
  if (text.trim().startsWith("{")) {
    try {
      ({ allow, methods = DEFAULT_METHODS } = JSON.parse(text) as { allow?: unknown; methods?: unknown });
    } catch {
      return ['is not valid JSON; write entries separated by commas, or {"allow": ["registry.npmjs.org"], "methods": ["GET", "HEAD"]}'];
    }
  }
  if (!Array.isArray(allow) || !allow.every((entry) => typeof entry === "string")) return ["`allow` must be a list of entries such as registry.npmjs.org"];
  if (!Array.isArray(methods) || !methods.every((method): method is string => typeof method === "string")) return ["`methods` must be a list such as [\"GET\", \"HEAD\"]"];
  const problems: string[] = [];
  const entries: AllowEntry[] = [];
  for (const raw of allow as string[]) {
    const entry = parseAllowEntry(raw);
    if (typeof entry === "string") problems.push(`${JSON.stringify(raw)}: ${entry}`);
    else entries.push(entry);
  }
  const upper = methods.map((method) => method.toUpperCase());
  for (const method of upper) if (!(HTTP_METHODS as readonly string[]).includes(method)) problems.push(`method ${method} is not one of ${HTTP_METHODS.join(", ")}`);
  return problems.length > 0 ? problems : { entries, methods: upper as HttpMethod[] };
}

/**
 * What a repository's agent gets: its `agent_network` entries and methods that fall within the
 * server's ceiling. One outside is dropped with a warning for the task log (the operator may
 * narrow the ceiling after the repository wrote its config); no entry or no method left, or no
 * `agent_network` at all, means no network, as before.
 */
export function effectiveAgentNetwork(ceiling: AgentNetworkCeiling | undefined, repo: RepoAgentNetwork | undefined): { policy?: AgentNetworkPolicy; warnings: string[] } {
  if (!repo || repo.allow.length === 0) return { warnings: [] };
  if (!ceiling || ceiling.entries.length === 0) {
    return { warnings: ["`agent_network` is set, but this server allows agents no network (CODEX_AGENT_NETWORK_MAX is empty); the agent runs without network"] };
  }
  const warnings: string[] = [];
  const entries: AllowEntry[] = [];
  for (const text of repo.allow) {
    const entry = parseAllowEntry(text);
    if (typeof entry === "string") continue; // The schema has refused it already.
    if (ceiling.entries.some((limit) => entryCovers(limit, entry))) entries.push(entry);
    else warnings.push(`\`agent_network.allow: ${text}\` is outside this server's CODEX_AGENT_NETWORK_MAX; dropped`);
  }
  const methods: HttpMethod[] = [];
  for (const method of repo.methods ?? DEFAULT_METHODS) {
    if (ceiling.methods.includes(method)) methods.push(method);
    else warnings.push(`\`agent_network.methods: ${method}\` is not allowed by this server's CODEX_AGENT_NETWORK_MAX; dropped`);
  }
  if (entries.length === 0 || methods.length === 0) return { warnings: [...warnings, "nothing of `agent_network` is left within the server's ceiling; the agent runs without network"] };
  return { policy: { entries, methods }, warnings };
}
