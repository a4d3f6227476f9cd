import { closeSync, openSync, readlinkSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { blockedDestinations } from "./blocked-destinations.js";
import { findHostTool, isExecutableFile } from "./find-bwrap.js";
import type { HostUser } from "./types.js";

/** Descriptors of the handshake between the launcher (NETNS_SCRIPT) and attachSetupNetwork. */
export const NETNS_READY_FD = 4;
export const NETNS_GO_FD = 5;
/** slirp4netns's DNS forwarder, the only name server the setup sandbox knows. */
export const SANDBOX_NAMESERVER = "10.0.2.3";
/** How long slirp4netns may take to attach (it takes milliseconds). */
const ATTACH_TIMEOUT_MS = 15_000;
/** How long slirp4netns gets to exit on its own once its exit pipe closes, before SIGKILL. */
const STOP_GRACE_MS = 1_000;

export const SLIRP4NETNS_INSTALL_HINT =
  "The setup phase needs slirp4netns to give its sandbox a network of its own: install the Debian package " +
  "`slirp4netns` (apt-get install slirp4netns), or set the sandbox's slirp4netnsPath. It never falls back to the host's network.";
const IP_INSTALL_HINT =
  "The setup phase needs `ip` to block host and private addresses in its sandbox: install the Debian package `iproute2`.";
const UNSHARE_INSTALL_HINT =
  "The setup phase needs `unshare` to create its sandbox's network namespace: install the Debian package `util-linux`.";

// Runs inside a fresh user and network namespace, as its root (which owns the network namespace,
// and which the command inside bwrap will not be): blocks the ranges before any interface
// exists, reports ready, waits until slirp4netns is attached, then becomes bwrap (same pid).
// Exit 125 rather than run the command with a network half made.
const NETNS_SCRIPT = [
  'ip=$1; shift',
  'while [ "$1" != -- ]; do "$ip" route add prohibit "$1" || exit 125; shift; done; shift',
  `echo ready >&${NETNS_READY_FD} || exit 125`,
  `read -r go <&${NETNS_GO_FD}; [ "$go" = go ] || exit 125`,
  `exec ${NETNS_READY_FD}>&- ${NETNS_GO_FD}<&-`,
  'exec "$@"',
].join("; ");

export interface SetupNetworkTools {
  slirp4netns: string;
  unshare: string;
  ip: string;
}

/** The host tools the setup network needs, or what to install. */
export function findSetupNetworkTools(slirp4netnsPath?: string, env: NodeJS.ProcessEnv = process.env): SetupNetworkTools | string {
  const slirp4netns = slirp4netnsPath ?? findHostTool("slirp4netns", env);
  if (slirp4netns === undefined) return SLIRP4NETNS_INSTALL_HINT;
  if (!isExecutableFile(slirp4netns)) return `${slirp4netns} is not an executable file. ${SLIRP4NETNS_INSTALL_HINT}`;
  const ip = findHostTool("ip", env);
  if (ip === undefined) return IP_INSTALL_HINT;
  const unshare = findHostTool("unshare", env);
  if (unshare === undefined) return UNSHARE_INSTALL_HINT;
  return { slirp4netns, unshare, ip };
}

/** The argv prefix that runs what follows it (bwrap) in a new network namespace, once attachSetupNetwork releases it. */
export function isolatedNetworkArgv(tools: SetupNetworkTools): string[] {
  const namespaces = [tools.unshare, "--user", "--map-root-user", "--net", "--"];
  return [...namespaces, "/bin/sh", "-c", NETNS_SCRIPT, "sh", tools.ip, ...blockedDestinations(), "--"];
}

/** The launcher as attachSetupNetwork sees it. */
export interface NetnsLauncher {
  pid: number;
  ready: Readable;
  go: Writable;
  /** Settles when the launcher has exited. */
  exited: Promise<unknown>;
}

export interface SetupNetwork {
  /** Stops slirp4netns. Never throws. */
  detach(): Promise<void>;
}

/**
 * Waits for the launcher's network namespace, attaches slirp4netns to it with the host's
 * loopback closed, and lets the launcher go on. On failure returns the reason, and the
 * launcher is still waiting: the caller must kill it, and the command never runs.
 */
export async function attachSetupNetwork(
  launcher: NetnsLauncher,
  tools: SetupNetworkTools,
  hostUser?: HostUser,
): Promise<SetupNetwork | { problem: string }> {
  if (!(await waitForData(launcher.ready, launcher.exited, ATTACH_TIMEOUT_MS))) {
    return { problem: "the setup sandbox's network namespace could not be created (see the output above)" };
  }
  // Held open from here on, so that slirp4netns (as root) joins exactly this namespace even if
  // the launcher died and its pid were reused; never the host's own, where its interface and
  // routes would land on the host.
  const netns = openNetworkNamespace(launcher.pid);
  if (netns === undefined) return { problem: "the setup sandbox's launcher is not in a network namespace of its own" };
  try {
    const slirp = startSlirp4netns({ pid: launcher.pid, netns }, tools.slirp4netns, hostUser);
    const problem = await slirp.ready;
    if (problem !== undefined) {
      await slirp.stop();
      return { problem };
    }
    launcher.go.write("go\n");
    return { detach: slirp.stop };
  } finally {
    closeSync(netns);
  }
}

function openNetworkNamespace(pid: number): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/ns/net`, "r");
    if (readlinkSync(`/proc/self/fd/${fd}`) !== readlinkSync("/proc/self/ns/net")) return fd;
  } catch {
    // No such process, or no access: not a namespace to attach to.
  }
  if (fd !== undefined) closeSync(fd);
  return undefined;
}

function startSlirp4netns(target: { pid: number; netns: number }, slirp4netns: string, hostUser?: HostUser) {
  // As root, join the network namespace through the descriptor this process holds. Otherwise by
  // pid: slirp4netns then enters the launcher's user namespace first (which this user owns) to
  // gain the right to; its --enable-sandbox supports only that form without root. Not being
  // root, it could not touch the host's network namespace anyway.
  const runsAsRoot = hostUser === undefined && process.getuid?.() === 0;
  const targetArgs = runsAsRoot ? ["--netns-type=path", `/proc/${process.pid}/fd/${target.netns}`] : [String(target.pid)];
  const subprocess = execa(
    slirp4netns,
    [
      "--configure",
      "--mtu=65520",
      "--disable-host-loopback",
      // Its own mount namespace without capabilities, and a syscall filter: it parses the
      // sandbox's packets, so it is the next thing an attacker would aim at.
      "--enable-sandbox",
      "--enable-seccomp",
      "--ready-fd=3",
      // It exits when this pipe closes, including when the bot dies.
      "--exit-fd=4",
      ...targetArgs,
      "tap0",
    ],
    {
      stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
      buffer: false,
      reject: false,
      env: {},
      extendEnv: false,
      cwd: "/",
      ...(hostUser ? { uid: hostUser.uid, gid: hostUser.gid } : {}),
    },
  );
  let stderr = "";
  subprocess.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 4_000) stderr += chunk.toString();
  });
  const readyPipe = subprocess.stdio[3] as Readable;
  const exitPipe = subprocess.stdio[4] as Readable;
  const exited = subprocess.then(() => undefined);
  const ready = waitForData(readyPipe, exited, ATTACH_TIMEOUT_MS).then((isReady) =>
    isReady ? undefined : `slirp4netns could not attach to the setup sandbox: ${stderr.trim() || "no message"}${hintFor(stderr)}`,
  );
  const stop = async (): Promise<void> => {
    exitPipe.destroy();
    // The grace timer is cleared as soon as slirp4netns is gone, so that it keeps nothing alive
    // (aborting rejects the sleep, once the race is already decided).
    const grace = new AbortController();
    const graceOver = sleep(STOP_GRACE_MS, false, { signal: grace.signal }).catch(() => false);
    const stopped = await Promise.race([exited.then(() => true), graceOver]);
    grace.abort();
    if (!stopped) subprocess.kill("SIGKILL");
    await exited;
  };
  return { ready, stop };
}

function hintFor(stderr: string): string {
  if (!stderr.includes("/dev/net/tun")) return "";
  return (
    "\nslirp4netns runs as the sandbox's host user, which needs read-write access to /dev/net/tun (mode 0666, " +
    "the Debian default; in Docker, run the container with --device /dev/net/tun)."
  );
}

/** True once `stream` yields data; false when it ends, `exited` settles or time runs out first. */
async function waitForData(stream: Readable, exited: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  const timeout = AbortSignal.timeout(timeoutMs);
  return new Promise<boolean>((resolve) => {
    stream.once("data", () => resolve(true));
    stream.once("end", () => resolve(false));
    stream.once("error", () => resolve(false));
    void exited.then(() => resolve(false), () => resolve(false));
    timeout.addEventListener("abort", () => resolve(false));
  });
}

