import type { Logger } from "pino";
import type { ModelClient } from "../agent/conversation.js";
import type { RepoConfigCache } from "../config/repo-config-cache.js";
import type { ServerConfig } from "../config/server-config.js";
import type { Octokit, RepoRef } from "../github/types.js";
import type { LimitEnforcement } from "../sandbox/limit-enforcement.js";
import type { HostUser, Sandbox, SandboxOptions } from "../sandbox/types.js";
import type { Identity } from "../workspace/task-workspace.js";
import type { Store } from "../store/store.js";
import type { TaskRecord } from "./task-types.js";

/** Which task a client or token is for; GitHub narrows both to exactly that. */
export interface TaskScope {
  installationId: number;
  repo: RepoRef;
  kind: TaskRecord["kind"];
}

/** The self-test's verdict; when ok, which mechanism bounds each limit and what is weaker than designed. */
export type SandboxHealth = { ok: true; enforcement?: LimitEnforcement; warnings?: string[] } | { ok: false; reason: string };

/** Everything a task needs from the outside world, passed in so tests can aim it at fakes. */
export interface RunnerDeps {
  store: Store;
  config: ServerConfig;
  /** `.github/codex.yml`; tasks always revalidate it (a 304 when unchanged) so that they act on the newest. */
  repoConfig: RepoConfigCache;
  log: Logger;
  /** The task's API client: its one repository, with TASK_PERMISSIONS[kind].api only. */
  installationOctokit(scope: TaskScope): Promise<Octokit>;
  /** A fresh token for host git over HTTPS: the task's one repository, TASK_PERMISSIONS[kind].git only. Held in memory only. */
  installationToken(scope: TaskScope): Promise<string>;
  botIdentity(installationOctokit: Octokit): Promise<Identity>;
  sandboxHealth(): SandboxHealth;
  /**
   * The host user bubblewrap runs as (CODEX_SANDBOX_USER, resolved at start), who is given each
   * task's work tree; undefined when bubblewrap runs as the bot's own user. Every sandbox gets it.
   */
  sandboxUser: HostUser | undefined;
  createSandbox(options: SandboxOptions): Sandbox;
  createModel(model: string): ModelClient;
  /** Public URL of a task's log page, when CODEX_PUBLIC_URL is set. */
  logUrl(logId: string): string | undefined;
  /** Secret values that must never be posted or logged, besides the task's own token. */
  configuredSecrets: string[];
  /** A setup secret named in a repository's `setup_secrets`, from CODEX_SETUP_SECRET_<NAME>. */
  setupSecret(name: string): string | undefined;
}
