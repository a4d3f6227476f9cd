import { createServer, type AddressInfo, type Server } from "node:net";
import { blockedDestinations } from "./blocked-destinations.js";
import { createSandbox } from "./run-in-sandbox.js";
import type { ExecResult, SandboxOptions } from "./types.js";

/** Whether setup commands can have a network of their own here; without it they fail, closed. */
export type SetupNetworkStatus = { ok: true } | { ok: false; reason: string };

const RTF_REJECT = 0x0200;

/**
 * Runs a setup sandbox (network: true) and checks that it has its own interface and default
 * route, that the rejecting routes are in place, and that a server on the host's loopback is
 * out of its reach. Never throws.
 */
export async function checkSetupNetwork(options: Omit<SandboxOptions, "network">): Promise<SetupNetworkStatus> {
  let server: Server | undefined;
  try {
    server = await listenOnLoopback();
    const { port } = server.address() as AddressInfo;
    const probe = (host: string) => `(exec 3<>/dev/tcp/${host}/${port}) 2>/dev/null && echo "REACHED ${host}"`;
    const result = await createSandbox({ ...options, network: true }).run(
      `tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; echo ---; cat /proc/net/route; echo ---; ${probe("127.0.0.1")}; ${probe("10.0.2.2")}; true`,
      { timeoutMs: 30_000 },
    );
    const reason = verifySetupNetwork(result);
    return reason === undefined ? { ok: true } : { ok: false, reason };
  } catch (error) {
    return { ok: false, reason: `the setup network check failed unexpectedly: ${String(error)}` };
  } finally {
    server?.close();
  }
}

function verifySetupNetwork(result: ExecResult): string | undefined {
  if (result.exitCode !== 0) return result.output.trim() || `exit code ${result.exitCode}`;
  const [interfaces = "", routes = "", probes = ""] = result.output.split("---\n");
  if (!interfaces.split("\n").includes("tap0")) return `the setup sandbox has no tap0 interface (it has: ${interfaces.trim()})`;
  const table = routes.split("\n").slice(1).map((line) => line.split("\t"));
  if (!table.some(([iface, destination]) => iface === "tap0" && destination === "00000000")) {
    return "the setup sandbox has no default route through slirp4netns";
  }
  const rejecting = table.filter((fields) => (parseInt(fields[3] ?? "0", 16) & RTF_REJECT) !== 0).length;
  if (rejecting < blockedDestinations().length) {
    return `the setup sandbox has ${rejecting} rejecting routes instead of ${blockedDestinations().length}: host and private addresses would be reachable`;
  }
  if (probes.trim() !== "") return `the setup sandbox reached a server on the host's loopback (${probes.trim()})`;
  return undefined;
}

async function listenOnLoopback(): Promise<Server> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return server;
}
