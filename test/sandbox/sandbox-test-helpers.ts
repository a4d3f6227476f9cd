import { existsSync } from "node:fs";
import { chmod, chown, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { HostUser } from "../../src/sandbox/types.js";

/** `nobody` on Debian: an unprivileged account every fresh machine has. */
export const NOBODY: HostUser = { uid: 65534, gid: 65534 };

/** Who bubblewrap runs as on the host. */
export interface SandboxMode {
  name: string;
  hostUser: HostUser | undefined;
}

/**
 * The two ways the bot runs bubblewrap: as an unprivileged host user (the default,
 * CODEX_SANDBOX_USER; `nobody` here) and as host root (CODEX_SANDBOX_USER=root). The threat
 * suite runs each test in both, `describe.each(SANDBOX_MODES)("$name", (mode) => …)`, with the
 * workspace given to the mode's user as the runner gives it the work tree. Switching users
 * needs root, which the bot (and CI) runs as.
 */
export const SANDBOX_MODES: SandboxMode[] = [
  { name: "as an unprivileged host user", hostUser: NOBODY },
  { name: "as host root", hostUser: undefined },
];

/** Gives `dir` to the mode's user (a workspace the sandbox writes), as the runner gives it the work tree. */
export async function handOver(dir: string, mode: SandboxMode): Promise<string> {
  if (mode.hostUser) await chown(dir, mode.hostUser.uid, mode.hostUser.gid);
  return dir;
}

/** Makes a directory the test made (mkdtemp: 0700) readable by anyone, as a task's git directory is. */
export async function makeReadable(dir: string): Promise<string> {
  await chmod(dir, 0o755);
  return dir;
}

/** Temp directories that `removeAll` deletes; one tracker per test file. */
export function createTempDirs() {
  const dirs: string[] = [];
  return {
    async make(prefix = "codex-bot-sandbox-test-"): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    async removeAll(): Promise<void> {
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

/**
 * A `sleep` duration no other process uses, so host processes started by one test can be
 * found by it: `sleep 1000.<random>`.
 */
export function uniqueSleepDuration(): string {
  return `1000.${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
}

/** Host pids whose argv contains `arg` as a whole argument (bwrap's own argv only embeds it). */
export async function findHostProcesses(arg: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").includes(arg)) found.push(Number(entry));
  }
  return found;
}

const POLL_INTERVAL_MS = 50;
/** Polls a test waits for a signal at most: 20 s at worst, nothing when the signal is there. */
const MAX_POLLS = 400;

/**
 * Polls until no host process has `arg` in its argv; returns the survivors if some are still
 * there after `polls` polls. The processes are already dying when this is called (their sandbox
 * has ended): the bound only keeps a test from waiting forever, it is not a speed target.
 */
export async function waitForNoHostProcesses(arg: string, polls = MAX_POLLS): Promise<number[]> {
  let survivors = await findHostProcesses(arg);
  for (let poll = 1; survivors.length > 0 && poll < polls; poll++) {
    await sleep(POLL_INTERVAL_MS);
    survivors = await findHostProcesses(arg);
  }
  return survivors;
}

/**
 * A point where a sandboxed command waits until the test lets it go, so that the test can look
 * at the host while the command is certainly running (a sleep would only make that likely).
 * Put `prepare` early in the command and `shell` where it should wait (or `announce` alone, to
 * say "here" and go on); `reached(run)` resolves once the command got there and fails at once if
 * it ended first; `release()` lets it go on. After `prepare` (which forks once) the wait uses
 * only bash builtins, so it works when no process can be forked.
 */
export function holdPoint(workspace: string, name = "hold") {
  const up = `${name}.up`;
  const go = `${name}.go`;
  const announce = `: > /workspace/${up};`;
  // `read -t` on a pipe that nobody writes is a sleep without a process.
  const pause = `do read -t 0.05 -u $${name}_tick || :; done;`;
  const wait = `until [ -e /workspace/${go} ]; ${pause}`;
  return {
    prepare: `exec {${name}_tick}<> <(:);`,
    announce,
    wait,
    /** Instead of `wait`: goes on once the announcement is gone (the test removed it, or the whole workspace). */
    waitUntilRemoved: `while [ -e /workspace/${up} ]; ${pause}`,
    shell: `${announce} ${wait}`,
    reached: (run: Promise<unknown>) => pollUntil(`the command to create ${up}`, () => existsSync(join(workspace, up)), run),
    release: () => writeFile(join(workspace, go), ""),
  };
}

/** Waits until at least `count` host processes have `arg` in their argv, while `run` has not ended. */
export function waitForHostProcesses(arg: string, count: number, run: Promise<unknown>): Promise<void> {
  return pollUntil(`${count} host processes with \`${arg}\``, async () => (await findHostProcesses(arg)).length >= count, run);
}

/** Polls `probe` until it is true; throws if `run` settles first, or after MAX_POLLS polls. */
async function pollUntil(what: string, probe: () => boolean | Promise<boolean>, run: Promise<unknown>): Promise<void> {
  let settled = false;
  run.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    if (await probe()) return;
    if (settled) throw new Error(`the command ended before the test saw ${what}`);
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`no ${what} after ${MAX_POLLS} polls`);
}

/** Kills leftovers so that a failing test does not leave thousands of sleeps behind. */
export async function killHostProcesses(arg: string): Promise<void> {
  for (const pid of await findHostProcesses(arg)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

/** An HTTP server on the host (its loopback by default) that answers "host-server". */
export async function startHostServer(host = "127.0.0.1"): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => response.end("host-server"));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A server on a host abstract unix socket (no file: only the network namespace scopes it). */
export async function startAbstractSocketServer(): Promise<{ name: string; close(): Promise<void> }> {
  const name = `codex-bot-test-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
  const server = createNetServer((socket) => socket.end("host-abstract-socket\n"));
  await new Promise<void>((resolve) => server.listen(`\0${name}`, resolve));
  return { name, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A bash line printing `CONNECTED <host>` or `REFUSED <host>` for a TCP connect, within 3 s. */
export function probeTcp(host: string, port: number): string {
  return `timeout 3 bash -c 'exec 3<>/dev/tcp/${host}/${port}' 2>/dev/null && echo "CONNECTED ${host}" || echo "REFUSED ${host}"`;
}

/** This host's own IPv4 addresses, loopback excluded. */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((infos) => infos ?? [])
    .filter((info) => info.family === "IPv4" && !info.internal)
    .map((info) => info.address);
}

/** A command that allocates memory until something stops it, in the best language /usr offers. */
export function allocationLoopCommand(): string {
  if (existsSync("/usr/bin/python3")) return `python3 -c 'a = []\nwhile True: a.append(b"x" * (1 << 20))'`;
  if (existsSync("/usr/bin/node")) return `node -e 'const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))'`;
  return "s=x; while :; do s=$s$s; done";
}
