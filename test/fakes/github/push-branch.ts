import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { branchSha, FAKE_AUTHOR_ENV, runGitOrThrow } from "./git.js";
import { syncPullRefs } from "./pull-refs.js";
import type { FakeGitHubState } from "./state.js";
import { requireRepo } from "./state.js";

/** Path → new content; `null` deletes the file. A rename is a delete plus an add of the same text. */
export type FileChanges = Record<string, string | null>;

/**
 * Test helper: commits `files` on top of `branch` (or of the default branch when `branch` is new)
 * with real git, pushes the commit straight into the bare repository, and returns its sha.
 */
export async function pushBranch(
  state: FakeGitHubState,
  owner: string,
  name: string,
  branch: string,
  files: FileChanges,
  message = `Update ${branch}`,
): Promise<string> {
  const repo = requireRepo(state, owner, name);
  const start = (await branchSha(repo.bareDir, branch)) === undefined ? repo.defaultBranch : branch;
  const work = await mkdtemp(join(tmpdir(), "fake-github-push-"));
  try {
    await runGitOrThrow(["clone", "--quiet", "--single-branch", "--branch", start, repo.bareDir, work], tmpdir());
    for (const [path, content] of Object.entries(files)) {
      const target = join(work, path);
      if (content === null) await rm(target, { force: true });
      else {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
      }
    }
    await runGitOrThrow(["add", "--all"], work);
    await runGitOrThrow(["commit", "--quiet", "--allow-empty", "--no-gpg-sign", "-m", message], work, FAKE_AUTHOR_ENV);
    await runGitOrThrow(["push", "--quiet", repo.bareDir, `HEAD:refs/heads/${branch}`], work);
    const sha = (await runGitOrThrow(["rev-parse", "HEAD"], work)).trim();
    await syncPullRefs(repo);
    return sha;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
