import { isAbsolute } from "node:path";
import { AGENT_PROXY_ENV, SANDBOX_PROXY_DIR } from "./agent-network/in-sandbox.js";
import { SandboxConfigError } from "./errors.js";
import { detectHostLayout, type HostLayout } from "./host-layout.js";
import { resolveLimits } from "./limits.js";
import { SANDBOX_HOME, buildSandboxEnv, validateSecrets } from "./sandbox-env.js";
import { SANDBOX_NAMESERVER } from "./setup-network.js";
import type { SandboxOptions } from "./types.js";

export const SANDBOX_WORKSPACE = "/workspace";
/** The descriptor on which the launcher hands bwrap the contents of /etc/hosts. */
export const HOSTS_FD = 3;
// The host's /etc/hosts may name internal machines; the sandbox only needs localhost.
export const SANDBOX_HOSTS_TEXT = "127.0.0.1 localhost\n::1 localhost\n";
/** The descriptor with the contents of /etc/resolv.conf (network: true only). */
export const RESOLV_CONF_FD = 6;
// Not the host's resolv.conf: its name servers may be on the host's loopback, which the setup
// sandbox cannot reach, and its search domains name internal networks.
export const SANDBOX_RESOLV_CONF_TEXT = `nameserver ${SANDBOX_NAMESERVER}\n`;
/** The descriptor with the compiled seccomp filter (seccomp-filter.ts), for every sandbox. */
export const SECCOMP_FD = 8;

/**
 * The bwrap arguments (everything before `--`) for a sandbox. Pure given `host`; the
 * default reads the host layout. Throws SandboxConfigError for unsafe options.
 * Order matters: bwrap applies mounts in order, so later mounts cover earlier ones.
 * Needs bubblewrap 0.8 or later (--disable-userns); runSandboxSelfTest checks the version.
 * With `network: true` bwrap keeps the network namespace it is started in, so it must be
 * started inside the isolated one (setup-network.ts), never directly from the host.
 */
export function buildBwrapArgs(options: SandboxOptions, host: HostLayout = detectHostLayout()): string[] {
  const limits = resolveLimits(options.limits);
  validateSecrets(options.secrets, options.network);
  return [
    ...namespaceArgs(options.network),
    ...rootArgs(host),
    ...etcArgs(host, options.network),
    ...kernelFilesystemArgs(),
    ...tmpfsArgs("/tmp", limits.tmpfsSizeBytes),
    ...tmpfsArgs(SANDBOX_HOME, limits.tmpfsSizeBytes),
    ...workspaceArgs(options),
    ...agentNetworkArgs(options),
    // bwrap's root is a writable tmpfs; freeze it once every mount point exists.
    "--remount-ro", "/",
    "--chdir", SANDBOX_WORKSPACE,
    // The proxy variables bypass buildSandboxEnv's refusal of *_PROXY names: they name the sandbox's own forwarder.
    ...envArgs({ ...buildSandboxEnv(options.env), ...(options.agentNetwork ? AGENT_PROXY_ENV : {}) }),
  ];
}

function namespaceArgs(network: boolean): string[] {
  return [
    "--unshare-all",
    // The launcher's network namespace: for the setup phase, one of its own (setup-network.ts).
    ...(network ? ["--share-net"] : []),
    // --unshare-all only *tries* a user namespace; --disable-userns needs one for sure.
    "--unshare-user",
    // No nested user namespaces: they would hand the command a fresh set of capabilities.
    "--disable-userns",
    "--uid", "0",
    "--gid", "0",
    "--hostname", "sandbox",
    // bwrap started by root keeps every capability inside by default, enough to remount /usr
    // read-write and write to the host (measured). Nothing inside needs a capability.
    "--cap-drop", "ALL",
    "--die-with-parent",
    // A new session: the command cannot push keystrokes into a terminal (TIOCSTI).
    "--new-session",
    // Applied by bwrap right before it runs the command, after its own namespace and mount calls.
    "--seccomp", String(SECCOMP_FD),
  ];
}

function rootArgs(host: HostLayout): string[] {
  const args = ["--ro-bind", "/usr", "/usr"];
  for (const [path, entry] of Object.entries(host.rootEntries)) {
    if (entry.kind === "symlink") args.push("--symlink", entry.target, path);
    if (entry.kind === "directory") args.push("--ro-bind", path, path);
  }
  return args;
}

function etcArgs(host: HostLayout, network: boolean): string[] {
  const args = host.etcPaths.flatMap((path) => ["--ro-bind", path, path]);
  args.push(...host.hiddenPaths.flatMap((path) => ["--tmpfs", path]));
  args.push("--perms", "0644", "--ro-bind-data", String(HOSTS_FD), "/etc/hosts");
  // Without a network there is nothing to resolve against.
  if (network) args.push("--perms", "0644", "--ro-bind-data", String(RESOLV_CONF_FD), "/etc/resolv.conf");
  return args;
}

function kernelFilesystemArgs(): string[] {
  return [
    "--proc", "/proc",
    // /proc/sys is writable by host root, and a sandbox started by root runs as host root:
    // it could set kernel.core_pattern and escape (measured: sysctl writes reached the host).
    "--ro-bind", "/proc/sys", "/proc/sys",
    "--dev", "/dev",
  ];
}

// --size must come right before the --tmpfs it applies to.
function tmpfsArgs(path: string, sizeBytes: number): string[] {
  return ["--size", String(sizeBytes), "--tmpfs", path];
}

function workspaceArgs(options: SandboxOptions): string[] {
  requireAbsolute("workspace", options.workspace);
  const args = ["--bind", options.workspace, SANDBOX_WORKSPACE];
  // After the workspace bind, so that e.g. /workspace/.git can be covered read-only.
  for (const mount of options.readOnly ?? []) {
    requireAbsolute("readOnly host path", mount.host);
    requireAbsolute("readOnly sandbox path", mount.sandbox);
    args.push("--ro-bind", mount.host, mount.sandbox);
  }
  return args;
}

function agentNetworkArgs(options: SandboxOptions): string[] {
  if (!options.agentNetwork) return [];
  if (options.network) throw new SandboxConfigError("Sandbox agentNetwork is for a sandbox without network (network: false); the setup phase has its own.");
  requireAbsolute("agentNetwork directory", options.agentNetwork.directory);
  return ["--ro-bind", options.agentNetwork.directory, SANDBOX_PROXY_DIR];
}

function envArgs(env: Record<string, string>): string[] {
  return ["--clearenv", ...Object.entries(env).flatMap(([name, value]) => ["--setenv", name, value])];
}

function requireAbsolute(what: string, path: string): void {
  if (!isAbsolute(path) || path.split("/").includes("..")) {
    throw new SandboxConfigError(`Sandbox ${what} must be an absolute path without "..", got ${JSON.stringify(path)}.`);
  }
}
