import { run } from "probot";
import { pino } from "pino";
import { codexBot } from "./app.js";
import { ConfigError } from "./config/server-config.js";
import { checkHost, onShutdownSignal } from "./host-checks.js";

/**
 * `npm start`: validate the environment and the host, then hand over to Probot (which shows its
 * setup page when APP_ID is unset). The webhook server, the dispatcher and a task worker.
 */
const log = pino({ name: "codex-bot" });
try {
  const { config, sandboxUser } = await checkHost();
  const bot = codexBot(config, sandboxUser);
  const server = await run(bot);
  // Probot's own SIGINT handler exits as soon as the HTTP server stops; ours gives tasks their grace.
  process.removeAllListeners("SIGINT");
  onShutdownSignal(async (graceMs) => {
    await server.stop();
    await bot.stop(graceMs);
  }, config.CODEX_SHUTDOWN_GRACE_SECONDS * 1000, log);
} catch (error) {
  if (error instanceof ConfigError) log.fatal(error.message);
  else log.fatal({ err: error }, "codex-bot failed to start");
  process.exitCode = 1;
}
