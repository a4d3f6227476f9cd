import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";

/** What the bench needs of another version's createSandbox: running a command. */
export type CreateSandboxLike = (options: { workspace: string; network: false; cgroupRoot?: string }) => {
  run(command: string): Promise<{ exitCode: number; output: string }>;
};

/** The sandbox code of a git ref, built into a directory of its own. */
export interface BaselineSandbox {
  /** The ref as given, and the commit it names (short). */
  ref: string;
  commit: string;
  /** The exported and built tree; the cgroup v2 guest imports it from here too. */
  dir: string;
  createSandbox: CreateSandboxLike;
  remove(): Promise<void>;
}

/**
 * Exports `ref` of the repository at `repoRoot` (git archive: the user's work tree and the
 * repository's worktree list stay untouched), links the current node_modules into it, runs its
 * own `npm run build` and imports its createSandbox. The problem in words when any step fails.
 */
export async function buildBaselineSandbox(repoRoot: string, ref: string): Promise<BaselineSandbox | string> {
  const resolved = await execa("git", ["rev-parse", "--verify", "--short", `${ref}^{commit}`], { cwd: repoRoot, reject: false });
  if (resolved.exitCode !== 0) return `git does not know the ref ${ref}: ${resolved.stderr.trim()}`;
  const commit = resolved.stdout.trim();
  // Under node_modules/.cache, not the system temp directory: the cgroup v2 guest sees the host's
  // / but has a /tmp of its own, and it imports this tree too (it cannot build under emulation in time).
  const cache = join(repoRoot, "node_modules", ".cache");
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, `codex-bench-baseline-${commit}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const exported = await execa("git", ["archive", "--format=tar", commit], { cwd: repoRoot, reject: false }).pipe("tar", ["-x", "-C", dir], { reject: false });
    if (exported.exitCode !== 0) throw new Error(`exporting ${commit} failed: ${exported.stderr.trim()}`);
    await symlink(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
    // The ref's own build script (what it copies beside tsc's output is its business), on this node.
    const PATH = [dirname(process.execPath), join(dir, "node_modules", ".bin"), process.env.PATH].join(":");
    const built = await execa("npm", ["run", "build", "--silent"], { cwd: dir, env: { PATH }, all: true, reject: false });
    if (built.exitCode !== 0) throw new Error(`its npm run build failed (exit ${built.exitCode}): ${lastLines(built.all ?? "", 8)}`);
    const createSandbox = await importCreateSandbox(dir);
    if (typeof createSandbox === "string") throw new Error(createSandbox);
    return { ref, commit, dir, createSandbox, remove };
  } catch (error) {
    await remove();
    return `the baseline ${ref} (${commit}) could not be built: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** createSandbox from a tree `buildBaselineSandbox` built, or the problem in words. */
export async function importCreateSandbox(dir: string): Promise<CreateSandboxLike | string> {
  const entry = join(dir, "dist", "sandbox", "index.js");
  const module: unknown = await import(pathToFileURL(entry).href).catch((error: unknown) => String(error));
  if (typeof module === "string") return `importing ${entry} failed: ${module}`;
  const createSandbox = (module as { createSandbox?: unknown }).createSandbox;
  return typeof createSandbox === "function" ? (createSandbox as CreateSandboxLike) : `${entry} exports no createSandbox`;
}

function lastLines(text: string, count: number): string {
  return text.trim().split("\n").slice(-count).join("\n");
}
