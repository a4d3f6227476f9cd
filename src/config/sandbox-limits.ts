import type { RepoLimits } from "./repo-config.js";
import type { ServerConfig } from "./server-config.js";

/** The four sandbox limits an operator sets and a repository may lower, in the units of `.github/codex.yml`. */
export interface SandboxLimitSettings {
  memory_mb: number;
  processes: number;
  disk_mb: number;
  tmp_mb: number;
}

const SERVER_VARIABLES: Record<keyof SandboxLimitSettings, keyof ServerConfig> = {
  memory_mb: "CODEX_SANDBOX_MEMORY_MB",
  processes: "CODEX_SANDBOX_PROCESSES",
  disk_mb: "CODEX_SANDBOX_DISK_MB",
  tmp_mb: "CODEX_SANDBOX_TMP_MB",
};

/** The operator's limits, from CODEX_SANDBOX_*: the ceiling for every sandbox. */
export function serverSandboxLimits(config: ServerConfig): SandboxLimitSettings {
  return {
    memory_mb: config.CODEX_SANDBOX_MEMORY_MB,
    processes: config.CODEX_SANDBOX_PROCESSES,
    disk_mb: config.CODEX_SANDBOX_DISK_MB,
    tmp_mb: config.CODEX_SANDBOX_TMP_MB,
  };
}

/**
 * The limits a repository's sandboxes get: the lower of the server's and the repository's for
 * each. A repository may lower a limit, never raise it; a value above the server's is not an
 * error (the operator may lower the ceiling after the repository wrote its config) but is
 * clamped, with a warning for the task log.
 */
export function effectiveSandboxLimits(server: SandboxLimitSettings, repo: RepoLimits = {}): { limits: SandboxLimitSettings; warnings: string[] } {
  const limits = { ...server };
  const warnings: string[] = [];
  for (const key of Object.keys(SERVER_VARIABLES) as (keyof SandboxLimitSettings)[]) {
    const wanted = repo[key];
    if (wanted === undefined) continue;
    if (wanted <= server[key]) limits[key] = wanted;
    else warnings.push(`\`limits.${key}: ${wanted}\` is above this server's ${SERVER_VARIABLES[key]} (${server[key]}); using ${server[key]}`);
  }
  return { limits, warnings };
}
