import { setTimeout as sleep } from "node:timers/promises";
import type { Store } from "../../store/store.js";
import type { TaskRecord } from "../../tasks/task-types.js";
import { enqueueClaimTasks, type ClaimTarget } from "./claim-task-input.js";
import { readRunTimes, startClaimers, stopClaimers, waitForSucceeded } from "./claim-throughput.js";

/**
 * Queue latency: `processes` idle workers, and tasks queued one at a time on a fixed schedule
 * (one every `intervalMs`, each on an issue of its own), far apart enough that every task finds
 * the workers waiting: what is measured is the wake-up (PostgreSQL's LISTEN/NOTIFY) and the
 * claim. Returns each task's milliseconds from its created_at to its runner's start.
 */
export async function measureQueueLatency(store: Store, storeUrl: string, processes: number, targets: ClaimTarget[], intervalMs: number): Promise<number[]> {
  const claimers = await startClaimers(storeUrl, processes);
  const tasks: TaskRecord[] = [];
  try {
    await Promise.all(claimers.map((c) => c.go()));
    const start = performance.now();
    for (let i = 0; i < targets.length; i++) {
      // On schedule from the start, so one slow enqueue does not push every later one back.
      const wait = start + i * intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      tasks.push(...(await enqueueClaimTasks(store, [targets[i]!])));
    }
    await waitForSucceeded(store, tasks.length);
  } finally {
    await stopClaimers(claimers);
  }
  return (await readRunTimes(store, tasks)).map((t) => t.startedAt - t.createdAt);
}
