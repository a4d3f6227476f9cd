import type { RepoConfig } from "../config/repo-config.js";
import { effectiveSandboxLimits, serverSandboxLimits, type SandboxLimitSettings } from "../config/sandbox-limits.js";
import type { ServerConfig } from "../config/server-config.js";
import type { SandboxLimits } from "../sandbox/types.js";

const MIB = 1024 * 1024;

/** The limits for every sandbox of a task: the operator's, lowered by the repository's `limits:`. */
export function taskSandboxLimits(config: ServerConfig, repoConfig: RepoConfig): Partial<SandboxLimits> {
  return toSandboxLimits(effectiveSandboxLimits(serverSandboxLimits(config), repoConfig.limits).limits);
}

/** Task-log lines for each repository limit above the server's, which was clamped to it. */
export function sandboxLimitWarnings(config: ServerConfig, repoConfig: RepoConfig): string[] {
  return effectiveSandboxLimits(serverSandboxLimits(config), repoConfig.limits).warnings;
}

/**
 * The settings as the sandbox's limits. The memory limit is the memory cgroup's, for the whole
 * sandbox; where no memory cgroup can be made the sandbox falls back to `ulimit -v` per process,
 * at the same value, as it did with the constant (see sandbox/limits.ts).
 */
export function toSandboxLimits(settings: SandboxLimitSettings): Partial<SandboxLimits> {
  return {
    maxMemoryBytes: settings.memory_mb * MIB,
    maxVirtualMemoryBytes: settings.memory_mb * MIB,
    maxProcesses: settings.processes,
    maxWorkspaceBytes: settings.disk_mb * MIB,
    tmpfsSizeBytes: settings.tmp_mb * MIB,
  };
}
