import type { ApplicationFunctionOptions, Probot } from "probot";
import { serverSandboxLimits } from "./config/sandbox-limits.js";
import type { ServerConfig } from "./config/server-config.js";
import { describeSandboxUser, type SandboxUser } from "./config/sandbox-user.js";
import { createScopedOctokit } from "./github/scoped-installation.js";
import type { Octokit, RepoRef } from "./github/types.js";
import { createRoutes } from "./server/routes.js";
import { createEventRoutes } from "./handlers/event-routes.js";
import { createEventDispatch } from "./intake/dispatch-event.js";
import { DISPATCH_LEASE_MS, InboxDispatcher } from "./intake/inbox-dispatcher.js";
import { createDeliveryRecorder } from "./intake/record-delivery.js";
import { tellRequesterOfOutage } from "./intake/tell-requester.js";
import { startRedeliverySweep } from "./intake/redelivery-sweep.js";
import { BRANCH_CLEANUP_PERMISSIONS } from "./tasks/task-permissions.js";
import { openStore } from "./store/open-store.js";
import { resolveBotLogin } from "./github/bot-identity.js";
import { sweepAbandonedBranches } from "./tasks/branch-janitor.js";
import { startTaskService } from "./tasks/task-service.js";

const JANITOR_INTERVAL_MS = 60 * 60 * 1000;
// With a shared store another web process may be the one to take over a dead one's dispatches.
const SHARED_DISPATCH_LEASE_MS = 60_000;

/**
 * The Probot app (`npm start`): wiring only. The webhook path records deliveries, the
 * dispatcher runs the handlers after the answer, handlers enqueue, and this process's worker
 * runs tasks like any `npm run worker` (tasks/task-service.ts). `stop(graceMs)` ends what the
 * app started: running tasks finish for up to `graceMs` (default: however long they take), the
 * rest are handed back, then the store closes. `sandboxUser` is who bubblewrap runs as.
 */
export function codexBot(config: ServerConfig, sandboxUser: SandboxUser) {
  const stops: ((graceMs: number) => Promise<void>)[] = [];
  const appFn = async (app: Probot, { addHandler }: ApplicationFunctionOptions): Promise<void> => {
    if (sandboxUser.warning) app.log.warn({ sandboxUser: sandboxUser.mode }, `sandbox user: ${sandboxUser.warning}`);
    else app.log.info(describeSandboxUser(sandboxUser), "sandbox user: bubblewrap runs as the dedicated unprivileged user");
    const store = await openStore(config);
    const appOctokit = async () => (await app.auth()) as Octokit;
    const tasks = startTaskService(app, config, sandboxUser, store);
    const { worker, repoConfig } = tasks;
    const handlerDeps = { store, poke: () => worker.poke(), defaultLabel: config.CODEX_LABEL, repoConfig };
    const botLogin = resolveBotLogin(app);

    const routes = createEventRoutes({ ...handlerDeps, botLogin, mention: config.CODEX_MENTION.replace(/^@/, ""), cancel: worker.cancel.bind(worker) });
    // The webhook path only records; the dispatcher does the handlers' work after the answer.
    const dispatcher = new InboxDispatcher({
      store, dispatch: createEventDispatch(app, routes), retryWindowMs: config.CODEX_INTAKE_RETRY_MINUTES * 60_000, log: app.log,
      leaseMs: store.shared ? SHARED_DISPATCH_LEASE_MS : DISPATCH_LEASE_MS,
      onGiveUp: tellRequesterOfOutage(app, { label: config.CODEX_LABEL, mention: config.CODEX_MENTION.replace(/^@/, "") }),
    });
    app.onAny(createDeliveryRecorder(store, app.log, () => dispatcher.recorded()) as never);
    await dispatcher.start();
    // Deliveries GitHub could not make (the bot was down) are asked for again; the first sweep
    // reads the inbox's newest delivery now, before this process takes any.
    const sweep = config.CODEX_REDELIVERY_SWEEP_MINUTES > 0
      ? startRedeliverySweep({ appOctokit, ledger: store, log: app.log, intervalMs: config.CODEX_REDELIVERY_SWEEP_MINUTES * 60_000 })
      : undefined;
    addHandler(createRoutes(config.CODEX_DATA_DIR, store, tasks.health, { sandboxLimits: serverSandboxLimits(config), sandboxUser: describeSandboxUser(sandboxUser) }));

    const cleanupOctokit = async (installationId: number, repo: RepoRef) => createScopedOctokit(await appOctokit(), { installationId, repo }, BRANCH_CLEANUP_PERMISSIONS);
    const janitor = setInterval(() => void sweepAbandonedBranches(repoConfig, store, cleanupOctokit, app.log), JANITOR_INTERVAL_MS);
    janitor.unref();

    stops.push(async (graceMs) => {
      // First, so that no task starts while the rest stops.
      const tasksStopped = tasks.shutdown(graceMs);
      clearInterval(janitor);
      await sweep?.stop();
      await dispatcher.stop();
      await tasksStopped;
      await store.close();
    });
  };
  const stop = async (graceMs = Number.POSITIVE_INFINITY): Promise<void> => {
    await Promise.all(stops.splice(0).map((stopOne) => stopOne(graceMs)));
  };
  return Object.assign(appFn, { stop });
}
