import { createHash } from "node:crypto";
import { posix } from "node:path";
import { hostGit, type GitDirs } from "./host-git.js";
import type { RepoSlug } from "./repo-slug.js";

/** Files that pin what an install produces. Without one, an install is not repeatable, so nothing is cached. */
const LOCKFILE_NAMES = new Set([
  "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "poetry.lock", "Pipfile.lock",
  "go.sum", "Cargo.lock", "Gemfile.lock", "composer.lock",
]);
const REQUIREMENTS = /^requirements.*\.txt$/;

/** Bumped when what an entry holds, or how it is restored, changes. */
const CACHE_FORMAT = 1;

export function isLockfile(path: string): boolean {
  const name = posix.basename(path);
  return LOCKFILE_NAMES.has(name) || REQUIREMENTS.test(name);
}

/**
 * The cache key for what `commands` install into this work tree: a hash of the repository,
 * the commands, and every tracked lockfile anywhere in the tree (by path and blob id, read from
 * the index, so nothing in the work tree is read). Undefined when there is no lockfile.
 */
export async function dependencyCacheKey(ws: GitDirs, repo: RepoSlug, commands: string[]): Promise<string | undefined> {
  const lockfiles = await trackedLockfiles(ws);
  if (lockfiles.length === 0) return undefined;
  const material = JSON.stringify({ format: CACHE_FORMAT, repo: `${repo.host}/${repo.owner}/${repo.repo}`, commands, lockfiles });
  return createHash("sha256").update(material).digest("hex").slice(0, 32);
}

/** `[path, mode, blob]` for each tracked lockfile, sorted by path. */
async function trackedLockfiles(ws: GitDirs): Promise<[string, string, string][]> {
  const out = await hostGit(ws, ws.workTree).raw(["ls-files", "--stage", "-z"]);
  const found: [string, string, string][] = [];
  for (const record of out.split("\0")) {
    // `<mode> <blob> <stage>\t<path>`
    const match = /^(\d+) ([0-9a-f]+) \d\t(.+)$/s.exec(record);
    if (match && isLockfile(match[3]!)) found.push([match[3]!, match[1]!, match[2]!]);
  }
  return found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
