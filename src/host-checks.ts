import { existsSync } from "node:fs";
import { resolveHostSandboxUser, type SandboxUser } from "./config/sandbox-user.js";
import { ConfigError, readServerConfig, type ServerConfig } from "./config/server-config.js";
import { sandboxPlacement } from "./config/sandbox-placement.js";
import { checkCgroupsAtStart } from "./sandbox/index.js";
import { secureDataDir } from "./workspace/data-dir-access.js";

/**
 * What `npm start` and `npm run worker` both check before running anything: the environment,
 * the sandbox's cgroups (refused without them unless CODEX_ALLOW_RLIMIT_ONLY=1), the sandbox
 * user, and a data directory the sandbox user cannot read. Throws one ConfigError.
 */
export async function checkHost(): Promise<{ config: ServerConfig; sandboxUser: SandboxUser }> {
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
  return { config, sandboxUser };
}

/** SIGTERM (a deploy) and SIGINT: `stop(graceMs)` once, then exit 0; a second signal exits at once. */
export function onShutdownSignal(stop: (graceMs: number) => Promise<void>, graceMs: number, log: { info(msg: string): void; error(obj: object, msg: string): void }): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info(`${signal}: taking no new tasks; running ones get ${graceMs / 1000} s to finish, then go back to the queue`);
    stop(graceMs).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "could not stop cleanly");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
