import { getPrivateKey } from "@probot/get-private-key";
import { createProbot } from "probot";
import { pino } from "pino";
import { ConfigError } from "./config/server-config.js";
import { checkHost, onShutdownSignal } from "./host-checks.js";
import { openStore } from "./store/open-store.js";
import { startTaskService } from "./tasks/task-service.js";

/**
 * `npm run worker`: a process that only runs tasks, on any machine, from the shared PostgreSQL
 * queue. No HTTP server: webhooks, the dispatcher and the log pages are `npm start`'s. It gets
 * the same environment as `npm start` (DATABASE_URL, the app's credentials, the model settings).
 */
const log = pino({ name: "codex-worker" });
try {
  const { config, sandboxUser } = await checkHost();
  const problems = [
    ...(config.DATABASE_URL ? [] : ["DATABASE_URL is required for `npm run worker`: workers share their queue through PostgreSQL (the embedded SQLite store is one process's)"]),
    ...(config.APP_ID ? [] : ["APP_ID is required for `npm run worker` (and PRIVATE_KEY or PRIVATE_KEY_PATH): the worker acts as the app"]),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  // Found as Probot finds it for `npm start`: PRIVATE_KEY, PRIVATE_KEY_PATH or a .pem file here.
  if (!getPrivateKey({ env: process.env })) throw new ConfigError(["a private key is required for `npm run worker` (PRIVATE_KEY or PRIVATE_KEY_PATH): the worker acts as the app"]);
  const app = createProbot({ env: process.env });
  const store = await openStore(config);
  const tasks = startTaskService(app, config, sandboxUser, store);
  onShutdownSignal(async (graceMs) => {
    const handedBack = await tasks.shutdown(graceMs);
    if (handedBack > 0) log.info(`handed ${handedBack} running task(s) back to the queue`);
    await store.close();
  }, config.CODEX_SHUTDOWN_GRACE_SECONDS * 1000, log);
} catch (error) {
  if (error instanceof ConfigError) log.fatal(error.message);
  else log.fatal({ err: error }, "codex-bot worker failed to start");
  process.exitCode = 1;
}
