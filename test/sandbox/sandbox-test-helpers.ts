import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

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

/** Polls until no host process has `arg` in its argv; returns the survivors after `timeoutMs`. */
export async function waitForNoHostProcesses(arg: string, timeoutMs = 2_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let survivors = await findHostProcesses(arg);
  while (survivors.length > 0 && Date.now() < deadline) {
    await sleep(50);
    survivors = await findHostProcesses(arg);
  }
  return survivors;
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
