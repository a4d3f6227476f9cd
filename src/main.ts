import { existsSync } from "node:fs";
import { run } from "probot";
import { pino } from "pino";
import { codexBot } from "./app.js";
import { resolveHostSandboxUser } from "./config/sandbox-user.js";
import { ConfigError, readServerConfig } from "./config/server-config.js";
import { sandboxPlacement } from "./config/sandbox-placement.js";
import { checkCgroupsAtStart } from "./sandbox/index.js";
import { secureDataDir } from "./workspace/data-dir-access.js";

/** `npm start`: validate the environment, then hand over to Probot (which shows its setup page when APP_ID is unset). */
try {
  // Probot's setup page writes the new app's credentials to .env; read it before validating.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = readServerConfig(process.env);
  // Only a configured app runs tasks; the setup page (no APP_ID) needs no sandbox.
  const cgroups = config.APP_ID ? await checkCgroupsAtStart(sandboxPlacement(config), config.CODEX_ALLOW_RLIMIT_ONLY) : undefined;
  if (cgroups && !cgroups.ok) throw new ConfigError([cgroups.message]);
  const sandboxUser = resolveHostSandboxUser(config.CODEX_SANDBOX_USER);
  // Files with the app's credentials that a sandbox escape must not be able to read.
  const secretFiles = [".env", ...(process.env.PRIVATE_KEY_PATH ? [process.env.PRIVATE_KEY_PATH] : [])];
  const problems = await secureDataDir(config.CODEX_DATA_DIR, sandboxUser.hostUser, secretFiles);
  if (problems.length > 0) throw new ConfigError(problems);
  await run(codexBot(config, sandboxUser));
} catch (error) {
  const log = pino({ name: "codex-bot" });
  if (error instanceof ConfigError) log.fatal(error.message);
  else log.fatal({ err: error }, "codex-bot failed to start");
  process.exitCode = 1;
}
