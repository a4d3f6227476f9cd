import { rm } from "node:fs/promises";
import { join } from "node:path";
import { copyTree } from "../../workspace/copy-tree.js";
import { cloneIntoWorkspace } from "../../workspace/task-workspace.js";
import { median, sampleMs } from "./measure.js";

export interface WorkspaceTimes {
  coldMs: number;
  warmMs: number;
  coldSamples: number[];
  warmSamples: number[];
  /** Copying a checked-out work tree with `cp -a`: what writing the files alone costs on this disk. */
  treeCopyMs: number;
}

/**
 * Time until a task's workspace is checked out: cold (no mirror: the whole history crosses
 * HTTP) against warm (the mirror exists: a fetch that finds nothing new, a hardlinked clone).
 */
export async function measureWorkspaceReady(cloneUrl: string, dataDir: string, runs: { cold: number; warm: number }, branch = "main"): Promise<WorkspaceTimes> {
  const parentDir = join(dataDir, "workspaces");
  let coldRun = 0;
  const coldSamples = await sampleMs(runs.cold, async () => {
    const mirrorsDir = join(dataDir, `mirrors-cold-${coldRun++}`);
    const ws = await cloneIntoWorkspace({ cloneUrl, branch, token: "bench-token", parentDir, mirrorsDir });
    await ws.remove();
    await rm(mirrorsDir, { recursive: true, force: true });
  });
  const mirrorsDir = join(dataDir, "mirrors-warm");
  await (await cloneIntoWorkspace({ cloneUrl, branch, token: "bench-token", parentDir, mirrorsDir })).remove();
  const warmSamples = await sampleMs(runs.warm, async () => {
    const ws = await cloneIntoWorkspace({ cloneUrl, branch, token: "bench-token", parentDir, mirrorsDir });
    await ws.remove();
  });
  const ws = await cloneIntoWorkspace({ cloneUrl, branch, token: "bench-token", parentDir, mirrorsDir });
  const copies = await sampleMs(3, async () => {
    const copy = join(dataDir, "tree-copy");
    await copyTree(ws.workTree, copy);
    await rm(copy, { recursive: true, force: true });
  });
  await ws.remove();
  return { coldMs: median(coldSamples), warmMs: median(warmSamples), coldSamples, warmSamples, treeCopyMs: median(copies) };
}
