import { constants, type Stats } from "node:fs";
import fs, { type FileHandle } from "node:fs/promises";
import path from "node:path";
import { PatchApplyError } from "../agent/patch/errors.js";
import type { WorkspacePath } from "../agent/patch/workspace-path.js";
import type { WorkspaceEntry } from "../agent/workspace-files.js";

// This runs on the host against a directory the agent controls, so every step assumes the
// workspace may contain symbolic links, hard links, FIFOs and files swapped mid-operation.
// The agent sees it through the `WorkspaceFiles` interface (open-workspace-files.ts).

export const MAX_PATCHABLE_FILE_BYTES = 10 * 1024 * 1024;
// O_NONBLOCK: opening a FIFO swapped in after our checks must fail or return, never hang.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

export interface Workspace {
  root: string;
  /** `root` with the host's own symlinks resolved (e.g. macOS /var), to check opened files. */
  realRoot: string;
  /**
   * Who owns the root when that is not this process, which is then root and gives what it
   * creates to that owner (the sandbox user): else the sandbox could not write a file the
   * agent's patch created, nor create files in a directory the patch made.
   */
  owner?: { uid: number; gid: number };
}

/** @throws PatchApplyError if the workspace is not a real directory. */
export async function openWorkspace(dir: string): Promise<Workspace> {
  const root = path.resolve(dir);
  await assertRootIsDirectory(root);
  const { uid, gid } = await fs.lstat(root);
  const owner = process.getuid?.() === 0 && uid !== 0 ? { uid, gid } : undefined;
  return { root, realRoot: await fs.realpath(root), ...(owner ? { owner } : {}) };
}

/**
 * Lstats each component of `rel` from the root down, refusing symbolic links anywhere and
 * anything but a regular file at the end. `undefined` when the file does not exist.
 */
export async function statWorkspaceFile(workspace: Workspace, rel: WorkspacePath): Promise<Stats | undefined> {
  await assertRootIsDirectory(workspace.root);
  const segments = rel.split("/");
  let current = workspace.root;
  for (const [index, segment] of segments.entries()) {
    current = path.join(current, segment);
    const stats = await lstatIfExists(current);
    if (!stats) return undefined;
    const shown = segments.slice(0, index + 1).join("/");
    if (stats.isSymbolicLink()) throw refuse(rel, `'${shown}' is a symbolic link; patches never follow symbolic links`);
    const isLast = index === segments.length - 1;
    if (!isLast && !stats.isDirectory()) throw refuse(rel, `'${shown}' is not a directory`);
    if (isLast && !stats.isFile()) throw refuse(rel, "it is not a regular file");
    if (isLast) return stats;
  }
  return undefined;
}

/** Checks that writing `rel` could only ever change that one file. */
export async function assertWritable(workspace: Workspace, rel: WorkspacePath): Promise<void> {
  const stats = await statWorkspaceFile(workspace, rel);
  // Writing into a hard-linked file would also change its other name, possibly outside.
  if (stats && stats.nlink > 1) throw refuse(rel, `it has ${stats.nlink} hard links`);
}

export async function readWorkspaceFile(workspace: Workspace, rel: WorkspacePath): Promise<{ text: string; mode: number }> {
  const stats = await statWorkspaceFile(workspace, rel);
  if (!stats) throw new PatchApplyError(`${rel}: file does not exist; use '*** Add File:' to create it`);
  assertPatchableSize(rel, stats.size);
  const handle = await fs.open(path.join(workspace.root, rel), READ_FLAGS);
  try {
    const opened = await assertOpenedFile(handle, workspace, rel);
    assertPatchableSize(rel, opened.size);
    return { text: decodeText(rel, await handle.readFile()), mode: opened.mode & 0o777 };
  } finally {
    await handle.close();
  }
}

/** The first `maxBytes` of `rel`; `undefined` unless it is a regular file reached through no link. */
export async function readWorkspaceFileHead(
  workspace: Workspace,
  rel: WorkspacePath,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean } | undefined> {
  const stats = await statWorkspaceFile(workspace, rel).catch(undefinedIfRefused);
  if (!stats) return undefined;
  const handle = await fs.open(path.join(workspace.root, rel), READ_FLAGS);
  try {
    const opened = await assertOpenedFile(handle, workspace, rel).catch(undefinedIfRefused);
    if (!opened) return undefined;
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return { text: buffer.subarray(0, bytesRead).toString("utf8"), truncated: opened.size > bytesRead };
  } finally {
    await handle.close();
  }
}

/**
 * The entries of directory `rel` (the root when absent), sorted by name; none unless every
 * component is a real directory. Listed through the opened descriptor, so a directory swapped
 * for a link after the checks lists nothing instead of another directory.
 */
export async function listWorkspaceDirectory(workspace: Workspace, rel?: WorkspacePath): Promise<WorkspaceEntry[]> {
  await assertRootIsDirectory(workspace.root);
  if (rel !== undefined && !(await isRealDirectory(workspace, rel))) return [];
  const dir = rel === undefined ? workspace.root : path.join(workspace.root, rel);
  const handle = await fs.open(dir, DIRECTORY_FLAGS).catch(() => undefined);
  if (!handle) return [];
  try {
    if (await pointsElsewhere(handle, rel === undefined ? workspace.realRoot : path.join(workspace.realRoot, rel))) return [];
    const listed = process.platform === "linux" ? `/proc/self/fd/${handle.fd}` : dir;
    const entries = await fs.readdir(listed, { withFileTypes: true }).catch(() => []);
    return entries
      .map((entry): WorkspaceEntry => ({ name: entry.name, kind: entry.isFile() ? "file" : entry.isDirectory() ? "directory" : "other" }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await handle.close();
  }
}

/** Writes `text` to `rel`, creating parent directories; `mode` is applied when given. */
export async function writeWorkspaceFile(workspace: Workspace, rel: WorkspacePath, text: string, mode?: number): Promise<void> {
  await createParentDirectories(workspace, rel);
  await assertWritable(workspace, rel);
  const handle = await fs.open(path.join(workspace.root, rel), WRITE_FLAGS, 0o644);
  try {
    const opened = await assertOpenedFile(handle, workspace, rel);
    if (opened.nlink > 1) throw refuse(rel, `it has ${opened.nlink} hard links`);
    // Truncate only after the checks, so a refused file is left as it was.
    await handle.truncate(0);
    await handle.writeFile(text, "utf8");
    if (mode !== undefined) await handle.chmod(mode);
    await giveToOwner(workspace, handle, opened);
  } finally {
    await handle.close();
  }
}

export async function removeWorkspaceFile(workspace: Workspace, rel: WorkspacePath): Promise<void> {
  if (!(await statWorkspaceFile(workspace, rel))) return;
  // unlink never follows a final symbolic link; the components were checked just above.
  await fs.unlink(path.join(workspace.root, rel));
}

/** One component at a time, so a directory swapped for a symlink is caught before use. */
async function createParentDirectories(workspace: Workspace, rel: WorkspacePath): Promise<void> {
  const segments = rel.split("/").slice(0, -1);
  let current = workspace.root;
  for (const [index, segment] of segments.entries()) {
    current = path.join(current, segment);
    const created = await fs.mkdir(current, { mode: 0o755 }).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
      return false;
    });
    const stats = await fs.lstat(current);
    if (stats.isSymbolicLink() || !stats.isDirectory()) {
      throw refuse(rel, `'${segments.slice(0, index + 1).join("/")}' is not a directory`);
    }
    if (created && workspace.owner) await giveDirectoryToOwner(workspace, current, rel);
  }
}

/** Through the descriptor (fchown), so no link swapped in after the checks can redirect it. */
async function giveToOwner(workspace: Workspace, handle: FileHandle, opened: Stats): Promise<void> {
  const owner = workspace.owner;
  if (owner && (opened.uid !== owner.uid || opened.gid !== owner.gid)) await handle.chown(owner.uid, owner.gid);
}

async function giveDirectoryToOwner(workspace: Workspace, dir: string, rel: WorkspacePath): Promise<void> {
  const handle = await fs.open(dir, DIRECTORY_FLAGS);
  try {
    if (await pointsElsewhere(handle, path.join(workspace.realRoot, path.relative(workspace.root, dir)))) {
      throw refuse(rel, "a directory was replaced by a link while it was created");
    }
    await giveToOwner(workspace, handle, await handle.stat());
  } finally {
    await handle.close();
  }
}

/**
 * O_NOFOLLOW only protects the last component. On Linux, /proc tells where the descriptor
 * really points, which catches a parent directory swapped for a symlink after our lstat.
 */
async function assertOpenedFile(handle: FileHandle, workspace: Workspace, rel: WorkspacePath): Promise<Stats> {
  const opened = await handle.stat();
  if (!opened.isFile()) throw refuse(rel, "it is not a regular file");
  if (await pointsElsewhere(handle, path.join(workspace.realRoot, rel))) {
    throw refuse(rel, "it changed while being opened (a directory was replaced by a link)");
  }
  return opened;
}

/** True when /proc says the descriptor points elsewhere (Linux only; elsewhere the lstat walk is all we have). */
async function pointsElsewhere(handle: FileHandle, expected: string): Promise<boolean> {
  if (process.platform !== "linux") return false;
  const actual = await fs.readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  return actual !== undefined && actual !== expected;
}

async function isRealDirectory(workspace: Workspace, rel: WorkspacePath): Promise<boolean> {
  let current = workspace.root;
  for (const segment of rel.split("/")) {
    current = path.join(current, segment);
    const stats = await lstatIfExists(current);
    if (!stats || stats.isSymbolicLink() || !stats.isDirectory()) return false;
  }
  return true;
}

function undefinedIfRefused(error: unknown): undefined {
  if (error instanceof PatchApplyError) return undefined;
  throw error;
}

async function assertRootIsDirectory(root: string): Promise<void> {
  const stats = await lstatIfExists(root);
  if (!stats || stats.isSymbolicLink() || !stats.isDirectory()) {
    throw new PatchApplyError(`workspace ${root} is not a directory (symbolic links are refused)`);
  }
}

async function lstatIfExists(target: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function assertPatchableSize(rel: WorkspacePath, bytes: number): void {
  if (bytes <= MAX_PATCHABLE_FILE_BYTES) return;
  const mib = (bytes / (1024 * 1024)).toFixed(1);
  throw refuse(rel, `it is ${mib} MiB; apply_patch edits files up to ${MAX_PATCHABLE_FILE_BYTES / (1024 * 1024)} MiB`);
}

function decodeText(rel: WorkspacePath, bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw refuse(rel, "it is not UTF-8 text");
  }
  if (text.includes("\0")) throw refuse(rel, "it looks like a binary file");
  return text;
}

function refuse(rel: WorkspacePath, reason: string): PatchApplyError {
  return new PatchApplyError(`refusing to patch '${rel}': ${reason}`);
}
