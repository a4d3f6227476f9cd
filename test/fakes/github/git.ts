import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface GitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

const FAKE_AUTHOR = { name: "Fake GitHub", email: "fake-github@example.com", date: "2024-01-01T00:00:00Z" };

/** Author and committer for commits the fake makes itself, fixed so shas are reproducible. */
export const FAKE_AUTHOR_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: FAKE_AUTHOR.name,
  GIT_AUTHOR_EMAIL: FAKE_AUTHOR.email,
  GIT_AUTHOR_DATE: FAKE_AUTHOR.date,
  GIT_COMMITTER_NAME: FAKE_AUTHOR.name,
  GIT_COMMITTER_EMAIL: FAKE_AUTHOR.email,
  GIT_COMMITTER_DATE: FAKE_AUTHOR.date,
};

/** Environment for every git the fakes and their tests run: no user or system config, no prompts. */
export function isolatedGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: tmpdir(),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    ...extra,
  };
}

/** Runs git with an argv (no shell). Never throws: a failure is a non-zero exitCode. */
export function runGit(args: string[], cwd: string, env: Record<string, string> = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      { cwd, env: isolatedGitEnv(env), encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ exitCode: code, stdout, stderr: stderr.toString("utf8") });
      },
    );
  });
}

/** Like runGit, but a failure throws with git's stderr (for setup steps that must work). */
export async function runGitOrThrow(args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const result = await runGit(args, cwd, env);
  if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout.toString("utf8");
}

/** Creates a bare repository at bareDir whose default branch holds one commit with `files`. */
export async function createBareRepo(
  bareDir: string,
  files: Record<string, string>,
  defaultBranch: string,
): Promise<void> {
  await mkdir(bareDir, { recursive: true });
  await runGitOrThrow(["init", "--bare", `--initial-branch=${defaultBranch}`, bareDir], bareDir);
  await runGitOrThrow(["config", "http.receivepack", "true"], bareDir);
  // GitHub owns refs/pull/*: clients can fetch them but a push to one is refused.
  await runGitOrThrow(["config", "receive.hideRefs", "refs/pull"], bareDir);
  const work = await mkdtemp(join(tmpdir(), "fake-github-seed-"));
  try {
    await runGitOrThrow(["init", `--initial-branch=${defaultBranch}`], work);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await runGitOrThrow(["add", "--all"], work);
    await runGitOrThrow(["commit", "--allow-empty", "--no-gpg-sign", "-m", "Initial commit"], work, FAKE_AUTHOR_ENV);
    await runGitOrThrow(["push", bareDir, `HEAD:refs/heads/${defaultBranch}`], work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Branch name → commit sha, as the bare repository has them now. */
export async function listBranches(bareDir: string): Promise<Record<string, string>> {
  const out = await runGitOrThrow(["for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/heads"], bareDir);
  const branches: Record<string, string> = {};
  for (const line of out.split("\n").filter(Boolean)) {
    const [name, sha] = line.split(" ");
    if (name !== undefined && sha !== undefined) branches[name] = sha;
  }
  return branches;
}

/** The commit a branch points at, or undefined when the branch does not exist. */
export async function branchSha(bareDir: string, branch: string): Promise<string | undefined> {
  const result = await runGit(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`], bareDir);
  return result.exitCode === 0 ? result.stdout.toString("utf8").trim() : undefined;
}

/** Number of commits on `head` that are not on `base`. */
export async function countCommitsAhead(bareDir: string, base: string, head: string): Promise<number> {
  const out = await runGitOrThrow(["rev-list", "--count", `refs/heads/${base}..refs/heads/${head}`], bareDir);
  return Number(out.trim());
}
