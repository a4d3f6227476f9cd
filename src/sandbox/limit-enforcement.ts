import type { CgroupSupport } from "./cgroup.js";

/** Which mechanism bounds each operator limit on this host, in words for /codex/health and the start log. */
export interface LimitEnforcement {
  /** "cgroup v2", "cgroup v1" or "rlimits only". */
  mechanism: string;
  memory: string;
  processes: string;
  disk: string;
  tmp: string;
}

/**
 * `sandboxIsHostRoot`: bubblewrap runs as host root, which the kernel exempts from RLIMIT_NPROC,
 * so without a pids cgroup nothing bounds the number of processes.
 */
export function describeLimitEnforcement(cgroups: CgroupSupport, sandboxIsHostRoot: boolean): LimitEnforcement {
  const hierarchy = cgroups.ok ? `cgroup ${cgroups.hierarchy}` : undefined;
  const memory = cgroups.ok && cgroups.memory
    ? `${hierarchy} memory controller (${cgroups.hierarchy === "v2" ? "memory.max, memory.swap.max = 0" : "memory.limit_in_bytes"}): the whole sandbox`
    : "ulimit -v: each process separately, not the sandbox's total";
  const processes = cgroups.ok && cgroups.processes
    ? `${hierarchy} pids controller (pids.max): the whole sandbox`
    : sandboxIsHostRoot
      ? "NOT ENFORCED: ulimit -u does not bind host root and there is no pids cgroup"
      // Measured on Linux 6.18: RLIMIT_NPROC counts per user namespace, so each sandbox has its own count.
      : "ulimit -u: binds the unprivileged sandbox user (per sandbox on Linux 5.14+; before, all of that user's processes together)";
  return {
    mechanism: hierarchy ?? "rlimits only",
    memory,
    processes,
    disk: "du of the workspace every 2 s while a command runs, and after it",
    tmp: "tmpfs size of /tmp and HOME",
  };
}
