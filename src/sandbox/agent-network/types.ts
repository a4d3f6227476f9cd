import type { AllowEntry } from "./allow-entry.js";

/** HTTP methods a repository may allow; CONNECT and TRACE are the proxy's business, never a repository's. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
/** What a repository gets when it lists no methods: reading, never sending. */
export const DEFAULT_METHODS: readonly HttpMethod[] = ["GET", "HEAD"];

/** What the agent's egress proxy lets through: these destinations, with these methods (plain HTTP). */
export interface AgentNetworkPolicy {
  entries: readonly AllowEntry[];
  methods: readonly HttpMethod[];
}

/** A request the proxy refused, as the task log and the pull request list it. */
export interface BlockedRequest {
  /** The request's method; CONNECT for an HTTPS tunnel. */
  method: string;
  /** The URL (plain HTTP) or host:port (a tunnel), as the sandbox asked for it. */
  target: string;
  reason: string;
  /** The agent's command that was running at the time, when known. */
  command?: string;
}

/** `blocked: POST http://example.com/upload from \`curl …\` (reason)`, one line. */
export function describeBlockedRequest(blocked: BlockedRequest): string {
  const from = blocked.command === undefined ? "" : ` from \`${blocked.command}\``;
  return `blocked: ${blocked.method} ${blocked.target}${from} (${blocked.reason})`;
}
