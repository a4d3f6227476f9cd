// A task worker with nothing to do, for the claim test and the claims bench: a real TaskWorker on
// the real store, whose runner only marks each task succeeded. Started by claim-processes.ts.
//   CLAIM_STORE      a postgres:// URL (shared queue) or a SQLite file path (one process)
//   CLAIM_WORKER     this worker's id on its claims
//   CLAIM_CONCURRENCY, CLAIM_MAX_PER_INSTALLATION, CLAIM_MAX_PER_REPOSITORY   as the bot's settings
//   CLAIM_WORK_MS    each run waits a random 0..N ms (0: one turn of the event loop), as workload
//   CLAIM_RECORD     "summary": the run's start and end times go in the task's summary (no extra
//                    queries, for throughput); "runs": also a row in bench_runs (claim-run-log.ts)
//   CLAIM_WAIT_FOR_GO=1  print `waiting` and start only on a `go` line on stdin, so that several
//                    processes start claiming together
// Prints `ready` once the worker has started; on SIGTERM hands back what runs, closes, exits 0.
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { z } from "zod";
import { PostgresStore } from "../../store/postgres/postgres-store.js";
import { SqliteStore } from "../../store/sqlite/sqlite-store.js";
import type { Store } from "../../store/store.js";
import type { TaskRunner } from "../../tasks/task-worker.js";
import { TaskWorker } from "../../tasks/task-worker.js";
import { ClaimRunLog } from "./claim-run-log.js";

const LEASE_MS = 60_000;
const SHUTDOWN_GRACE_MS = 10_000;

const count = z.coerce.number().int().min(0);
const Settings = z.object({
  CLAIM_STORE: z.string().min(1),
  CLAIM_WORKER: z.string().min(1),
  CLAIM_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  CLAIM_MAX_PER_INSTALLATION: count.default(0),
  CLAIM_MAX_PER_REPOSITORY: count.default(0),
  CLAIM_WORK_MS: count.default(0),
  CLAIM_RECORD: z.enum(["summary", "runs"]).default("summary"),
  CLAIM_WAIT_FOR_GO: z.enum(["0", "1"]).default("0"),
}).refine((s) => s.CLAIM_RECORD !== "runs" || isPostgres(s.CLAIM_STORE), { message: "CLAIM_RECORD=runs needs a PostgreSQL CLAIM_STORE (bench_runs lives there)" });

/** What a run writes in its task's summary (CLAIM_RECORD=summary and runs alike). */
export interface ClaimRunTimes {
  worker: string;
  startedAt: number;
  endedAt: number;
}

function isPostgres(store: string): boolean {
  return /^postgres(ql)?:\/\//.test(store);
}

/** The workload: never synchronisation, only time for the claim rules to matter. */
async function work(maxMs: number): Promise<void> {
  if (maxMs === 0) await new Promise(setImmediate);
  else await sleep(Math.random() * maxMs);
}

function claimRunner(store: Store, worker: string, workMs: number, runs: ClaimRunLog | undefined): TaskRunner {
  return async (task) => {
    const startedAt = Date.now();
    const runId = await runs?.start(task, worker);
    await work(workMs);
    if (runId !== undefined) await runs!.end(runId);
    const times: ClaimRunTimes = { worker, startedAt, endedAt: Date.now() };
    await store.finish(task.id, "succeeded", JSON.stringify(times));
  };
}

async function firstLine(expected: string): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === expected) break;
  }
  lines.close();
}

const s = Settings.parse(process.env);
const log = pino({ name: `claim-${s.CLAIM_WORKER}`, level: "warn" }, pino.destination(2));
const store: Store = isPostgres(s.CLAIM_STORE) ? await PostgresStore.open(s.CLAIM_STORE) : new SqliteStore(s.CLAIM_STORE);
const runs = s.CLAIM_RECORD === "runs" ? ClaimRunLog.open(s.CLAIM_STORE) : undefined;
const worker = new TaskWorker(store, claimRunner(store, s.CLAIM_WORKER, s.CLAIM_WORK_MS, runs), {
  concurrency: s.CLAIM_CONCURRENCY, workerId: s.CLAIM_WORKER, leaseMs: LEASE_MS,
  maxPerInstallation: s.CLAIM_MAX_PER_INSTALLATION, maxPerRepository: s.CLAIM_MAX_PER_REPOSITORY,
}, log);
// Handled on every SIGTERM, the repeats ignored: with no listener left, a second one would kill the process mid-shutdown.
let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await worker.shutdown(SHUTDOWN_GRACE_MS);
    await runs?.close();
    await store.close();
    process.exit(0);
  })().catch((err: unknown) => {
    log.error({ err }, "could not stop cleanly");
    process.exit(1);
  });
});
if (s.CLAIM_WAIT_FOR_GO === "1") {
  console.log("waiting");
  await firstLine("go");
}
await worker.start();
console.log("ready");
