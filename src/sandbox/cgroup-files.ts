import { existsSync } from "node:fs";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** What the cgroup v1 and v2 code share: reading and writing cgroup files, emptying and removing a cgroup. */

/** The number after `key` in a cgroup file of "key value" lines; 0 when absent. */
export async function readCounter(dir: string | undefined, file: string, key: string): Promise<number> {
  if (dir === undefined) return 0;
  const text = await readFile(join(dir, file), "utf8").catch(() => "");
  const value = Number(new RegExp(`^${key} (\\d+)$`, "m").exec(text)?.[1]);
  return Number.isSafeInteger(value) ? value : 0;
}

export async function readPids(procsFile: string): Promise<number[]> {
  const text = await readFile(procsFile, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map(Number);
}

/** mkdir that reports success instead of throwing; an existing directory counts when `existingIsFine`. */
export async function makeDir(dir: string, existingIsFine = false): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch (error) {
    return existingIsFine && (error as NodeJS.ErrnoException).code === "EEXIST";
  }
}

/**
 * Writes each setting; a missing optional file (e.g. swap accounting off) is skipped, any other
 * failure throws. Values are written one by one: the kernel parses each file separately.
 */
export async function writeSettings(dir: string, settings: [file: string, value: number | string][], required: ReadonlySet<string>): Promise<void> {
  for (const [file, value] of settings) {
    await writeFile(join(dir, file), String(value)).catch((error: unknown) => {
      if (required.has(file)) throw error;
    });
  }
}

/**
 * Kills every process in the cgroup until it is empty; false if it would not empty.
 * `killFile` is cgroup v2's cgroup.kill, which kills the whole cgroup at once, forks in flight
 * included; without it each listed process is killed in turn, repeatedly, as v1 needs.
 */
export async function killAll(dir: string, killFile?: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pids = await readPids(join(dir, "cgroup.procs"));
    if (pids.length === 0) return existsSync(join(dir, "cgroup.procs"));
    await killOnce(dir, pids, killFile);
    await sleep(20);
  }
  return false;
}

/** Empties the cgroup, then removes it. A cgroup can only be removed once empty; normally the pid namespace is gone already. */
export async function emptyAndRemove(dir: string, killFile?: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pids = await readPids(join(dir, "cgroup.procs"));
    if (pids.length === 0 && (await removeDir(dir))) return;
    await killOnce(dir, pids, killFile);
    await sleep(20);
  }
}

async function killOnce(dir: string, pids: number[], killFile: string | undefined): Promise<void> {
  const killedAtOnce = killFile !== undefined && (await writeFile(join(dir, killFile), "1").then(() => true, () => false));
  if (!killedAtOnce) for (const pid of pids) killQuietly(pid);
}

export async function removeDir(dir: string): Promise<boolean> {
  return rmdir(dir).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code === "ENOENT",
  );
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
