import { join } from "node:path";
import type { ApplicationFunctionOptions, Probot } from "probot";
import { createModelClient } from "./agent/model-client.js";
import { RepoConfigCache } from "./config/repo-config-cache.js";
import { serverSandboxLimits } from "./config/sandbox-limits.js";
import type { ServerConfig } from "./config/server-config.js";
import { describeSandboxUser, type SandboxUser } from "./config/sandbox-user.js";
import { createScopedOctokit } from "./github/scoped-installation.js";
import type { Octokit, RepoRef } from "./github/types.js";
import { createSandbox, runSandboxSelfTest } from "./sandbox/index.js";
import { sandboxPlacement } from "./config/sandbox-placement.js";
import { createRoutes } from "./server/routes.js";
import { createEventRoutes } from "./handlers/event-routes.js";
import { createEventDispatch } from "./intake/dispatch-event.js";
import { InboxDispatcher } from "./intake/inbox-dispatcher.js";
import { createDeliveryRecorder } from "./intake/record-delivery.js";
import { tellRequesterOfOutage } from "./intake/tell-requester.js";
import { startRedeliverySweep } from "./intake/redelivery-sweep.js";
import { createCodeTaskRunner } from "./tasks/run-code-task.js";
import { createTaskCredentials } from "./tasks/task-credentials.js";
import { BRANCH_CLEANUP_PERMISSIONS } from "./tasks/task-permissions.js";
import type { RunnerDeps, SandboxHealth } from "./tasks/runner-deps.js";
import { openStore } from "./store/open-store.js";
import { TaskWorker } from "./tasks/task-worker.js";
import { resolveBotIdentity, resolveBotLogin } from "./github/bot-identity.js";
import { sweepAbandonedBranches } from "./tasks/branch-janitor.js";
import { createReviewTaskRunner } from "./tasks/run-review-task.js";
import { dispatchByKind } from "./tasks/task-worker.js";

const JANITOR_INTERVAL_MS = 60 * 60 * 1000;
const SETUP_SECRET_PREFIX = "CODEX_SETUP_SECRET_";

/** Secrets the operator offers to repositories' setup phases, by name without the prefix. */
function readSetupSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).flatMap(([k, v]) => (k.startsWith(SETUP_SECRET_PREFIX) && v ? [[k.slice(SETUP_SECRET_PREFIX.length), v]] : [])));
}

/**
 * The Probot app: wiring only. Handlers enqueue; the worker runs tasks. `stop()` ends what the
 * app started: it waits for the self-test and the running tasks, then closes the task store.
 * `sandboxUser` is who bubblewrap runs as, resolved from CODEX_SANDBOX_USER at start.
 */
export function codexBot(config: ServerConfig, sandboxUser: SandboxUser) {
  const stops: (() => Promise<void>)[] = [];
  const appFn = async (app: Probot, { addHandler }: ApplicationFunctionOptions): Promise<void> => {
    if (sandboxUser.warning) app.log.warn({ sandboxUser: sandboxUser.mode }, `sandbox user: ${sandboxUser.warning}`);
    else app.log.info(describeSandboxUser(sandboxUser), "sandbox user: bubblewrap runs as the dedicated unprivileged user");
    const store = await openStore(config);
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
      configuredSecrets: [config.OPENAI_API_KEY, config.WEBHOOK_SECRET, ...Object.values(setupSecrets)].filter((s): s is string => Boolean(s)),
      setupSecret: (name) => setupSecrets[name],
    };
    const runTask = dispatchByKind({ code: createCodeTaskRunner(deps), review: createReviewTaskRunner(deps) });
    const worker = new TaskWorker(store, runTask, config.CODEX_CONCURRENCY, app.log);
    const handlerDeps = { store, poke: () => worker.poke(), defaultLabel: config.CODEX_LABEL, repoConfig };
    const botLogin = resolveBotLogin(app);

    const routes = createEventRoutes({ ...handlerDeps, botLogin, mention: config.CODEX_MENTION.replace(/^@/, ""), cancel: worker.cancel.bind(worker) });
    // The webhook path only records; the dispatcher does the handlers' work after the answer.
    const dispatcher = new InboxDispatcher({
      store, dispatch: createEventDispatch(app, routes), retryWindowMs: config.CODEX_INTAKE_RETRY_MINUTES * 60_000, log: app.log,
      onGiveUp: tellRequesterOfOutage(app, { label: config.CODEX_LABEL, mention: config.CODEX_MENTION.replace(/^@/, "") }),
    });
    app.onAny(createDeliveryRecorder(store, app.log, () => dispatcher.recorded()) as never);
    await dispatcher.start();
    // Deliveries GitHub could not make (the bot was down) are asked for again; the first sweep
    // reads the inbox's newest delivery now, before this process takes any.
    const sweep = config.CODEX_REDELIVERY_SWEEP_MINUTES > 0
      ? startRedeliverySweep({ appOctokit, ledger: store, log: app.log, intervalMs: config.CODEX_REDELIVERY_SWEEP_MINUTES * 60_000 })
      : undefined;
    addHandler(createRoutes(config.CODEX_DATA_DIR, store, () => health, { sandboxLimits: serverSandboxLimits(config), sandboxUser: describeSandboxUser(sandboxUser) }));

    const cleanupOctokit = async (installationId: number, repo: RepoRef) => createScopedOctokit(await appOctokit(), { installationId, repo }, BRANCH_CLEANUP_PERMISSIONS);
    const janitor = setInterval(() => void sweepAbandonedBranches(repoConfig, store, cleanupOctokit, app.log), JANITOR_INTERVAL_MS);
    janitor.unref();

    const recovered = await store.recoverInterrupted();
    if (recovered.requeued + recovered.failed > 0) app.log.info(recovered, "recovered tasks interrupted by a restart");
    // Fail closed: tasks wait for the self-test, and a failed self-test refuses them with its reason.
    let stopping = false;
    const selfTest = runSandboxSelfTest({ hostUser: sandboxUser.hostUser, cgroupRoot: placement.root, cgroupParent: placement.parent }).then((result) => {
      health = result.ok ? { ok: true, enforcement: result.enforcement, warnings: result.warnings } : { ok: false, reason: result.reason };
      if (result.ok) app.log.info({ limits: result.enforcement }, `sandbox self-test passed; limits enforced by ${result.enforcement.mechanism}`);
      if (result.ok && !result.cgroups.ok) app.log.warn("CODEX_ALLOW_RLIMIT_ONLY is set: the sandbox runs with rlimits alone, which are weaker");
      for (const warning of result.ok ? result.warnings : []) app.log.warn(`sandbox: ${warning}`);
      if (!result.ok) app.log.error({ reason: result.reason }, "sandbox self-test FAILED: tasks will be refused until this is fixed");
      if (!stopping) worker.start();
    });
    stops.push(async () => {
      stopping = true;
      clearInterval(janitor);
      await sweep?.stop();
      await dispatcher.stop();
      await selfTest;
      await worker.stop();
      await store.close();
    });
  };
  const stop = async (): Promise<void> => {
    await Promise.all(stops.splice(0).map((stopOne) => stopOne()));
  };
  return Object.assign(appFn, { stop });
}
