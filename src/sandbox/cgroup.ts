import { randomUUID } from "node:crypto";
import { existsSync, rmdirSync } from "node:fs";
import { chown, mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { HostUser, SandboxLimits } from "./types.js";

export const DEFAULT_CGROUP_ROOT = "/sys/fs/cgroup";

/** cgroup v1 controllers and the limit files each one gets. */
const CONTROLLER_SETTINGS: Record<string, (limits: SandboxLimits) => [file: string, value: number][]> = {
  pids: (limits) => [["pids.max", limits.maxProcesses]],
  memory: (limits) => [
    ["memory.limit_in_bytes", limits.maxMemoryBytes],
    // Swap would let the sandbox exceed the memory limit; absent when swap accounting is off.
    ["memory.memsw.limit_in_bytes", limits.maxMemoryBytes],
  ],
};
const REQUIRED_SETTINGS = new Set(["pids.max", "memory.limit_in_bytes"]);

/** Per-run cgroups that bound the sandbox as a whole, unlike rlimits which bind each process. */
export interface SandboxCgroup {
  /** The cgroup.procs files the launcher joins before it execs bwrap. */
  procsFiles: string[];
  /** Whether the memory controller bounds the sandbox's total memory. */
  limitsMemory: boolean;
  /** How often the limits bit during this run; read before destroy. Never throws. */
  readLimitEvents(): Promise<CgroupLimitEvents>;
  /** Kills whatever is left in the cgroups, then keeps them for the next run or removes them. Never throws. */
  destroy(): Promise<void>;
}

export interface CgroupLimitEvents {
  /** Processes the OOM killer ended because the sandbox reached maxMemoryBytes. */
  oomKills: number;
  /** fork/clone calls refused because the sandbox reached maxProcesses. */
  processLimitHits: number;
}

/**
 * Creates one cgroup per available v1 controller, or undefined when there is none (cgroup v2
 * hosts, or a read-only /sys/fs/cgroup in a container): then only the rlimits apply.
 */
export async function createSandboxCgroup(
  limits: SandboxLimits,
  root: string = DEFAULT_CGROUP_ROOT,
  owner?: HostUser,
): Promise<SandboxCgroup | undefined> {
  const key = JSON.stringify([root, limits, owner?.uid ?? null]);
  const dirs = POOL.get(key)?.pop() ?? (await createCgroupDirs(limits, root, owner));
  if (dirs.size === 0) return undefined;
  const counters = async () => ({
    oomKills: await readCounter(dirs.get("memory"), "memory.oom_control", "oom_kill"),
    processLimitHits: await readCounter(dirs.get("pids"), "pids.events", "max"),
  });
  // A reused cgroup's counters include earlier runs: report only what happened in this one.
  const before = await counters();
  return {
    procsFiles: [...dirs.values()].map((dir) => join(dir, "cgroup.procs")),
    limitsMemory: dirs.has("memory"),
    readLimitEvents: async () => {
      const now = await counters();
      return { oomKills: now.oomKills - before.oomKills, processLimitHits: now.processLimitHits - before.processLimitHits };
    },
    destroy: () => release(key, dirs),
  };
}

/**
 * Emptied cgroups kept for the next run with the same limits and owner: creating and removing
 * a memory cgroup costs several milliseconds per command on cgroup v1 (measured). A cgroup goes
 * back only when nothing is left in it, so no process outlives its run into another.
 */
const POOL = new Map<string, Map<string, string>[]>();
const POOL_SIZE = 4;

async function release(key: string, dirs: Map<string, string>): Promise<void> {
  const emptied = (await Promise.all([...dirs.values()].map((dir) => killAll(dir)))).every(Boolean);
  const pooled = POOL.get(key) ?? [];
  if (emptied && pooled.length < POOL_SIZE) {
    if (pooled.length === 0) POOL.set(key, pooled);
    pooled.push(dirs);
    return;
  }
  await Promise.all([...dirs.values()].map((dir) => emptyAndRemove(dir)));
}

// Pooled cgroups are empty; remove them when the bot exits so none are left behind.
process.once("exit", () => {
  for (const dir of [...POOL.values()].flat().flatMap((dirs) => [...dirs.values()])) {
    try {
      rmdirSync(dir);
    } catch {
      // Busy or gone: nothing more can be done at exit.
    }
  }
});

async function createCgroupDirs(limits: SandboxLimits, root: string, owner: HostUser | undefined): Promise<Map<string, string>> {
  const name = `codex-bot-${randomUUID()}`;
  const dirs = new Map<string, string>();
  // The controllers are independent; setting them up side by side keeps per-command overhead down.
  await Promise.all(Object.entries(CONTROLLER_SETTINGS).map(async ([controller, settings]) => {
    const parent = await ensureParentCgroup(join(root, controller));
    const dir = parent && join(parent, name);
    if (dir && (await createLimitedCgroup(dir, settings(limits), owner))) dirs.set(controller, dir);
  }));
  return dirs;
}

/** `<controller>/codex-bot`, created once; undefined unless `controllerDir` is a mounted cgroup. */
async function ensureParentCgroup(controllerDir: string): Promise<string | undefined> {
  // Only a cgroup file system has cgroup.procs; anywhere else mkdir would make plain directories.
  if (!existsSync(join(controllerDir, "cgroup.procs"))) return undefined;
  const parent = join(controllerDir, "codex-bot");
  try {
    await mkdir(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return undefined;
  }
  return parent;
}

async function createLimitedCgroup(dir: string, settings: [string, number][], owner?: HostUser): Promise<boolean> {
  try {
    await mkdir(dir);
  } catch {
    return false;
  }
  try {
    for (const [file, value] of settings) {
      await writeFile(join(dir, file), String(value)).catch((error: unknown) => {
        if (REQUIRED_SETTINGS.has(file)) throw error;
      });
    }
    // The launcher runs as `owner` and moves itself in, which needs write access to cgroup.procs.
    if (owner) await chown(join(dir, "cgroup.procs"), owner.uid, owner.gid);
    return true;
  } catch {
    await rmdir(dir).catch(() => undefined);
    return false;
  }
}

/** Kills every process in the cgroup until it is empty; false if it would not empty. */
async function killAll(dir: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pids = await readPids(join(dir, "cgroup.procs"));
    if (pids.length === 0) return existsSync(join(dir, "cgroup.procs"));
    for (const pid of pids) killQuietly(pid);
    await sleep(20);
  }
  return false;
}

// A cgroup can only be removed once empty. Normally the pid namespace is gone already.
async function emptyAndRemove(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pids = await readPids(join(dir, "cgroup.procs"));
    if (pids.length === 0 && (await removeDir(dir))) return;
    for (const pid of pids) killQuietly(pid);
    await sleep(20);
  }
}

async function removeDir(dir: string): Promise<boolean> {
  return rmdir(dir).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code === "ENOENT",
  );
}

/** The number after `key` in a cgroup file of "key value" lines; 0 when absent. */
async function readCounter(dir: string | undefined, file: string, key: string): Promise<number> {
  if (dir === undefined) return 0;
  const text = await readFile(join(dir, file), "utf8").catch(() => "");
  const value = Number(new RegExp(`^${key} (\\d+)$`, "m").exec(text)?.[1]);
  return Number.isSafeInteger(value) ? value : 0;
}

async function readPids(procsFile: string): Promise<number[]> {
  const text = await readFile(procsFile, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map(Number);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
