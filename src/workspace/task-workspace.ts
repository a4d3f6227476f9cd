import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { dir } from "tmp-promise";
import { authHeaderConfig, hostGit, type GitDirs } from "./host-git.js";

export interface TaskWorkspace extends GitDirs {
  /** The commit the task started from. */
  baseSha: string;
  remove(): Promise<void>;
}

export interface CloneRequest {
  cloneUrl: string;
  branch: string;
  token: string;
  /** Where task workspaces live (under CODEX_DATA_DIR). */
  parentDir: string;
}

/**
 * Clones `branch` into a fresh workspace whose git directory sits beside the work tree, not
 * in it: the agent gets the work tree; the host runs git with explicit GIT_DIR/GIT_WORK_TREE.
 * The token travels as an HTTP header for this one fetch and is never written to disk.
 */
export async function cloneIntoWorkspace(request: CloneRequest): Promise<TaskWorkspace> {
  await mkdir(request.parentDir, { recursive: true });
  const root = await dir({ tmpdir: request.parentDir, prefix: "task-", unsafeCleanup: true });
  const dirs: GitDirs = { gitDir: join(root.path, "git"), workTree: join(root.path, "work") };
  try {
    await mkdir(dirs.workTree);
    const git = hostGit(dirs, dirs.workTree);
    await git.raw(["init", "--quiet"]);
    await git.raw(["remote", "add", "origin", request.cloneUrl]);
    await hostGit(dirs, dirs.workTree, authHeaderConfig(request.token)).raw([
      "fetch", "--quiet", "--no-tags", "origin", `+refs/heads/${request.branch}:refs/remotes/origin/${request.branch}`,
    ]);
    await git.raw(["checkout", "--quiet", "--detach", `refs/remotes/origin/${request.branch}`]);
    const baseSha = (await git.revparse(["HEAD"])).trim();
    return { ...dirs, baseSha, remove: () => rm(root.path, { recursive: true, force: true }) };
  } catch (error) {
    await rm(root.path, { recursive: true, force: true });
    throw error;
  }
}

export interface StagedChange {
  status: "A" | "M" | "D" | "R" | "T";
  path: string;
}

/** Stages everything in the work tree and lists what differs from the base commit. */
export async function stageAll(ws: TaskWorkspace): Promise<StagedChange[]> {
  const git = hostGit(ws, ws.workTree);
  await git.raw(["add", "--all", "--", "."]);
  const out = await git.raw(["diff", "--cached", "--name-status", "--no-renames", "-z", ws.baseSha]);
  const fields = out.split("\0").filter((f) => f.length > 0);
  const changes: StagedChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    changes.push({ status: fields[i]!.charAt(0) as StagedChange["status"], path: fields[i + 1]! });
  }
  return changes;
}

export interface Identity {
  name: string;
  email: string;
}

/** Commits the staged changes as `author`; returns the new commit's sha. */
export async function commitStaged(ws: TaskWorkspace, author: Identity, message: string): Promise<string> {
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
