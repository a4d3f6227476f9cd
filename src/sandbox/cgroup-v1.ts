import { existsSync } from "node:fs";
import { mkdir, rmdir } from "node:fs/promises";
import { join } from "node:path";
import type { CgroupSet, CgroupSetResult } from "./cgroup-set.js";
import { makeDir, writeSettings } from "./cgroup-files.js";
import type { SandboxLimits } from "./types.js";

/** cgroup v1 controllers and the limit files each one gets. */
const CONTROLLER_SETTINGS: Record<"pids" | "memory", (limits: SandboxLimits) => [file: string, value: number][]> = {
  pids: (limits) => [["pids.max", limits.maxProcesses]],
  memory: (limits) => [
    ["memory.limit_in_bytes", limits.maxMemoryBytes],
    // Swap would let the sandbox exceed the memory limit; absent when swap accounting is off.
    ["memory.memsw.limit_in_bytes", limits.maxMemoryBytes],
  ],
};
const REQUIRED_SETTINGS = new Set(["pids.max", "memory.limit_in_bytes"]);

/** Whether `root` holds v1 controller hierarchies (e.g. /sys/fs/cgroup/pids). */
export function isCgroupV1(root: string): boolean {
  return Object.keys(CONTROLLER_SETTINGS).some((controller) => existsSync(join(root, controller, "cgroup.procs")));
}

/**
 * One cgroup per available v1 controller, `<root>/<controller><parent>/<name>`. v1 needs no
 * delegation dance: a child of any cgroup may hold processes, and root may write anywhere.
 */
export async function createV1Cgroups(limits: SandboxLimits, root: string, parent: string, name: string): Promise<CgroupSetResult> {
  const set: CgroupSet = { hierarchy: "v1", dirs: [] };
  // The controllers are independent; setting them up side by side keeps per-command overhead down.
  await Promise.all((Object.keys(CONTROLLER_SETTINGS) as ("pids" | "memory")[]).map(async (controller) => {
    const parentDir = await ensureParent(join(root, controller), parent);
    const dir = parentDir && join(parentDir, name);
    if (!dir || !(await createLimited(dir, CONTROLLER_SETTINGS[controller](limits)))) return;
    set.dirs.push(dir);
    if (controller === "memory") set.memory = { dir, file: "memory.oom_control", key: "oom_kill" };
    else set.pids = { dir, file: "pids.events", key: "max" };
  }));
  if (set.dirs.length > 0) return { ok: true, set };
  return { ok: false, reason: `no writable cgroup v1 pids or memory controller under ${root} (cgroup ${parent})` };
}

/** `<controllerDir><parent>`, created once; undefined unless `controllerDir` is a mounted cgroup. */
async function ensureParent(controllerDir: string, parent: string): Promise<string | undefined> {
  // Only a cgroup file system has cgroup.procs; anywhere else mkdir would make plain directories.
  if (!existsSync(join(controllerDir, "cgroup.procs"))) return undefined;
  const dir = join(controllerDir, parent);
  if (dir === controllerDir) return dir;
  return (await mkdir(dir, { recursive: true }).then(() => true, () => false)) ? dir : undefined;
}

async function createLimited(dir: string, settings: [string, number][]): Promise<boolean> {
  if (!(await makeDir(dir))) return false;
  try {
    await writeSettings(dir, settings, REQUIRED_SETTINGS);
    return true;
  } catch {
    await rmdir(dir).catch(() => undefined);
    return false;
  }
}
