import { lstat, mkdir, mkdtemp, readdir, readFile, rename, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { HostUser } from "../sandbox/types.js";
import { chownTree, copyTree, isFreshPathInside, makeReadOnly, makeWritable, removeTree } from "./copy-tree.js";
import { withPathLock } from "./path-lock.js";
import type { RepoSlug } from "./repo-slug.js";

/** Entries kept per repository; older ones (by last use) are deleted after each store. */
export const KEEP_ENTRIES_PER_REPO = 3;
const KEY = /^[0-9a-f]{32}$/;
const TEMP_PREFIX = ".tmp-";
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

interface Manifest {
  /** Work-tree paths the entry's `tree/` holds, as `git status` named them. */
  paths: string[];
  createdAt: string;
}

/** `<rootDir>/<owner>/<repo>`: one repository's entries, each `<key>/{manifest.json,tree/}`. */
export function repoCacheDir(rootDir: string, repo: RepoSlug): string {
  return join(rootDir, repo.owner, repo.repo);
}

function entryDir(repoDir: string, key: string): string {
  if (!KEY.test(key)) throw new Error(`not a dependency cache key: ${JSON.stringify(key)}`);
  return join(repoDir, key);
}

/**
 * Copies entry `key` into the work tree and makes the copy writable, by `owner` when given (the
 * sandbox user, who owns the work tree); the entry itself stays the bot's, read-only, and shares
 * nothing with the copy. Returns the restored paths, or undefined when there is no such entry.
 * Throws (having removed anything it copied) when it cannot restore.
 */
export async function restoreDependencies(repoDir: string, key: string, workTree: string, owner?: HostUser): Promise<string[] | undefined> {
  const entry = entryDir(repoDir, key);
  const manifest = await readManifest(entry);
  if (!manifest) return undefined;
  const now = new Date();
  await utimes(entry, now, now); // last use, for pruning
  for (const path of manifest.paths) {
    if (!(await isFreshPathInside(workTree, path))) throw new Error(`cannot restore \`${path}\`: it exists in the checkout, or a parent is not a plain directory`);
  }
  const restored: string[] = [];
  try {
    for (const path of manifest.paths) {
      restored.push(path);
      await copyTree(join(entry, "tree", path), join(workTree, path));
      await makeWritable(join(workTree, path));
      if (owner) await chownTree(join(workTree, path), owner);
    }
  } catch (error) {
    for (const path of restored) await removeTree(join(workTree, path));
    throw error;
  }
  return manifest.paths;
}

/**
 * Stores `paths` of the work tree as entry `key`: copied into a temporary directory (owned by the
 * bot, not by the sandbox user who wrote the work tree), made read-only, then renamed into place,
 * so a reader sees a whole entry or none. Keeps the
 * newest KEEP_ENTRIES_PER_REPO entries. Returns false when the entry already existed.
 */
export async function storeDependencies(repoDir: string, key: string, workTree: string, paths: string[]): Promise<boolean> {
  const entry = entryDir(repoDir, key);
  return withPathLock(repoDir, async () => {
    await mkdir(repoDir, { recursive: true });
    if (await readManifest(entry)) return false;
    await removeTree(entry); // a broken entry (no manifest) is replaced
    const temp = await mkdtemp(join(repoDir, TEMP_PREFIX));
    try {
      await mkdir(join(temp, "tree"));
      for (const path of paths) await copyTree(join(workTree, path), join(temp, "tree", path));
      const manifest: Manifest = { paths, createdAt: new Date().toISOString() };
      await writeFile(join(temp, "manifest.json"), JSON.stringify(manifest, null, 2));
      await makeReadOnly(temp);
      await rename(temp, entry);
    } finally {
      await removeTree(temp);
    }
    await pruneEntries(repoDir, KEEP_ENTRIES_PER_REPO);
    return true;
  });
}

async function readManifest(entry: string): Promise<Manifest | undefined> {
  const text = await readFile(join(entry, "manifest.json"), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<Manifest>;
    const paths = parsed.paths;
    return Array.isArray(paths) && paths.every((p) => typeof p === "string") ? { paths, createdAt: String(parsed.createdAt) } : undefined;
  } catch {
    return undefined;
  }
}

/** Deletes all but the `keep` most recently used entries, and temporary directories left by a crash. */
async function pruneEntries(repoDir: string, keep: number): Promise<void> {
  const names = await readdir(repoDir);
  const dated = await Promise.all(names.map(async (name) => ({ name, info: await lstat(join(repoDir, name)).catch(() => null) })));
  const entries = dated.filter((d) => d.info?.isDirectory() && KEY.test(d.name)).sort((a, b) => b.info!.mtimeMs - a.info!.mtimeMs);
  for (const old of entries.slice(keep)) await removeTree(join(repoDir, old.name));
  for (const temp of dated.filter((d) => d.name.startsWith(TEMP_PREFIX) && Date.now() - (d.info?.mtimeMs ?? 0) > STALE_TEMP_MS)) {
    await removeTree(join(repoDir, temp.name));
  }
}

/** The entries present, newest use first (for tests and the operator). */
export async function listDependencyCache(repoDir: string): Promise<string[]> {
  const names = (await readdir(repoDir).catch(() => [] as string[])).filter((n) => KEY.test(n));
  const dated = await Promise.all(names.map(async (name) => ({ name, mtime: (await stat(join(repoDir, name))).mtimeMs })));
  return dated.sort((a, b) => b.mtime - a.mtime).map((d) => d.name);
}
