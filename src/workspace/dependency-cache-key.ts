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
/**
 * Files that say what an install runs besides what it downloads: lifecycle scripts
 * (`package.json` `scripts`), build backends and hooks, registry settings. Two trees with the
 * same lockfiles but different manifests must not share an entry, or a branch that rewrote a
 * `postinstall` would be served the install the default branch made (or the other way round).
 */
const MANIFEST_NAMES = new Set([
  "package.json", ".npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmfile.cjs", "pnpm-workspace.yaml",
  "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "go.mod", "Cargo.toml", "Gemfile", "composer.json",
]);

/**
 * Bumped when what an entry holds, or how it is restored, changes. 2: manifests in the key,
 * and entries only from the default branch's own commit (entries of format 1 may have been
 * stored by any branch, so none of them is used again).
 */
const CACHE_FORMAT = 2;

export function isLockfile(path: string): boolean {
  const name = posix.basename(path);
  return LOCKFILE_NAMES.has(name) || REQUIREMENTS.test(name);
}

function isManifest(path: string): boolean {
  return MANIFEST_NAMES.has(posix.basename(path)) || path === ".cargo/config.toml" || path.endsWith("/.cargo/config.toml");
}

/**
 * The cache key for what `commands` install into this work tree: a hash of the repository,
 * the commands, and every tracked lockfile and manifest anywhere in the tree (by path and blob
 * id, read from the index, so nothing in the work tree is read). Undefined when there is no
 * lockfile: without one an install is not repeatable.
 */
export async function dependencyCacheKey(ws: GitDirs, repo: RepoSlug, commands: string[]): Promise<string | undefined> {
  const tracked = await trackedFiles(ws, (path) => isLockfile(path) || isManifest(path));
  if (!tracked.some(([path]) => isLockfile(path))) return undefined;
  const material = JSON.stringify({ format: CACHE_FORMAT, repo: `${repo.host}/${repo.owner}/${repo.repo}`, commands, files: tracked });
  return createHash("sha256").update(material).digest("hex").slice(0, 32);
}

/** `[path, mode, blob]` for each tracked file `wanted` accepts, sorted by path. */
async function trackedFiles(ws: GitDirs, wanted: (path: string) => boolean): Promise<[string, string, string][]> {
  const out = await hostGit(ws, ws.workTree).raw(["ls-files", "--stage", "-z"]);
  const found: [string, string, string][] = [];
  for (const record of out.split("\0")) {
    // `<mode> <blob> <stage>\t<path>`
    const match = /^(\d+) ([0-9a-f]+) \d\t(.+)$/s.exec(record);
    if (match && wanted(match[3]!)) found.push([match[3]!, match[1]!, match[2]!]);
  }
  return found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
