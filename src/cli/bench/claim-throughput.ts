import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import type { Store } from "../../store/store.js";
import type { TaskRecord } from "../../tasks/task-types.js";
import type { ClaimRunTimes } from "./claim-process.js";
import { startClaimProcess, type ClaimProcess } from "./claim-processes.js";
import { enqueueClaimTasks, type ClaimTarget } from "./claim-task-input.js";

/** The compiled claim-process.js beside this file, run by this node. */
export const CLAIM_PROCESS = [process.execPath, fileURLToPath(new URL("./claim-process.js", import.meta.url))];
const READY_TIMEOUT_MS = 60_000;
/** Enqueues in flight while filling the queue: PostgreSQL then flushes several commits at once. */
const ENQUEUES_IN_FLIGHT = 8;
const DONE_POLL_MS = 50;
const MAX_DONE_POLLS = 2_400;
const READS_IN_FLIGHT = 8;

export interface ThroughputRun {
  tasksPerSecond: number;
  elapsedMs: number;
  /** Tasks each process ran, in the order started. */
  perProcess: number[];
}

/** `count` tasks over `issues` issues, spread over ten installations of two repositories each. */
export function spreadTargets(count: number, issues: number): ClaimTarget[] {
  return Array.from({ length: count }, (_, i) => {
    const issue = i % issues;
    return { installationId: 1 + (issue % 10), owner: `org${issue % 10}`, repo: `repo${issue % 20}`, number: 1 + issue };
  });
}

/** Starts `processes` claim processes on `storeUrl` (with `env` beside), each waiting for `go`. */
export async function startClaimers(storeUrl: string, processes: number, env: Record<string, string> = {}): Promise<ClaimProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: processes }, (_, i) => startClaimProcess(CLAIM_PROCESS, {
    CLAIM_STORE: storeUrl, CLAIM_WORKER: `bench-${i + 1}`, CLAIM_WAIT_FOR_GO: "1", ...env,
  }, READY_TIMEOUT_MS)));
  const ok = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await stopClaimers(ok);
    throw failed.reason;
  }
  return ok;
}

export async function stopClaimers(processes: ClaimProcess[]): Promise<void> {
  const exits = await Promise.all(processes.map((p) => p.stop()));
  const bad = exits.findIndex((code) => code !== 0);
  if (bad >= 0) throw new Error(`claim process ${processes[bad]!.worker} exited with ${exits[bad]}:\n${processes[bad]!.output()}`);
}

/** What each run wrote in its task's summary (claim-process.ts), read once every task is done. */
export async function readRunTimes(store: Store, tasks: TaskRecord[]): Promise<(ClaimRunTimes & { createdAt: number })[]> {
  const times: (ClaimRunTimes & { createdAt: number })[] = [];
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < tasks.length; i = next++) {
      const task = await store.get(tasks[i]!.id);
      if (task?.status !== "succeeded" || !task.summary) throw new Error(`bench task ${tasks[i]!.id} is ${task?.status ?? "gone"}`);
      times.push({ ...(JSON.parse(task.summary) as ClaimRunTimes), createdAt: task.createdAt });
    }
  };
  await Promise.all(Array.from({ length: READS_IN_FLIGHT }, lane));
  return times;
}

/** Polls, a bounded number of times, until `count` tasks have succeeded. */
export async function waitForSucceeded(store: Store, count: number): Promise<void> {
  for (let poll = 0; poll < MAX_DONE_POLLS; poll++) {
    if ((await store.countByStatus("succeeded")) >= count) return;
    if ((await store.countByStatus("failed")) > 0) throw new Error("a bench task failed");
    await sleep(DONE_POLL_MS);
  }
  throw new Error(`only ${await store.countByStatus("succeeded")} of ${count} bench tasks succeeded after ${MAX_DONE_POLLS} polls`);
}

/**
 * Claim throughput: the queue filled first, then `processes` workers told to start together;
 * tasks claimed and finished per second from that moment to the last run's end, as the runs
 * recorded it. `store` is the parent's own connection to the same queue (`storeUrl`), empty.
 */
export async function measureClaimThroughput(store: Store, storeUrl: string, processes: number, targets: ClaimTarget[]): Promise<ThroughputRun> {
  const tasks = await enqueueClaimTasks(store, targets, ENQUEUES_IN_FLIGHT);
  const claimers = await startClaimers(storeUrl, processes);
  let goAt: number;
  try {
    goAt = Date.now();
    await Promise.all(claimers.map((c) => c.go()));
    await waitForSucceeded(store, tasks.length);
  } finally {
    await stopClaimers(claimers);
  }
  const times = await readRunTimes(store, tasks);
  const elapsedMs = Math.max(...times.map((t) => t.endedAt)) - goAt;
  const perProcess = claimers.map((c) => times.filter((t) => t.worker === c.worker).length);
  return { tasksPerSecond: tasks.length / (elapsedMs / 1000), elapsedMs, perProcess };
}
