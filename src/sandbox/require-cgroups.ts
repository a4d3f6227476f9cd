import { probeCgroupSupport, type CgroupPlacement, type CgroupSupport } from "./cgroup.js";
import { resolveLimits } from "./limits.js";

export type CgroupStartCheck = { ok: true; support: CgroupSupport } | { ok: false; message: string };

/**
 * The start check: the sandbox's limits hold for the whole sandbox only in a cgroup. Without a
 * writable one the bot refuses to start unless the operator accepted rlimits alone
 * (CODEX_ALLOW_RLIMIT_ONLY), which bound memory per process and processes per host user (or,
 * for a sandbox running as host root, not at all).
 */
export async function checkCgroupsAtStart(placement: CgroupPlacement, allowRlimitOnly: boolean): Promise<CgroupStartCheck> {
  const support = await probeCgroupSupport(resolveLimits(), placement);
  if (support.ok || allowRlimitOnly) return { ok: true, support };
  return {
    ok: false,
    message:
      `The sandbox needs a writable cgroup to bound its memory and processes, and none is available: ${support.reason}. ` +
      "On cgroup v2, delegate a subtree to the bot (systemd: Delegate=yes on its unit; Docker: see the README) or set " +
      "CODEX_CGROUP_PARENT to a cgroup it may write; on cgroup v1, mount the pids and memory controllers read-write. " +
      "Or set CODEX_ALLOW_RLIMIT_ONLY=1 to accept weaker limits: memory per process (ulimit -v), processes per host user " +
      "(ulimit -u), and no process limit at all for a sandbox that runs as host root.",
  };
}
