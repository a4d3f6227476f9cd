/**
 * The cgroups made for one sandbox run, whichever hierarchy made them: the directories the
 * launcher joins, where the limit counters are, and how to kill what is left.
 */
export interface CgroupSet {
  hierarchy: "v1" | "v2";
  /** Every directory the launcher joins (one per v1 controller; the one cgroup on v2). */
  dirs: string[];
  /** Where the memory limit is set and its OOM kills are counted, when a memory controller bounds the sandbox. */
  memory?: { dir: string; file: string; key: string };
  /** Where the process limit is set and refused forks are counted. */
  pids?: { dir: string; file: string; key: string };
  /** cgroup v2's cgroup.kill: kills the whole cgroup at once. */
  killFile?: string;
}

/** A hierarchy's answer: the cgroups for one run, or why it cannot make any. */
export type CgroupSetResult = { ok: true; set: CgroupSet } | { ok: false; reason: string };
