import { hostGit, type GitDirs } from "./host-git.js";

export interface SetupOutputs {
  /** Untracked and ignored paths, collapsed to the top directory git reports (`node_modules`). */
  created: string[];
  /** Tracked paths the setup changed or deleted; a cache could not reproduce those. */
  changed: string[];
}

/**
 * What the setup commands left in a fresh checkout, as git sees it. Read with the host's
 * hardened git, so nothing the setup wrote (a `.git`, attributes, hooks) is consulted.
 */
export async function listSetupOutputs(ws: GitDirs): Promise<SetupOutputs> {
  const out = await hostGit(ws, ws.workTree).raw([
    "status", "--porcelain=v1", "-z", "--ignored=traditional", "--untracked-files=normal", "--no-renames",
  ]);
  const outputs: SetupOutputs = { created: [], changed: [] };
  for (const record of out.split("\0").filter((r) => r.length > 3)) {
    const code = record.slice(0, 2);
    const path = record.slice(3).replace(/\/$/, "");
    if (code === "??" || code === "!!") outputs.created.push(path);
    else outputs.changed.push(path);
  }
  return outputs;
}
