import { mkdir, mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * Reads every file under `root` into a map of relative path → contents (symbolic links as
 * `symlink -> target`), so two trees can be compared exactly. A missing root is empty:
 * git does not keep empty fixture directories.
 */
export async function readTree(root: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(root, full).split(path.sep).join("/");
    if (entry.isSymbolicLink()) tree[rel] = `symlink -> ${await readlink(full)}`;
    else if (entry.isFile()) tree[rel] = await readFile(full, "utf8");
  }
  return tree;
}

/** A temp directory holding `workspace/` and `outside/` (where an attacker would aim). */
export interface TempDirs {
  workspace: string;
  outside: string;
  cleanup(): Promise<void>;
}

export async function createTempDirs(): Promise<TempDirs> {
  const base = await mkdtemp(path.join(os.tmpdir(), "apply-patch-test-"));
  const dirs = { workspace: path.join(base, "workspace"), outside: path.join(base, "outside") };
  await mkdir(dirs.workspace);
  await mkdir(dirs.outside);
  return { ...dirs, cleanup: () => rm(base, { recursive: true, force: true }) };
}

/** Patch text from lines, as a model would send it. */
export function patchText(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}
