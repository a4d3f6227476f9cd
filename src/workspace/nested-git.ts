import { rm } from "node:fs/promises";
import { relative } from "node:path";
import { execa } from "execa";

export class WorkTreeScanError extends Error {
  constructor(detail: string) {
    super(`the work tree could not be checked for nested git repositories, so host git did not read it: ${detail}`);
    this.name = "WorkTreeScanError";
  }
}

/**
 * Removes every `.git` file, directory or symlink below `workTree`, without following a link,
 * and returns what it removed (relative paths). Call it before host git reads a work tree a
 * sandbox could write: a nested repository there is a submodule to host git, which then runs
 * `git status` inside it with that repository's own config, so a `filter.<x>.clean` the agent
 * wrote would run on the host. The forced GIT_CONFIG_* settings reach that child but cannot
 * name every `filter.*`; only the absence of nested git directories is a complete answer.
 * Git never tracks a path named `.git` (any case), so nothing committable is lost.
 *
 * `find -P` rather than a walk in Node: it never follows a symlink, and any directory it
 * cannot read makes it fail, so a tree we could not fully inspect is refused, not trusted.
 */
export async function removeNestedGitDirs(workTree: string): Promise<string[]> {
  const result = await execa("find", ["-P", workTree, "-mindepth", "1", "-iname", ".git", "-prune", "-print0"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C" }, extendEnv: false, reject: false, stdin: "ignore", stripFinalNewline: false,
  });
  if (result.exitCode !== 0) throw new WorkTreeScanError(String(result.stderr).trim() || (result.originalMessage ?? `find exited ${result.exitCode}`));
  const found = String(result.stdout).split("\0").filter((p) => p.length > 0);
  // rm removes a symlink itself, never its target.
  for (const path of found) await rm(path, { recursive: true, force: true });
  // The work tree's own `.git` is the sandbox's mount point for the real git directory.
  return found.map((path) => relative(workTree, path)).filter((path) => path !== ".git");
}
