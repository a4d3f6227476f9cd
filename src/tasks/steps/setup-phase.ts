import type { HostUser, Sandbox } from "../../sandbox/types.js";
import { dependencyCacheKey } from "../../workspace/dependency-cache-key.js";
import { repoCacheDir, restoreDependencies, storeDependencies } from "../../workspace/dependency-cache.js";
import type { GitDirs } from "../../workspace/host-git.js";
import type { RepoSlug } from "../../workspace/repo-slug.js";
import { listSetupOutputs } from "../../workspace/setup-outputs.js";
import type { TaskLog } from "../task-log.js";

export interface SetupResult {
  ok: boolean;
  failedCommand?: string;
  output?: string;
  /** The cache key whose entry replaced the setup commands, when one did. */
  restoredFrom?: string;
}

export interface SetupRequest {
  /** A sandbox with network, on the workspace's work tree. */
  sandbox: Sandbox;
  workspace: GitDirs;
  /** Who owns the work tree (the sandbox user), so that what the cache restores is theirs to change. */
  owner?: HostUser | undefined;
  commands: string[];
  timeoutMs: number;
  log: TaskLog;
  /**
   * Where installs are cached (`<data dir>/cache/deps`) and for which repository; absent: no
   * cache. `store` only when the checkout is the default branch's own commit: entries are
   * restored into every task, so only what maintainers merged may write them, never a branch
   * an agent pushed (whose setup could leave a trojaned `node_modules` behind).
   */
  cache?: { rootDir: string; repo: RepoSlug; store: boolean };
}

/**
 * Installs dependencies before the agent starts. This is the only phase with network access;
 * it runs the maintainers' own setup commands (or the detected install), never the model's.
 * When the same commands already ran against the same lockfiles, their output is copied in
 * from the cache instead; a fresh successful install is stored for the next task.
 */
export async function runSetupPhase(request: SetupRequest): Promise<SetupResult> {
  const { workspace, commands, log, cache } = request;
  const key = cache && commands.length > 0 ? await dependencyCacheKey(workspace, cache.repo, commands).catch(() => undefined) : undefined;
  const repoDir = cache && key ? repoCacheDir(cache.rootDir, cache.repo) : undefined;
  if (repoDir && key) {
    const restored = await restoreDependencies(repoDir, key, workspace.workTree, request.owner).catch((error: unknown) => {
      log.write(`setup: cache entry ${key} not used: ${(error as Error).message}`);
      return undefined;
    });
    if (restored) {
      log.write(`setup: restored from cache ${key}`, restored.join("\n"));
      return { ok: true, restoredFrom: key };
    }
  }
  const result = await runCommands(request);
  if (result.ok && repoDir && key) {
    if (cache?.store) await storeSetupOutputs(workspace, repoDir, key, log);
    else log.write("setup: not cached: only a task on the default branch's own commit stores the dependency cache");
  }
  return result;
}

async function runCommands({ sandbox, commands, timeoutMs, log }: SetupRequest): Promise<SetupResult> {
  for (const command of commands) {
    log.write(`setup: $ ${command}`);
    const result = await sandbox.run(command, { timeoutMs });
    log.write(`setup: exit ${result.exitCode}${result.timedOut ? " (timed out)" : ""} in ${result.durationMs}ms`, result.output);
    if (result.exitCode !== 0) return { ok: false, failedCommand: command, output: result.output };
  }
  return { ok: true };
}

/** A cache that cannot be written costs the next task time, never this one its result. */
async function storeSetupOutputs(workspace: GitDirs, repoDir: string, key: string, log: TaskLog): Promise<void> {
  try {
    const outputs = await listSetupOutputs(workspace);
    if (outputs.removedGitDirs.length > 0) log.write("setup: removed nested git directories before host git read the tree", outputs.removedGitDirs.join("\n"));
    if (outputs.changed.length > 0) return log.write(`setup: not cached: the setup changed tracked files`, outputs.changed.join("\n"));
    const stored = await storeDependencies(repoDir, key, workspace.workTree, outputs.created);
    log.write(stored ? `setup: cached as ${key}` : `setup: cache entry ${key} already exists`, outputs.created.join("\n"));
  } catch (error) {
    log.write(`setup: not cached: ${(error as Error).message}`);
  }
}
