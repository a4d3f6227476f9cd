import { hostGit, type GitDirs } from "./host-git.js";
import { disarmWorkTree } from "./hostile-work-tree.js";

export interface SetupOutputs {
  /** Untracked and ignored paths, collapsed to the top directory git reports (`node_modules`). */
  created: string[];
  /** Tracked paths the setup changed or deleted; a cache could not reproduce those. */
  changed: string[];
  /** Nested `.git` entries the setup left, removed before git read the tree. */
  removedGitDirs: string[];
}

/**
 * What the setup commands left in a fresh checkout, as git sees it. The setup ran the
 * repository's scripts and its dependencies' install scripts, so the tree is disarmed first and
 * read with the host's hardened git: nothing the setup wrote (a nested `.git`, attributes,
 * hooks) is consulted, and submodules are not looked into at all.
 */
export async function listSetupOutputs(ws: GitDirs): Promise<SetupOutputs> {
  const removedGitDirs = await disarmWorkTree(ws);
  const out = await hostGit(ws, ws.workTree).raw([
    "status", "--porcelain=v1", "-z", "--ignored=traditional", "--untracked-files=normal", "--no-renames", "--ignore-submodules=all",
  ]);
  const outputs: SetupOutputs = { created: [], changed: [], removedGitDirs };
  for (const record of out.split("\0").filter((r) => r.length > 3)) {
    const code = record.slice(0, 2);
    const path = record.slice(3).replace(/\/$/, "");
    if (code === "??" || code === "!!") outputs.created.push(path);
    else outputs.changed.push(path);
  }
  return outputs;
}
