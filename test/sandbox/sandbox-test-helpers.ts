import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
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

/** An HTTP server on the host's loopback that answers "host-server". */
export async function startHostServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => response.end("host-server"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
