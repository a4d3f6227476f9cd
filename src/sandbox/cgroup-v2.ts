import { existsSync } from "node:fs";
import { readFile, rmdir, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import type { CgroupSetResult } from "./cgroup-set.js";
import { makeDir, readPids, writeSettings } from "./cgroup-files.js";
import type { SandboxLimits } from "./types.js";

const CONTROLLERS = ["memory", "pids"] as const;
const REQUIRED_SETTINGS = new Set(["memory.max", "pids.max"]);
/** Where the bot moves its own processes when its cgroup is the parent (see prepareParent). */
const BOT_LEAF = "codex-bot";

/** Whether `root` is the unified (v2-only) hierarchy. Hybrid hosts mount v2 at root/unified and count as v1. */
export function isCgroupV2(root: string): boolean {
  return existsSync(join(root, "cgroup.controllers"));
}

/** One parent per (root, setting) per process: the delegation dance is done once. */
const PREPARED = new Map<string, Promise<{ ok: true; dir: string } | { ok: false; reason: string }>>();

/**
 * One cgroup `<parent>/<name>` with memory.max, memory.swap.max = 0 and pids.max. The parent is
 * `parentSetting` (CODEX_CGROUP_PARENT, a cgroup path such as /system.slice/codex-bot.service)
 * or the bot's own cgroup, which must be delegated to it (systemd: Delegate=yes).
 */
export async function createV2Cgroup(limits: SandboxLimits, root: string, parentSetting: string | undefined, name: string): Promise<CgroupSetResult> {
  const key = JSON.stringify([root, parentSetting ?? null]);
  let prepared = PREPARED.get(key);
  if (!prepared) PREPARED.set(key, (prepared = prepareParent(root, parentSetting)));
  const parent = await prepared;
  if (!parent.ok) return parent;
  const dir = join(parent.dir, name);
  if (!(await makeDir(dir))) return { ok: false, reason: `cannot create a cgroup in ${parent.dir}` };
  try {
    await writeSettings(dir, [
      ["memory.max", limits.maxMemoryBytes],
      // Swap would let the sandbox exceed memory.max; the file is absent when swap accounting is off.
      ["memory.swap.max", 0],
      ["pids.max", limits.maxProcesses],
    ], REQUIRED_SETTINGS);
  } catch (error) {
    await rmdir(dir).catch(() => undefined);
    return { ok: false, reason: `cannot set limits in ${dir}: ${(error as Error).message}` };
  }
  return {
    ok: true,
    set: {
      hierarchy: "v2",
      dirs: [dir],
      memory: { dir, file: "memory.events", key: "oom_kill" },
      pids: { dir, file: "pids.events", key: "max" },
      // Linux 5.14+; older kernels fall back to killing each listed process.
      killFile: existsSync(join(dir, "cgroup.kill")) ? "cgroup.kill" : undefined,
    },
  };
}

/**
 * Makes `parent` able to hold limited children: memory and pids enabled in its
 * cgroup.subtree_control. cgroup v2's "no internal processes" rule forbids that while the
 * parent holds processes itself, so when the parent is the bot's own cgroup (a systemd unit
 * with Delegate=yes, a container's cgroup namespace) the bot first moves its processes into a
 * leaf child, as systemd and container runtimes do. The root cgroup is exempt from the rule.
 */
async function prepareParent(root: string, parentSetting: string | undefined): Promise<{ ok: true; dir: string } | { ok: false; reason: string }> {
  const own = await ownCgroup();
  // A second bot process (or a test worker) started inside the leaf uses the leaf's parent.
  const ownParent = own !== undefined && own.split("/").pop() === BOT_LEAF ? dirname(own) : own;
  const path = parentSetting ?? ownParent;
  if (path === undefined) return { ok: false, reason: "cannot read the bot's own cgroup from /proc/self/cgroup" };
  const where = parentSetting === undefined ? `the bot's own cgroup ${path}` : `CODEX_CGROUP_PARENT ${path}`;
  const dir = join(root, path);
  const available = await readWords(join(dir, "cgroup.controllers"));
  if (available === undefined) return { ok: false, reason: `${where} is not a cgroup (no ${join(dir, "cgroup.controllers")})` };
  const missing = CONTROLLERS.filter((controller) => !available.includes(controller));
  if (missing.length > 0) {
    return { ok: false, reason: `${where} has no ${missing.join(" or ")} controller: its parent must enable it in cgroup.subtree_control (with systemd, Delegate=yes on the bot's unit)` };
  }
  const enabled = await enableControllers(dir);
  if (enabled === "busy" && path === ownParent) {
    const moved = await moveProcessesIntoLeaf(dir);
    if (moved !== undefined) return { ok: false, reason: `${where} holds the bot's processes and they could not be moved into ${BOT_LEAF}: ${moved}` };
  } else if (enabled === "busy") {
    return { ok: false, reason: `${where} holds processes of its own; cgroup v2 lets only a cgroup without processes have limited children (move them into a child, or name another cgroup)` };
  }
  const again = enabled === "busy" ? await enableControllers(dir) : enabled;
  if (again !== "ok") return { ok: false, reason: `cannot enable memory and pids in ${join(dir, "cgroup.subtree_control")} (uid ${process.getuid?.()}): ${again}; delegate it to the bot (systemd: Delegate=yes) or set CODEX_CGROUP_PARENT to a cgroup it may write` };
  const probe = join(dir, `codex-probe-${randomUUID()}`);
  if (!(await makeDir(probe))) return { ok: false, reason: `cannot create cgroups in ${dir} (uid ${process.getuid?.()}): delegate it to the bot (systemd: Delegate=yes) or set CODEX_CGROUP_PARENT` };
  await rmdir(probe).catch(() => undefined);
  return { ok: true, dir };
}

/** "ok", "busy" (the cgroup holds processes), or the error. */
async function enableControllers(dir: string): Promise<string> {
  const enabled = await readWords(join(dir, "cgroup.subtree_control"));
  if (enabled && CONTROLLERS.every((controller) => enabled.includes(controller))) return "ok";
  return writeFile(join(dir, "cgroup.subtree_control"), CONTROLLERS.map((c) => `+${c}`).join(" ")).then(
    () => "ok",
    (error: NodeJS.ErrnoException) => (error.code === "EBUSY" ? "busy" : error.message),
  );
}

/** Moves every process of `dir` into `dir/codex-bot`; undefined when done, else what failed. */
async function moveProcessesIntoLeaf(dir: string): Promise<string | undefined> {
  const leaf = join(dir, BOT_LEAF);
  if (!(await makeDir(leaf, true))) return `cannot create ${leaf}`;
  for (const pid of await readPids(join(dir, "cgroup.procs"))) {
    const problem = await writeFile(join(leaf, "cgroup.procs"), String(pid)).then(
      () => undefined,
      // A process that exited in between is no longer in the way.
      (error: NodeJS.ErrnoException) => (error.code === "ESRCH" ? undefined : error.message),
    );
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The bot's cgroup path on the unified hierarchy ("0::/path" in /proc/self/cgroup). */
async function ownCgroup(): Promise<string | undefined> {
  const text = await readFile("/proc/self/cgroup", "utf8").catch(() => "");
  return /^0::(\/.*)$/m.exec(text)?.[1];
}

async function readWords(file: string): Promise<string[] | undefined> {
  return readFile(file, "utf8").then((text) => text.split(/\s+/).filter(Boolean), () => undefined);
}
