import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { GitDirs } from "./host-git.js";
import { removeNestedGitDirs } from "./nested-git.js";

/**
 * `$GIT_DIR/info/attributes` has the highest precedence of all attribute files, so these lines
 * set every attribute that makes git transform or hand content to a program back to
 * unspecified, whatever a `.gitattributes` in the work tree (or a macro it defines) says. Git
 * 2.39 has no switch to stop reading work-tree attributes (`--attr-source` came in 2.40), and a
 * trusted config defines no filter or textconv, so what remains is content conversion: with
 * it, `working-tree-encoding`, `ident` or `eol` would make the committed blob differ from the
 * bytes the checks read. Without it, git stores exactly the bytes in the work tree.
 */
export const NEUTRAL_ATTRIBUTES =
  "* !text !eol !crlf !filter !ident !working-tree-encoding !diff !merge !whitespace !export-ignore !export-subst !delta\n";

/** Writes NEUTRAL_ATTRIBUTES into the git directory (outside the sandbox's reach). */
export async function neutraliseAttributes(gitDir: string): Promise<void> {
  await mkdir(join(gitDir, "info"), { recursive: true });
  await writeFile(join(gitDir, "info", "attributes"), NEUTRAL_ATTRIBUTES);
}

/**
 * What every host git command that reads a work tree a sandbox could have written must be
 * preceded by: no nested git directory left to be taken for a submodule, and no attribute from
 * the tree in force. Returns the nested `.git` paths it removed, for the task log.
 */
export async function disarmWorkTree(ws: GitDirs): Promise<string[]> {
  await neutraliseAttributes(ws.gitDir);
  return removeNestedGitDirs(ws.workTree);
}
