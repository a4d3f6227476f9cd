import type { Logger } from "pino";
import type { ModelClient } from "../agent/conversation.js";
import type { ServerConfig } from "../config/server-config.js";
import type { Octokit } from "../github/types.js";
import type { Sandbox, SandboxOptions } from "../sandbox/types.js";
import type { Identity } from "../workspace/task-workspace.js";
import type { TaskStore } from "./task-store.js";

export type SandboxHealth = { ok: true } | { ok: false; reason: string };

/** Everything a task needs from the outside world, passed in so tests can aim it at fakes. */
export interface RunnerDeps {
  store: TaskStore;
  config: ServerConfig;
  log: Logger;
  installationOctokit(installationId: number): Promise<Octokit>;
  /** A fresh installation token for git over HTTPS. Held in memory only. */
  installationToken(octokit: Octokit): Promise<string>;
  botIdentity(installationOctokit: Octokit): Promise<Identity>;
  sandboxHealth(): SandboxHealth;
  createSandbox(options: SandboxOptions): Sandbox;
  createModel(model: string): ModelClient;
  /** Public URL of a task's log page, when CODEX_PUBLIC_URL is set. */
  logUrl(logId: string): string | undefined;
  /** Secret values that must never be posted or logged, besides the task's own token. */
  configuredSecrets: string[];
  /** A setup secret named in a repository's `setup_secrets`, from CODEX_SETUP_SECRET_<NAME>. */
  setupSecret(name: string): string | undefined;
}
