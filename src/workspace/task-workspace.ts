import { chmod, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { dir } from "tmp-promise";
import type { HostUser } from "../sandbox/types.js";
import { chownTree } from "./copy-tree.js";
import { authHeaderConfig, hostGit, runHostGit, type GitDirs } from "./host-git.js";
import { disarmWorkTree, neutraliseAttributes } from "./hostile-work-tree.js";
import { withPathLock } from "./path-lock.js";
import { MissingBranchError, mirrorPath, refreshMirror } from "./repo-mirror.js";
import { parseCloneUrl, type RepoSlug } from "./repo-slug.js";

export interface TaskWorkspace extends GitDirs {
  /** The commit the task started from. */
  baseSha: string;
  /** The repository, as path-safe components (names its mirror and its dependency cache). */
  repo: RepoSlug;
  remove(): Promise<void>;
}

export interface CloneRequest {
  cloneUrl: string;
  branch: string;
  token: string;
  /** Where task workspaces live (under CODEX_DATA_DIR). */
  parentDir: string;
  /** Where the bare mirrors live, one per repository (under CODEX_DATA_DIR). */
  mirrorsDir: string;
  /**
   * Who bubblewrap runs as (CODEX_SANDBOX_USER), when not the bot itself: the checked-out work
   * tree is given to it, so the sandbox can write there. The git directory stays the bot's.
   */
  workTreeOwner?: HostUser;
}

/**
 * Makes a fresh workspace for `branch`, whose git directory sits beside the work tree, not in
 * it: the agent gets the work tree; the host runs git with explicit GIT_DIR/GIT_WORK_TREE.
 * Objects come from the repository's mirror, refreshed first (only new commits cross the
 * network); the token travels as an HTTP header for that fetch and is never written to disk.
 * A mirror that turns out to be broken is rebuilt once.
 */
export async function cloneIntoWorkspace(request: CloneRequest): Promise<TaskWorkspace> {
  const repo = parseCloneUrl(request.cloneUrl);
  const mirror = mirrorPath(request.mirrorsDir, repo);
  await mkdir(request.parentDir, { recursive: true });
  try {
    return await workspaceFromMirror(request, repo, mirror, false);
  } catch (error) {
    if (error instanceof MissingBranchError) throw error;
    return workspaceFromMirror(request, repo, mirror, true);
  }
}

async function workspaceFromMirror(request: CloneRequest, repo: RepoSlug, mirror: string, rebuild: boolean): Promise<TaskWorkspace> {
  // Traversable, not listable: the sandbox user reaches its work tree and the git directory
  // (mounted read-only) by path, and cannot list the other tasks' names.
  const root = await dir({ tmpdir: request.parentDir, prefix: "task-", unsafeCleanup: true });
  const dirs: GitDirs = { gitDir: join(root.path, "git"), workTree: join(root.path, "work") };
  try {
    await chmod(root.path, 0o711);
    await mkdir(dirs.workTree);
    // The lock covers the fetch and the local clone, which links the mirror's files; after that
    // the task's git directory is its own, and the checkout runs beside other tasks' fetches.
    const baseSha = await withPathLock(mirror, async () => {
      const tip = await refreshMirror(mirror, request, rebuild);
      // A local path (not --local, which fails across filesystems instead of copying): objects
      // are hardlinked, so the task's git directory is self-contained. Alternates would be
      // cheaper still, but the sandbox mounts only this directory and could not read them.
      await runHostGit(null, root.path, ["clone", "--quiet", "--bare", "--no-tags", "--single-branch", "--branch", request.branch, "--", mirror, dirs.gitDir]);
      return tip;
    });
    const git = (args: string[]) => runHostGit(dirs, dirs.workTree, args);
    // Before the checkout, so even the first files are written byte for byte from the blobs.
    await neutraliseAttributes(dirs.gitDir);
    await git(["config", "core.bare", "false"]);
    await git(["remote", "set-url", "origin", request.cloneUrl]);
    await git(["update-ref", `refs/remotes/origin/${request.branch}`, baseSha]);
    await git(["checkout", "--quiet", "--detach", baseSha]);
    // Host git keeps working on a tree owned by another uid: git checks ownership ("dubious
    // ownership", safe.directory) only for a repository it discovers, never with GIT_DIR set.
    if (request.workTreeOwner) await chownTree(dirs.workTree, request.workTreeOwner);
    return { ...dirs, baseSha, repo, remove: () => rm(root.path, { recursive: true, force: true }) };
  } catch (error) {
    await rm(root.path, { recursive: true, force: true });
    throw error;
  }
}

export interface StagedChange {
  status: "A" | "M" | "D" | "R" | "T";
  path: string;
  /** The entry's mode after the change (`000000` when deleted); `160000` is a gitlink. */
  mode?: string;
  /** The object the path holds after the change: what the checks read and the push sends. */
  object?: string;
}

export interface StagedResult {
  changes: StagedChange[];
  /** Nested `.git` entries removed before git read the tree (see removeNestedGitDirs). */
  removedGitDirs: string[];
}

/**
 * Stages everything in the work tree and lists what differs from the base commit. The work
 * tree is the sandbox's: it is disarmed first, so git reads it as plain files.
 */
export async function stageAll(ws: GitDirs & { baseSha: string }): Promise<StagedResult> {
  const removedGitDirs = await disarmWorkTree(ws);
  const git = hostGit(ws, ws.workTree);
  await git.raw(["add", "--all", "--", "."]);
  // The index against a commit: no work tree (and no submodule) is read.
  const out = await git.raw(["diff", "--cached", "--raw", "--no-abbrev", "--no-renames", "-z", ws.baseSha]);
  return { changes: parseRawDiff(out), removedGitDirs };
}

/** `:<old mode> <new mode> <old id> <new id> <status>\0<path>\0`, repeated. */
function parseRawDiff(out: string): StagedChange[] {
  const fields = out.split("\0");
  const changes: StagedChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, mode, , object, status] = fields[i]!.split(" ");
    if (!status) continue;
    changes.push({ status: status.charAt(0) as StagedChange["status"], path: fields[i + 1]!, mode: mode!, object: object! });
  }
  return changes;
}

export interface Identity {
  name: string;
  email: string;
}

/** Commits the staged changes as `author`; returns the new commit's sha. */
export async function commitStaged(ws: TaskWorkspace, author: Identity, message: string): Promise<string> {
  // git commit computes a status, which looks into submodules: the tree is disarmed again.
  await disarmWorkTree(ws);
  const git = hostGit(ws, ws.workTree, [["user.name", author.name], ["user.email", author.email]]);
  await git.raw(["commit", "--quiet", "--no-verify", "--allow-empty-message", "-m", message]);
  return (await git.revparse(["HEAD"])).trim();
}

/** Pushes HEAD to `branch`, replacing what was there: `codex/` branches belong to the bot. */
export async function pushHead(ws: TaskWorkspace, branch: string, token: string): Promise<void> {
  await hostGit(ws, ws.workTree, authHeaderConfig(token)).raw([
    "push", "--quiet", "--force", "--no-verify", "origin", `HEAD:refs/heads/${branch}`,
  ]);
}
