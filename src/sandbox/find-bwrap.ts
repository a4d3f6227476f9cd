import { accessSync, constants, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";

export const BWRAP_INSTALL_HINT =
  "bubblewrap (bwrap) not found on PATH: install the Debian package `bubblewrap` (apt-get install bubblewrap), " +
  "or set the sandbox's bwrapPath.";

// Host tools that live in sbin, which a non-root PATH often lacks.
const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/**
 * The absolute path of `bwrap` on `env.PATH`, or undefined. Resolved here rather than by the
 * spawn, because bwrap is started with an empty environment that has no PATH.
 */
export function findBwrap(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findOnPath("bwrap", env);
}

/** The absolute path of `name` on `env.PATH`, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? "").split(":").filter((dir) => isAbsolute(dir));
  return dirs.map((dir) => join(dir, name)).find(isExecutableFile);
}

/** Like findOnPath, then the usual system directories: for host tools such as `ip` and `du`. */
export function findHostTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findOnPath(name, env) ?? SYSTEM_DIRS.map((dir) => join(dir, name)).find(isExecutableFile);
}

/** True for a file this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
