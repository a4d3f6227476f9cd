import { randomUUID } from "node:crypto";
import { rmdirSync } from "node:fs";
import { readdir, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { emptyAndRemove, killAll, readCounter } from "./cgroup-files.js";
import type { CgroupSet, CgroupSetResult } from "./cgroup-set.js";
import { createV1Cgroups, isCgroupV1 } from "./cgroup-v1.js";
import { createV2Cgroup, isCgroupV2 } from "./cgroup-v2.js";
import type { SandboxLimits } from "./types.js";

export const DEFAULT_CGROUP_ROOT = "/sys/fs/cgroup";
/** The cgroup v1 sandboxes go under when CODEX_CGROUP_PARENT is unset; on v2 the default is the bot's own cgroup. */
export const DEFAULT_V1_PARENT = "/codex-bot";

/** Where sandbox cgroups are made: the cgroup file system's mount and the parent cgroup's path in it. */
export interface CgroupPlacement {
  /** Where the cgroup file system is mounted; "/sys/fs/cgroup" when absent. */
  root?: string;
  /** A cgroup path such as /system.slice/codex-bot.service (CODEX_CGROUP_PARENT). */
  parent?: string;
}

/** Per-run cgroups that bound the sandbox as a whole, unlike rlimits which bind each process. */
export interface SandboxCgroup {
  hierarchy: "v1" | "v2";
  /** The cgroup.procs files the launcher joins before it execs bwrap. */
  procsFiles: string[];
  /** Whether the memory controller bounds the sandbox's total memory. */
  limitsMemory: boolean;
  /** Whether the pids controller bounds the sandbox's processes. */
  limitsProcesses: boolean;
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

/** What this host's cgroups can bound, for the self-test, the start check and /codex/health. */
export type CgroupSupport =
  | { ok: true; hierarchy: "v1" | "v2"; memory: boolean; processes: boolean }
  | { ok: false; reason: string };

/**
 * Creates the cgroups for one run: one per v1 controller, or one cgroup on a v2 host. Undefined
 * when there are none (use probeCgroupSupport for why): then only the rlimits apply.
 */
export async function createSandboxCgroup(limits: SandboxLimits, placement: CgroupPlacement = {}): Promise<SandboxCgroup | undefined> {
  const made = await makeCgroupSet(limits, placement);
  return made.ok ? wrap(made.set, poolKey(limits, placement)) : undefined;
}

/** Makes (and removes) one sandbox cgroup, to find out what the host's cgroups bound. Never throws. */
export async function probeCgroupSupport(limits: SandboxLimits, placement: CgroupPlacement = {}): Promise<CgroupSupport> {
  const made = await makeCgroupSet(limits, placement).catch((error: unknown) => ({ ok: false as const, reason: String(error) }));
  if (!made.ok) return made;
  const support = { ok: true as const, hierarchy: made.set.hierarchy, memory: made.set.memory !== undefined, processes: made.set.pids !== undefined };
  await Promise.all(made.set.dirs.map((dir) => emptyAndRemove(dir, made.set.killFile)));
  return support;
}

async function makeCgroupSet(limits: SandboxLimits, placement: CgroupPlacement): Promise<CgroupSetResult> {
  const pooled = POOL.get(poolKey(limits, placement))?.pop();
  if (pooled) return { ok: true, set: pooled };
  const root = placement.root ?? DEFAULT_CGROUP_ROOT;
  const name = `${SANDBOX_CGROUP_PREFIX}${process.pid}-${randomUUID()}`;
  const made = isCgroupV2(root)
    ? await createV2Cgroup(limits, root, placement.parent, name)
    : isCgroupV1(root)
      ? await createV1Cgroups(limits, root, placement.parent ?? DEFAULT_V1_PARENT, name)
      : { ok: false as const, reason: `no cgroup file system at ${root} (neither v2 nor v1 pids/memory controllers)` };
  if (made.ok) sweepOnce(made.set);
  return made;
}

const SANDBOX_CGROUP_PREFIX = "codex-sandbox-";
/** Parents already swept by this process. */
const SWEPT = new Set<string>();

/**
 * Removes, once per parent per process, the empty sandbox cgroups that processes which are gone
 * left behind: the pool is emptied at a clean exit, but a killed bot leaves its pooled cgroups,
 * and thousands of them slow every cgroup operation on v1. The creator's pid is in the name, so
 * a live process's pool is never touched; a cgroup with processes in it cannot be removed.
 */
function sweepOnce(set: CgroupSet): void {
  for (const parent of set.dirs.map((dir) => dirname(dir))) {
    if (SWEPT.has(parent)) continue;
    SWEPT.add(parent);
    void sweepStaleSandboxCgroups(parent);
  }
}

/** The sweep itself, for one parent cgroup directory; never throws. */
export async function sweepStaleSandboxCgroups(parent: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^codex-sandbox-(\d+)-/.exec(name)?.[1]);
    if (Number.isSafeInteger(pid) && !isAlive(pid)) await rmdir(join(parent, name)).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function wrap(set: CgroupSet, key: string): Promise<SandboxCgroup> {
  const counters = async () => ({
    oomKills: await readCounter(set.memory?.dir, set.memory?.file ?? "", set.memory?.key ?? ""),
    processLimitHits: await readCounter(set.pids?.dir, set.pids?.file ?? "", set.pids?.key ?? ""),
  });
  // A reused cgroup's counters include earlier runs: report only what happened in this one.
  const before = await counters();
  return {
    hierarchy: set.hierarchy,
    procsFiles: set.dirs.map((dir) => join(dir, "cgroup.procs")),
    limitsMemory: set.memory !== undefined,
    limitsProcesses: set.pids !== undefined,
    readLimitEvents: async () => {
      const now = await counters();
      return { oomKills: now.oomKills - before.oomKills, processLimitHits: now.processLimitHits - before.processLimitHits };
    },
    destroy: () => release(key, set),
  };
}

function poolKey(limits: SandboxLimits, placement: CgroupPlacement): string {
  return JSON.stringify([placement.root ?? DEFAULT_CGROUP_ROOT, placement.parent ?? null, limits]);
}

/**
 * Emptied cgroups kept for the next run with the same limits: creating and removing a memory
 * cgroup costs several milliseconds per command on cgroup v1 (measured). A cgroup goes back
 * only when nothing is left in it, so no process outlives its run into another.
 */
const POOL = new Map<string, CgroupSet[]>();
const POOL_SIZE = 4;

async function release(key: string, set: CgroupSet): Promise<void> {
  const emptied = (await Promise.all(set.dirs.map((dir) => killAll(dir, set.killFile)))).every(Boolean);
  const pooled = POOL.get(key) ?? [];
  if (emptied && pooled.length < POOL_SIZE) {
    if (pooled.length === 0) POOL.set(key, pooled);
    pooled.push(set);
    return;
  }
  await Promise.all(set.dirs.map((dir) => emptyAndRemove(dir, set.killFile)));
}

// Pooled cgroups are empty; remove them when the bot exits so none are left behind.
process.once("exit", () => {
  for (const dir of [...POOL.values()].flat().flatMap((set) => set.dirs)) {
    try {
      rmdirSync(dir);
    } catch {
      // Busy or gone: nothing more can be done at exit.
    }
  }
});
