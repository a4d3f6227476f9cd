import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { startEgressProxy } from "../../sandbox/agent-network/egress-proxy.js";
import { CA_CERT_NAME, PROXY_SOCKET_NAME } from "../../sandbox/agent-network/in-sandbox.js";
import { createTaskCa } from "../../sandbox/agent-network/task-ca.js";
import { describeBlockedRequest, type AgentNetworkPolicy, type BlockedRequest } from "../../sandbox/agent-network/types.js";
import type { HostUser, Sandbox } from "../../sandbox/types.js";
import type { Checkout } from "../clone-task-workspace.js";
import type { TaskLog } from "../task-log.js";

/** The agent's allow-listed network for one task: its proxy, and what it refused. */
export interface AgentNetwork {
  /** The host directory with the proxy's socket, for SandboxOptions.agentNetwork. */
  directory: string;
  /** Every refusal so far, in order. */
  blocked: BlockedRequest[];
  /** The sandbox, telling the proxy which command is running, so that a refusal names it. */
  attribute(sandbox: Sandbox): Sandbox;
  close(): Promise<void>;
}

/**
 * Starts the task's egress proxy, its socket beside the task's git directory (outside the work
 * tree, removed with the workspace), with a CA of the task's own so that it reads HTTPS too: the
 * certificate goes beside the socket for the sandbox to trust, the key stays in this process.
 * Each refusal goes to the task log as it happens.
 */
export async function openAgentNetwork(checkout: Checkout, policy: AgentNetworkPolicy, log: TaskLog, sandboxUser?: HostUser): Promise<AgentNetwork> {
  const directory = join(dirname(checkout.workspace.gitDir), "agent-network");
  await mkdir(directory, { mode: 0o755 });
  const ca = createTaskCa();
  await writeFile(join(directory, CA_CERT_NAME), ca.certPem, { mode: 0o644 });
  const blocked: BlockedRequest[] = [];
  // The shell tool runs one command at a time, so the one running is the one that asked.
  let running: string | undefined;
  const proxy = await startEgressProxy({
    socketPath: join(directory, PROXY_SOCKET_NAME),
    // bubblewrap runs as the sandbox user, who must be able to connect to the socket (mode 0600).
    socketOwner: sandboxUser,
    policy,
    ca,
    activity: () => running,
    onBlocked: (request) => {
      blocked.push(request);
      log.write(`agent network: ${describeBlockedRequest(request)}`);
    },
  });
  log.write(`agent network: allowed ${policy.entries.map((entry) => entry.text).join(", ")}; methods ${policy.methods.join(", ")} (HTTPS read with the task's CA)`);
  return {
    directory,
    blocked,
    attribute: (sandbox) => ({
      run: async (command, options) => {
        running = oneLine(command);
        try {
          return await sandbox.run(command, options);
        } finally {
          running = undefined;
        }
      },
    }),
    close: () => proxy.close(),
  };
}

/**
 * What the agent is told, after its prompt: the system prompt says the sandbox has no network,
 * which is true but for this.
 */
export function describeAgentNetwork(policy: AgentNetworkPolicy): string {
  return [
    "Network: this sandbox can reach only these destinations, through an HTTP(S) proxy that HTTP_PROXY and HTTPS_PROXY already name:",
    policy.entries.map((entry) => entry.text).join(", "),
    `with the methods ${policy.methods.join(", ")}. Everything else is refused (HTTP 403, or a failed CONNECT), listed in the pull request, and there is no DNS or other way out.`,
  ].join(" ");
}

const MAX_COMMAND_CHARS = 200;

function oneLine(command: string): string {
  const line = command.replace(/\s+/g, " ").trim();
  return line.length > MAX_COMMAND_CHARS ? `${line.slice(0, MAX_COMMAND_CHARS - 1)}…` : line;
}
