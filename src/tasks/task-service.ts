import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Probot } from "probot";
import { createModelClient } from "../agent/model-client.js";
import { RepoConfigCache } from "../config/repo-config-cache.js";
import { sandboxPlacement } from "../config/sandbox-placement.js";
import type { SandboxUser } from "../config/sandbox-user.js";
import type { ServerConfig } from "../config/server-config.js";
import { resolveBotIdentity } from "../github/bot-identity.js";
import type { Octokit } from "../github/types.js";
import { createSandbox, runSandboxSelfTest } from "../sandbox/index.js";
import type { Store } from "../store/store.js";
import { createCodeTaskRunner } from "./run-code-task.js";
import { createReviewTaskRunner } from "./run-review-task.js";
import type { RunnerDeps, SandboxHealth } from "./runner-deps.js";
import { createTaskCredentials } from "./task-credentials.js";
import { dispatchByKind, TaskWorker } from "./task-worker.js";

const SETUP_SECRET_PREFIX = "CODEX_SETUP_SECRET_";

/** Secrets the operator offers to repositories' setup phases, by name without the prefix. */
function readSetupSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).flatMap(([k, v]) => (k.startsWith(SETUP_SECRET_PREFIX) && v ? [[k.slice(SETUP_SECRET_PREFIX.length), v]] : [])));
}

/** Unique per process: a restarted worker is a new one, and its predecessor's tasks come back by lease. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export interface TaskService {
  worker: TaskWorker;
  repoConfig: RepoConfigCache;
  health(): SandboxHealth;
  /** Stops taking tasks; running ones finish for up to `graceMs`, the rest are handed back. */
  shutdown(graceMs: number): Promise<number>;
}

/**
 * What runs tasks, in `npm start` and in `npm run worker` alike: the runners' dependencies, the
 * sandbox self-test (tasks wait for it, and a failed one refuses them with its reason), and a
 * worker draining the store's queue under this process's concurrency and the fleet-wide caps.
 */
export function startTaskService(app: Probot, config: ServerConfig, sandboxUser: SandboxUser, store: Store): TaskService {
  const setupSecrets = readSetupSecrets(process.env);
  const repoConfig = new RepoConfigCache();
  const placement = sandboxPlacement(config);
  let health: SandboxHealth = { ok: false, reason: "the sandbox self-test has not finished yet" };
  // Authenticated as the app (JWT): every installation client and token is made from it, narrowed.
  const appOctokit = async () => (await app.auth()) as Octokit;
  const deps: RunnerDeps = {
    store,
    config,
    repoConfig,
    log: app.log,
    ...createTaskCredentials(appOctokit),
    botIdentity: resolveBotIdentity(app, config.githubHost),
    sandboxHealth: () => health,
    sandboxUser: sandboxUser.hostUser,
    // Every sandbox's cgroups go where the operator put them.
    createSandbox: (options) => createSandbox({ ...options, cgroupRoot: placement.root, cgroupParent: placement.parent }),
    createModel: (model) => createModelClient({ api: config.CODEX_MODEL_API, model, baseURL: config.OPENAI_BASE_URL, apiKey: config.OPENAI_API_KEY }),
    logUrl: (logId) => (config.CODEX_PUBLIC_URL ? `${config.CODEX_PUBLIC_URL.replace(/\/$/, "")}/codex/logs/${logId}` : undefined),
    configuredSecrets: [config.OPENAI_API_KEY, config.WEBHOOK_SECRET, config.DATABASE_URL, ...Object.values(setupSecrets)].filter((s): s is string => Boolean(s)),
    setupSecret: (name) => setupSecrets[name],
  };
  const runTask = dispatchByKind({ code: createCodeTaskRunner(deps), review: createReviewTaskRunner(deps) });
  const worker = new TaskWorker(store, runTask, {
    concurrency: config.CODEX_CONCURRENCY,
    workerId: newWorkerId(),
    leaseMs: config.CODEX_TASK_LEASE_SECONDS * 1000,
    maxPerInstallation: config.CODEX_MAX_RUNNING_PER_INSTALLATION,
    maxPerRepository: config.CODEX_MAX_RUNNING_PER_REPOSITORY,
  }, app.log);

  let stopping = false;
  const ready = (async () => {
    // A store no other process shares: whatever it holds as running was this data directory's
    // previous process. A shared store: only lapsed leases are anyone's to take back.
    const recovered = await store.recoverInterrupted(store.shared ? Date.now() : undefined);
    if (recovered.requeued + recovered.failed > 0) app.log.info(recovered, "recovered tasks interrupted by a restart");
    const result = await runSandboxSelfTest({ hostUser: sandboxUser.hostUser, cgroupRoot: placement.root, cgroupParent: placement.parent });
    health = result.ok ? { ok: true, enforcement: result.enforcement, warnings: result.warnings } : { ok: false, reason: result.reason };
    if (result.ok) app.log.info({ limits: result.enforcement }, `sandbox self-test passed; limits enforced by ${result.enforcement.mechanism}`);
    if (result.ok && !result.cgroups.ok) app.log.warn("CODEX_ALLOW_RLIMIT_ONLY is set: the sandbox runs with rlimits alone, which are weaker");
    for (const warning of result.ok ? result.warnings : []) app.log.warn(`sandbox: ${warning}`);
    if (!result.ok) app.log.error({ reason: result.reason }, "sandbox self-test FAILED: tasks will be refused until this is fixed");
    if (!stopping) {
      await worker.start();
      app.log.info({ worker: worker.workerId, concurrency: config.CODEX_CONCURRENCY, store: store.shared ? "postgresql" : "sqlite" }, "worker taking tasks");
    }
  })().catch((err: unknown) => app.log.error({ err }, "the task worker could not start"));

  return {
    worker,
    repoConfig,
    health: () => health,
    shutdown: async (graceMs) => {
      stopping = true;
      await ready;
      return worker.shutdown(graceMs);
    },
  };
}
