import { lstat, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { execa } from "execa";
import type { HostUser } from "../sandbox/types.js";

// Plain argv, no shell; `--` ends options so no path can be read as one.
const run = (file: string, args: string[]) => execa(file, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C" }, extendEnv: false });

/**
 * Copies `from` to `to` (which must not exist) keeping modes, times and symlinks as they are:
 * `cp -a`, never following a link. A reflink (copy-on-write) where the filesystem can, a real
 * copy elsewhere: never a hardlink, so the two copies cannot change each other. The copy belongs
 * to the bot, not to whoever owned the original (the sandbox user, for a dependency cache entry).
 */
export async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await run("cp", ["-a", "--no-preserve=ownership", "--reflink=auto", "--no-target-directory", "--", from, to]);
}

/**
 * Gives `path` and everything under it to `owner`: `chown -R` that changes links themselves
 * (`-h`) and never follows one, neither at the top nor inside (`-P`), so nothing outside the tree
 * changes hands however the tree is made.
 */
export async function chownTree(path: string, owner: HostUser): Promise<void> {
  await run("chown", ["-R", "-P", "-h", `${owner.uid}:${owner.gid}`, "--", path]);
}

/** `chmod -R`, unless `path` is a symlink (chmod would follow it; links inside are skipped). */
async function chmodTree(path: string, mode: string): Promise<void> {
  if ((await lstat(path)).isSymbolicLink()) return;
  await run("chmod", ["-R", mode, "--", path]);
}

export const makeReadOnly = (path: string) => chmodTree(path, "a-w");
export const makeWritable = (path: string) => chmodTree(path, "u+w");

/** Deletes a tree that may have been made read-only. */
export async function removeTree(path: string): Promise<void> {
  if (await lstat(path).catch(() => null)) await makeWritable(path).catch(() => undefined);
  await rm(path, { recursive: true, force: true });
}

/**
 * True when `relative` can be created under `root` without leaving it: it does not exist yet,
 * and every directory on the way is a real directory (not a symlink that a checkout could
 * have planted to send a copy elsewhere on the host) or is missing.
 */
export async function isFreshPathInside(root: string, relative: string): Promise<boolean> {
  const parts = relative.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return false;
  let current = root;
  for (const [i, part] of parts.entries()) {
    current = join(current, part);
    const info = await lstat(current).catch(() => null);
    if (info === null) return true;
    if (i === parts.length - 1 || !info.isDirectory()) return false;
  }
  return false;
}
