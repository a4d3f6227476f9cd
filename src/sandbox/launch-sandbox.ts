import type { Duplex, Readable } from "node:stream";
import { execa, type ResultPromise } from "execa";
import { SANDBOX_HOSTS_TEXT, SANDBOX_RESOLV_CONF_TEXT } from "./bwrap-args.js";
import type { SandboxCgroup } from "./cgroup.js";
import { findHostTool } from "./find-bwrap.js";
import { encodeSecrets } from "./sandbox-env.js";
import {
  attachSetupNetwork,
  isolatedNetworkArgv,
  NETNS_GO_FD,
  NETNS_READY_FD,
  type SetupNetwork,
  type SetupNetworkTools,
} from "./setup-network.js";
import type { SandboxOptions } from "./types.js";

/** The descriptor on which the prelude reads the setup secrets. */
export const SECRETS_FD = 7;

// Moves this shell into the cgroups, then becomes the next program (same pid), so that nothing
// the sandbox starts is ever outside them. Exit 125 rather than run without limits. sh exports
// PWD, which bwrap would pass on to /proc/1/environ inside. When the bot is root and the sandbox
// runs as another host user, the shell joins as root and the next program is setpriv, which
// becomes that user: on cgroup v2 moving a process needs write access to the common ancestor's
// cgroup.procs, which the sandbox's user must never have.
const JOIN_CGROUPS_SCRIPT =
  'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; unset PWD; exec "$@"';

export interface LaunchRequest {
  options: SandboxOptions;
  /** bwrap and its arguments, the command included. */
  bwrapArgv: string[];
  cgroup: SandboxCgroup | undefined;
  /** Present exactly when options.network is true. */
  network: SetupNetworkTools | undefined;
  timeoutMs: number;
  /** The compiled seccomp filter, handed to bwrap on SECCOMP_FD. */
  seccompFilter: Uint8Array;
}

export type Launched =
  | { ok: true; subprocess: ResultPromise; network: SetupNetwork | undefined }
  | { ok: false; subprocess: ResultPromise; problem: string };

/**
 * Starts the sandbox: cgroups joined, then (setup phase) a network namespace of its own with
 * slirp4netns attached, then bwrap. The subprocess's stdout and stderr are the command's.
 */
export async function launchSandbox(request: LaunchRequest): Promise<Launched> {
  const { options, cgroup, network } = request;
  const sandboxArgv = network ? [...isolatedNetworkArgv(network), ...request.bwrapArgv] : request.bwrapArgv;
  const dropToUser = cgroup !== undefined && options.hostUser !== undefined && process.getuid?.() === 0;
  const joinArgv = dropToUser ? [...setprivArgv(options.hostUser!), ...sandboxArgv] : sandboxArgv;
  const [file = "", ...args] = cgroup ? ["/bin/sh", "-c", JOIN_CGROUPS_SCRIPT, "sh", ...cgroup.procsFiles, "--", ...joinArgv] : sandboxArgv;
  const subprocess = execa(file, args, {
    buffer: false,
    stdio: stdioFor(options, request.seccompFilter),
    reject: false,
    // The bot's environment holds its GitHub and model tokens; bwrap's own environment is
    // readable inside as /proc/1/environ, so bwrap gets none at all.
    env: {},
    extendEnv: false,
    // Not the bot's own directory: nothing about the host should be inherited.
    cwd: "/",
    timeout: request.timeoutMs,
    // Killing bwrap kills everything inside: --die-with-parent signals the sandbox's init,
    // and the kernel kills every process in a pid namespace when its init dies.
    killSignal: "SIGKILL",
    ...(options.hostUser && !dropToUser ? { uid: options.hostUser.uid, gid: options.hostUser.gid } : {}),
  });
  if (!network) return { ok: true, subprocess, network: undefined };
  const launcher = {
    pid: subprocess.pid ?? -1,
    ready: subprocess.stdio[NETNS_READY_FD] as Readable,
    // An extra "pipe" is a socket (Duplex), though execa types it as readable only.
    go: subprocess.stdio[NETNS_GO_FD] as Duplex,
    exited: subprocess.then(() => undefined),
  };
  const attached = await attachSetupNetwork(launcher, network, options.hostUser).catch((error: unknown) => ({
    problem: `attaching slirp4netns failed: ${error instanceof Error ? error.message : String(error)}`,
  }));
  return "problem" in attached ? { ok: false, subprocess, problem: attached.problem } : { ok: true, subprocess, network: attached };
}

/** setpriv (util-linux) as root: become `user` with no supplementary groups, then exec what follows. */
function setprivArgv(user: { uid: number; gid: number }): string[] {
  const setpriv = findHostTool("setpriv");
  if (setpriv === undefined) throw new Error("running the sandbox as another host user needs `setpriv`: install the Debian package `util-linux`");
  return [setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--"];
}

// bwrap reads /etc/hosts (and, with network, /etc/resolv.conf) and its seccomp filter from
// descriptors, so that no host file is needed. Positions are descriptor numbers: HOSTS_FD,
// NETNS_READY_FD, NETNS_GO_FD, RESOLV_CONF_FD, SECRETS_FD, SECCOMP_FD (checked by
// test/sandbox/launch-sandbox.test.ts); the agent phase leaves the network's ones empty.
export function stdioFor(options: SandboxOptions, seccompFilter: Uint8Array) {
  const hosts = encode(SANDBOX_HOSTS_TEXT);
  if (!options.network) return ["ignore", "pipe", "pipe", hosts, "ignore", "ignore", "ignore", "ignore", seccompFilter] as const;
  const secrets = hasSecrets(options) ? encodeSecrets(options.secrets ?? {}) : "ignore";
  return ["ignore", "pipe", "pipe", hosts, "pipe", "pipe", encode(SANDBOX_RESOLV_CONF_TEXT), secrets, seccompFilter] as const;
}

export function hasSecrets(options: SandboxOptions): boolean {
  return Object.keys(options.secrets ?? {}).length > 0;
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
