import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { simpleGit, type SimpleGit } from "simple-git";

/**
 * Configuration forced on every git command the host runs. The host must never execute
 * anything a repository or the agent wrote: no hooks, no fsmonitor, no credential helpers,
 * no system/global config, no transports that run commands. Passed through GIT_CONFIG_* so it
 * overrides repository config without appearing in argv.
 */
const FORCED_CONFIG: [string, string][] = [
  ["core.hooksPath", "/dev/null"],
  ["core.fsmonitor", "false"],
  ["core.attributesFile", "/dev/null"],
  ["core.askPass", ""],
  ["credential.helper", ""],
  ["protocol.allow", "never"],
  ["protocol.https.allow", "always"],
  ["protocol.http.allow", "always"],
  ["protocol.file.allow", "always"],
  ["submodule.recurse", "false"],
  ["fetch.recurseSubmodules", "false"],
  ["push.recurseSubmodules", "no"],
  ["status.submoduleSummary", "false"],
  ["init.templateDir", ""],
  ["commit.gpgSign", "false"],
  ["advice.detachedHead", "false"],
  ["gc.auto", "0"],
];

export interface GitDirs {
  /** The git directory, kept out of the agent's reach (read-only in the sandbox at most). */
  gitDir: string;
  /** The work tree the agent edits. */
  workTree: string;
}

/** A git directory with no work tree, such as a repository's mirror. */
export interface BareGitDir {
  gitDir: string;
  workTree?: undefined;
}

/** Extra config for one command, e.g. the auth header for a fetch or push. Never logged. */
export type ExtraConfig = [string, string][];

/** An empty HOME so no user-level file (~/.gitconfig, ~/.netrc) is ever read. */
function emptyHome(): string {
  const dir = join(tmpdir(), "codex-bot-empty-home");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function hardenedGitEnv(dirs: GitDirs | BareGitDir | null, extra: ExtraConfig = []): Record<string, string> {
  const config = [...FORCED_CONFIG, ...extra];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: emptyHome(),
    LANG: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  // Explicit, so git never discovers a repository by walking up from cwd (e.g. the bot's own
  // checkout around a broken mirror).
  if (dirs) env.GIT_DIR = dirs.gitDir;
  if (dirs?.workTree) env.GIT_WORK_TREE = dirs.workTree;
  return env;
}

/** simple-git bound to explicit dirs: a `.git` file or folder the agent left in the work tree is never consulted. */
export function hostGit(dirs: GitDirs | BareGitDir | null, cwd: string, extra: ExtraConfig = []): SimpleGit {
  const env = hardenedGitEnv(dirs, extra);
  return simpleGit({
    baseDir: cwd,
    allowEnvironment: Object.keys(env).filter((k) => k.startsWith("GIT_") || k === "SSH_ASKPASS"),
    // simple-git refuses these keys because a caller could point them at a program; ours are
    // constants above that switch those mechanisms off, and no repository text reaches them.
    unsafe: {
      allowUnsafeConfigPaths: true,
      allowUnsafeConfigEnvCount: true,
      allowUnsafeHooksPath: true,
      allowUnsafeFsMonitor: true,
      allowUnsafeCredentialHelper: true,
      allowUnsafeAskPass: true,
      allowUnsafeProtocolOverride: true,
      allowUnsafeTemplateDir: true,
    },
  }).env(env);
}

export class HostGitError extends Error {
  constructor(readonly args: string[], readonly exitCode: number | undefined, readonly stderr: string) {
    super(`git ${args[0] ?? ""} failed${exitCode === undefined ? "" : ` (exit ${exitCode})`}: ${stderr.trim() || "no output"}`);
    this.name = "HostGitError";
  }
}

/**
 * One git command with the same hardened environment as hostGit, returning stdout. For the
 * hot path of making a workspace: simple-git waits 50 ms after every command that prints
 * nothing (most writes: config, update-ref, checkout -q), which adds up to most of the time a
 * warm workspace takes.
 */
export async function runHostGit(dirs: GitDirs | BareGitDir | null, cwd: string, args: string[], extra: ExtraConfig = []): Promise<string> {
  const result = await execa("git", args, { cwd, env: hardenedGitEnv(dirs, extra), extendEnv: false, stdin: "ignore", reject: false, stripFinalNewline: false });
  if (result.failed) throw new HostGitError(args, result.exitCode, String(result.stderr) || (result.originalMessage ?? ""));
  return String(result.stdout);
}

/** Like runHostGit, for output that is bytes (a blob), not text. */
export async function runHostGitBytes(dirs: GitDirs | BareGitDir, args: string[]): Promise<Buffer> {
  const result = await execa("git", args, { cwd: dirs.gitDir, env: hardenedGitEnv(dirs), extendEnv: false, stdin: "ignore", reject: false, encoding: "buffer" });
  if (result.failed) throw new HostGitError(args, result.exitCode, Buffer.from(result.stderr).toString() || (result.originalMessage ?? ""));
  return Buffer.from(result.stdout);
}

/** HTTP basic auth as GitHub documents for installation tokens; works for GitHub Enterprise Server too. */
export function authHeaderConfig(token: string): ExtraConfig {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return [["http.extraHeader", `Authorization: Basic ${basic}`]];
}
