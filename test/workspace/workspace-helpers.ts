import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGitOrThrow } from "../fakes/github/git.js";

const AUTHOR = {
  GIT_AUTHOR_NAME: "Maintainer", GIT_AUTHOR_EMAIL: "m@example.com",
  GIT_COMMITTER_NAME: "Maintainer", GIT_COMMITTER_EMAIL: "m@example.com",
};

/** Commits `files` on top of `branch` directly in a bare repository (as a push to GitHub would) and returns the new tip. */
export async function pushCommit(bareDir: string, branch: string, files: Record<string, string>, message = "Another commit"): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "push-commit-"));
  const env = { GIT_DIR: bareDir, GIT_INDEX_FILE: join(scratch, "index"), ...AUTHOR };
  try {
    await runGitOrThrow(["read-tree", `refs/heads/${branch}`], scratch, env);
    for (const [path, content] of Object.entries(files)) {
      await writeFile(join(scratch, "blob"), content);
      const sha = (await runGitOrThrow(["hash-object", "-w", join(scratch, "blob")], scratch, env)).trim();
      await runGitOrThrow(["update-index", "--add", "--cacheinfo", `100644,${sha},${path}`], scratch, env);
    }
    const tree = (await runGitOrThrow(["write-tree"], scratch, env)).trim();
    const commit = (await runGitOrThrow(["commit-tree", tree, "-p", `refs/heads/${branch}`, "-m", message], scratch, env)).trim();
    await runGitOrThrow(["update-ref", `refs/heads/${branch}`, commit], scratch, env);
    return commit;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Every regular file under `dir`, recursively. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Files under `dir` whose bytes contain any of `needles`. */
export async function filesContaining(dir: string, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const file of await listFiles(dir)) {
    const bytes = await readFile(file);
    if (needles.some((n) => bytes.includes(n))) hits.push(file);
  }
  return hits;
}

export async function inode(path: string): Promise<number> {
  return (await stat(path)).ino;
}

/**
 * Commits a submodule entry at `path` on `branch` of a bare repository (a gitlink to the
 * branch's own tip, with its `.gitmodules` section), as a repository with submodules has.
 */
export async function pushGitlink(bareDir: string, branch: string, path: string): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "push-gitlink-"));
  const env = { GIT_DIR: bareDir, GIT_INDEX_FILE: join(scratch, "index"), ...AUTHOR };
  try {
    const tip = (await runGitOrThrow(["rev-parse", `refs/heads/${branch}`], scratch, env)).trim();
    await runGitOrThrow(["read-tree", tip], scratch, env);
    await writeFile(join(scratch, "gitmodules"), `[submodule "${path}"]\n\tpath = ${path}\n\turl = https://example.com/${path}.git\n\tignore = none\n`);
    const modules = (await runGitOrThrow(["hash-object", "-w", join(scratch, "gitmodules")], scratch, env)).trim();
    await runGitOrThrow(["update-index", "--add", "--cacheinfo", `100644,${modules},.gitmodules`], scratch, env);
    await runGitOrThrow(["update-index", "--add", "--cacheinfo", `160000,${tip},${path}`], scratch, env);
    const tree = (await runGitOrThrow(["write-tree"], scratch, env)).trim();
    const commit = (await runGitOrThrow(["commit-tree", tree, "-p", tip, "-m", `Add submodule ${path}`], scratch, env)).trim();
    await runGitOrThrow(["update-ref", `refs/heads/${branch}`, commit], scratch, env);
    return commit;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
