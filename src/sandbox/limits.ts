import { SandboxConfigError } from "./errors.js";
import type { SandboxLimits } from "./types.js";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * Defaults for one command. Tasks set memory, processes, workspace and tmpfs from the operator's
 * CODEX_SANDBOX_* settings, lowered by the repository's `limits:` (tasks/task-sandbox-limits.ts).
 * What holds where (measured on Linux 6.x, cgroup v1, bot as root):
 * - maxProcesses: `ulimit -u` does NOT bind when bwrap runs as host root, because the kernel
 *   exempts the initial root user from RLIMIT_NPROC whatever namespace it is in; the pids
 *   cgroup is what holds there. With `hostUser`, `ulimit -u` holds too; on Linux 6.18 it counts
 *   the processes of that user in the sandbox's own user namespace (measured), on
 *   older kernels every process of that host user, across concurrent sandboxes.
 * - maxFileSizeBytes, maxOpenFiles: rlimits, hold for everyone.
 * - maxMemoryBytes: the memory cgroup, for the whole sandbox.
 * - maxVirtualMemoryBytes: `ulimit -v`, applied only when there is no memory cgroup (see
 *   prelude.ts); it bounds each process, not the sum.
 * - maxWorkspaceBytes: measured with `du` every 2 s while a command runs and once after it
 *   (workspace-usage.ts); a fast writer overshoots by what it writes between two checks. Only a
 *   file-system quota on the workspace would be exact; cgroup v1 has no disk limit.
 */
export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  maxProcesses: 512,
  maxFileSizeBytes: 1 * GIB,
  maxVirtualMemoryBytes: 8 * GIB,
  maxOpenFiles: 4096,
  maxMemoryBytes: 8 * GIB,
  tmpfsSizeBytes: 1 * GIB,
  maxWorkspaceBytes: 20 * GIB,
});

/** Defaults with `overrides` applied; throws SandboxConfigError for a value that is not a positive integer. */
export function resolveLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new SandboxConfigError(`Sandbox limit ${name} must be a positive integer, got ${String(value)}.`);
    }
  }
  return limits;
}
