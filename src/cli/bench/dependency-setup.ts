import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { createSandbox } from "../../sandbox/index.js";
import { runSetupPhase } from "../../tasks/steps/setup-phase.js";
import { TaskLog } from "../../tasks/task-log.js";
import { cloneIntoWorkspace } from "../../workspace/task-workspace.js";
import { median, timeMs } from "./measure.js";

/** Stands in for `npm ci`: 2,000 small files in 200 packages (there is no registry to install from here). */
export const SIMULATED_INSTALL =
  "mkdir -p node_modules && cd node_modules && for p in $(seq 1 200); do mkdir -p pkg$p/lib; " +
  "for f in 1 2 3 4 5 6 7 8 9 10; do echo \"module.exports = '$p.$f';\" > pkg$p/lib/f$f.js; done; done";

export interface SetupTimes {
  missMs: number;
  hitMs: number;
}

/**
 * The setup phase of a fresh workspace with an empty cache (install, then store) against one
 * whose lockfile matches a stored entry (restore, no install). Workspace creation is not timed.
 */
export async function measureDependencySetup(cloneUrl: string, dataDir: string, runs: number): Promise<SetupTimes> {
  const misses: number[] = [];
  const hits: number[] = [];
  for (let i = 0; i < runs; i++) {
    const rootDir = join(dataDir, "cache", `deps-${i}`);
    misses.push(await timedSetup(cloneUrl, dataDir, rootDir, `miss-${i}`, false));
    hits.push(await timedSetup(cloneUrl, dataDir, rootDir, `hit-${i}`, true));
    await rm(rootDir, { recursive: true, force: true });
  }
  return { missMs: median(misses), hitMs: median(hits) };
}

async function timedSetup(cloneUrl: string, dataDir: string, rootDir: string, name: string, expectHit: boolean): Promise<number> {
  await mkdir(rootDir, { recursive: true });
  const ws = await cloneIntoWorkspace({ cloneUrl, branch: "main", token: "bench-token", parentDir: join(dataDir, "workspaces"), mirrorsDir: join(dataDir, "mirrors") });
  try {
    const sandbox = createSandbox({ workspace: ws.workTree, network: false });
    const log = new TaskLog(dataDir, name, () => []);
    let outcome = "not run";
    const elapsed = await timeMs(async () => {
      const result = await runSetupPhase({ sandbox, workspace: ws, commands: [SIMULATED_INSTALL], timeoutMs: 120_000, log, cache: { rootDir, repo: ws.repo, store: true } });
      outcome = !result.ok ? "failed" : result.restoredFrom ? "hit" : "miss";
    });
    if (outcome !== (expectHit ? "hit" : "miss")) throw new Error(`setup ${name} was a ${outcome}; see ${join(dataDir, "logs", `${name}.log`)}`);
    return elapsed;
  } finally {
    await ws.remove();
  }
}
