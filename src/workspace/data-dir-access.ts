import { type Stats } from "node:fs";
import { chmod, lstat, mkdir, open, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { HostUser } from "../sandbox/types.js";

/**
 * What the bot makes under CODEX_DATA_DIR, and the mode each gets at start. The data directory
 * and `workspaces/` are traversable but not listable (0711), so that the sandbox user reaches
 * its task's work tree by path; everything else is the bot's alone.
 */
const LAYOUT: [relative: string, mode: number][] = [
  ["", 0o711],
  ["workspaces", 0o711],
  ["mirrors", 0o700],
  ["cache", 0o700],
  ["logs", 0o700],
];
/** The SQLite file (SQLite gives its -wal and -shm files the same mode). */
export const STORE_FILE = "codex.db";

/**
 * Creates the data directory's layout with the modes above (the store's file 0600, made before
 * SQLite opens it). When bubblewrap runs as `sandboxUser`, a user other than the bot, also checks
 * what a sandbox escape would land on: that user must not own the data directory, nor be able to
 * read the store, the mirrors, the cache, the logs or `secretFiles` (the app's private key file),
 * and must be able to traverse every directory down to `workspaces/`. Returns the problems, each
 * saying what to change; empty when all is well.
 */
export async function secureDataDir(dataDir: string, sandboxUser: HostUser | undefined, secretFiles: string[] = []): Promise<string[]> {
  const root = resolve(dataDir);
  for (const [relative, mode] of LAYOUT) {
    await mkdir(join(root, relative), { recursive: true });
    await chmod(join(root, relative), mode);
  }
  const store = join(root, STORE_FILE);
  await (await open(store, "a", 0o600)).close();
  await chmod(store, 0o600);
  if (!sandboxUser) return [];
  const problems: string[] = [];
  if ((await stat(root)).uid === sandboxUser.uid) problems.push(`${root} belongs to the sandbox user (uid ${sandboxUser.uid}); it must belong to the bot: \`chown root: ${root}\``);
  const secrets = [store, ...LAYOUT.filter(([, mode]) => mode === 0o700).map(([relative]) => join(root, relative)), ...secretFiles.map((f) => resolve(f))];
  for (const path of secrets) {
    const info = await lstat(path).catch(() => undefined);
    if (info && (permissionsFor(info, sandboxUser) & 0o4) !== 0) {
      problems.push(`the sandbox user (uid ${sandboxUser.uid}) can read ${path}; make it the bot's alone: \`chmod go-rwx ${path}\``);
    }
  }
  for (let dir = join(root, "workspaces"); ; dir = dirname(dir)) {
    if ((permissionsFor(await stat(dir), sandboxUser) & 0o1) === 0) {
      problems.push(`the sandbox user (uid ${sandboxUser.uid}) cannot traverse ${dir}, on the way to the task workspaces: \`chmod o+x ${dir}\`, or set CODEX_DATA_DIR elsewhere`);
    }
    if (dir === dirname(dir)) break;
  }
  return problems;
}

/**
 * The rwx bits that apply to `user` (owner, group or other). Only the user's primary group is
 * considered: the dedicated user is created with a group of its own and no others.
 */
function permissionsFor(info: Stats, user: HostUser): number {
  if (info.uid === user.uid) return (info.mode >> 6) & 0o7;
  if (info.gid === user.gid) return (info.mode >> 3) & 0o7;
  return info.mode & 0o7;
}
