import { access, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { authHeaderConfig, runHostGit, type ExtraConfig } from "./host-git.js";
import type { RepoSlug } from "./repo-slug.js";

export interface MirrorRequest {
  /** The repository's real URL; the only remote a mirror ever fetches from. */
  cloneUrl: string;
  branch: string;
  /** Sent as an HTTP header for the fetch only; never written to the mirror. */
  token: string;
}

export class MissingBranchError extends Error {
  constructor(branch: string) {
    super(`The repository has no branch ${JSON.stringify(branch)}; check the repository's default branch on GitHub.`);
    this.name = "MissingBranchError";
  }
}

/** `<mirrorsDir>/<host>/<owner>/<repo>.git`; the slug's components are already checked. */
export function mirrorPath(mirrorsDir: string, slug: RepoSlug): string {
  return join(mirrorsDir, slug.host, slug.owner, `${slug.repo}.git`);
}

// A mirror is only ever written under its path lock, so git's automatic gc (off by default in
// hostGit) can run here in the foreground: without it every fetch adds a pack or loose objects.
// Task workspaces hold hardlinks, so repacking the mirror never pulls objects from under them.
const MAINTENANCE: ExtraConfig = [["gc.auto", "6700"], ["gc.autoPackLimit", "50"], ["gc.autoDetach", "false"]];

/**
 * Brings the mirror at `dir` up to date (all branches, pruned) and returns the tip of
 * `request.branch`. A mirror that is missing or not a repository is built from scratch.
 * With `rebuild`, a fresh copy is fetched beside it and swapped in, so a failed fetch (the
 * network, not the mirror) leaves the old one in place. The caller holds the path lock.
 * Throws MissingBranchError when the repository has no such branch.
 */
export async function refreshMirror(dir: string, request: MirrorRequest, rebuild = false): Promise<string> {
  const git = (args: string[], extra: ExtraConfig = []) => runHostGit({ gitDir: dir }, dir, args, extra);
  if (rebuild || !(await looksLikeMirror(dir))) {
    await mkdir(dirname(dir), { recursive: true });
    const fresh = await mkdtemp(`${dir}.tmp-`);
    try {
      await runHostGit(null, fresh, ["init", "--quiet", "--bare", fresh]);
      await runHostGit({ gitDir: fresh }, fresh, ["symbolic-ref", "HEAD", `refs/heads/${request.branch}`]);
      await fetchAllBranches(fresh, request);
      await rm(dir, { recursive: true, force: true });
      await rename(fresh, dir);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  } else {
    await fetchAllBranches(dir, request);
  }
  // Reads the ref only: a ref that is missing is the repository's answer, not damage. Damaged
  // objects show up when the workspace is checked out, and the caller rebuilds then.
  const ref = `refs/heads/${request.branch}`;
  const refs = await git(["for-each-ref", "--format=%(objectname) %(refname)", ref]);
  const tip = refs.split("\n").find((line) => line.endsWith(` ${ref}`))?.split(" ")[0];
  if (!tip) throw new MissingBranchError(request.branch);
  await git(["gc", "--auto", "--quiet"], MAINTENANCE);
  return tip;
}

async function fetchAllBranches(dir: string, request: MirrorRequest): Promise<void> {
  // URL and refspec on the command line, so the mirror's config holds no remote at all, and the
  // token rides in GIT_CONFIG_* (environment), never in a file. No FETCH_HEAD either.
  await runHostGit({ gitDir: dir }, dir, [
    "fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head", request.cloneUrl, "+refs/heads/*:refs/heads/*",
  ], authHeaderConfig(request.token));
}

/** What git needs to take `dir` for a repository, checked without spawning git; a fetch or checkout finds the rest. */
async function looksLikeMirror(dir: string): Promise<boolean> {
  const present = await Promise.all(["HEAD", "objects", "refs", "config"].map((f) => access(join(dir, f)).then(() => true, () => false)));
  return !present.includes(false);
}
