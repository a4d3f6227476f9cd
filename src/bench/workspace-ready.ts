import { rm } from "node:fs/promises";
import { join } from "node:path";
import { cloneIntoWorkspace } from "../workspace/task-workspace.js";
import { median, sampleMs } from "./measure.js";

export interface WorkspaceTimes {
  coldMs: number;
  warmMs: number;
  coldSamples: number[];
  warmSamples: number[];
}

/**
 * Time until a task's workspace is checked out: cold (no mirror: the whole history crosses
 * HTTP) against warm (the mirror exists: a fetch that finds nothing new, a hardlinked clone).
 */
export async function measureWorkspaceReady(cloneUrl: string, dataDir: string, runs: { cold: number; warm: number }): Promise<WorkspaceTimes> {
  const parentDir = join(dataDir, "workspaces");
  let coldRun = 0;
  const coldSamples = await sampleMs(runs.cold, async () => {
    const mirrorsDir = join(dataDir, `mirrors-cold-${coldRun++}`);
    const ws = await cloneIntoWorkspace({ cloneUrl, branch: "main", token: "bench-token", parentDir, mirrorsDir });
    await ws.remove();
    await rm(mirrorsDir, { recursive: true, force: true });
  });
  const mirrorsDir = join(dataDir, "mirrors-warm");
  await (await cloneIntoWorkspace({ cloneUrl, branch: "main", token: "bench-token", parentDir, mirrorsDir })).remove();
  const warmSamples = await sampleMs(runs.warm, async () => {
    const ws = await cloneIntoWorkspace({ cloneUrl, branch: "main", token: "bench-token", parentDir, mirrorsDir });
    await ws.remove();
  });
  return { coldMs: median(coldSamples), warmMs: median(warmSamples), coldSamples, warmSamples };
}
