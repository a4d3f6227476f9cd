import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { GitDirs } from "../../src/workspace/host-git.js";
import { FAKE_AUTHOR_ENV, runGitOrThrow } from "../fakes/github/git.js";

export interface ScratchWorkspace extends GitDirs {
  baseSha: string;
  remove(): Promise<void>;
}

/**
 * A task-shaped workspace made without the product's code: the git directory beside the work
 * tree, one commit holding `files` and, for each of `gitlinks`, a submodule entry (mode 160000)
 * pointing at the commit itself, with an empty directory checked out for it as git leaves one.
 */
export async function createScratchWorkspace(files: Record<string, string>, gitlinks: string[] = []): Promise<ScratchWorkspace> {
  const root = await mkdtemp(join(tmpdir(), "codex-scratch-"));
  const ws = { gitDir: join(root, "git"), workTree: join(root, "work") };
  const env = { GIT_DIR: ws.gitDir, GIT_WORK_TREE: ws.workTree, ...FAKE_AUTHOR_ENV };
  await mkdir(ws.workTree, { recursive: true });
  await runGitOrThrow(["init", "--quiet", "--bare", ws.gitDir], root);
  await runGitOrThrow(["config", "core.bare", "false"], root, env);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(ws.workTree, path)), { recursive: true });
    await writeFile(join(ws.workTree, path), content);
  }
  await runGitOrThrow(["add", "--all"], ws.workTree, env);
  await runGitOrThrow(["commit", "--quiet", "--allow-empty", "-m", "base"], ws.workTree, env);
  if (gitlinks.length > 0) {
    const self = (await runGitOrThrow(["rev-parse", "HEAD"], ws.workTree, env)).trim();
    const modules = gitlinks.map((path) => `[submodule "${path}"]\n\tpath = ${path}\n\turl = ./${path}\n\tignore = none\n`).join("");
    await writeFile(join(ws.workTree, ".gitmodules"), modules);
    for (const path of gitlinks) {
      await runGitOrThrow(["update-index", "--add", "--cacheinfo", `160000,${self},${path}`], ws.workTree, env);
      await mkdir(join(ws.workTree, path), { recursive: true });
    }
    await runGitOrThrow(["add", ".gitmodules"], ws.workTree, env);
    await runGitOrThrow(["commit", "--quiet", "-m", "submodules"], ws.workTree, env);
  }
  const baseSha = (await runGitOrThrow(["rev-parse", "HEAD"], ws.workTree, env)).trim();
  return { ...ws, baseSha, remove: () => rm(root, { recursive: true, force: true }) };
}

/**
 * Turns `dir` (inside a work tree) into a repository whose clean filter writes `marker` when
 * any git runs it, with a tracked file whose stat data no longer matches its index entry: what
 * an agent or a setup script can do with `git init` inside the sandbox. Left `unborn` (no
 * commit), host `git add` in the superproject runs the filter; with a commit, `git add` would
 * record the repository as a new gitlink instead. Returns a shell script, to run in a sandbox
 * or, to plant the same thing directly, with `sh` on the host.
 */
export function plantFilterRepoScript(dir: string, marker: string, head: "unborn" | "commit" = "unborn"): string {
  return [
    `mkdir -p ${dir} && cd ${dir}`,
    "git init --quiet .",
    "echo '* filter=x' > .gitattributes",
    "echo data > tracked",
    "git add .gitattributes tracked",
    ...(head === "commit" ? ["git -c user.name=a -c user.email=a@example.com commit --quiet -m planted"] : []),
    // Only now, so that planting it does not run it.
    `git config filter.x.clean 'sh -c "id > ${marker}; cat"'`,
    // Same size, another mtime: git cannot tell from the stat data, so it hashes the file, through the filter.
    "touch -d @1000000000 tracked",
  ].join(" && ");
}
