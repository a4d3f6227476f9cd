import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { PostgresStore } from "../../store/postgres/postgres-store.js";
import { SqliteStore } from "../../store/sqlite/sqlite-store.js";
import type { Store } from "../../store/store.js";
import { startThrowawayCluster, type ThrowawayCluster } from "../postgres-cluster.js";
import { measureQueueLatency } from "./claim-latency.js";
import { measureClaimThroughput, spreadTargets, type ThroughputRun } from "./claim-throughput.js";
import { median, ms, percentile, ratio, type Verdict } from "./measure.js";

const THROUGHPUT_TASKS = 500;
const THROUGHPUT_ISSUES = 100;
/** Rounds of every configuration in turn, so that a change in the machine's load hits them alike. */
const THROUGHPUT_ROUNDS = 3;
const PROCESS_COUNTS = [1, 2, 4] as const;
type Setup = (typeof PROCESS_COUNTS)[number] | "sqlite";
const LATENCY_TASKS = 200;
const LATENCY_INTERVAL_MS = 20;
const LATENCY_PROCESS_COUNTS = [1, 4] as const;

/** Each measurement gets an empty database of its own, so none inherits another's finished rows. */
async function freshDatabase(cluster: ThrowawayCluster, name: string): Promise<string> {
  const admin = new pg.Client(cluster.url);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return cluster.urlFor(name);
}

async function withStore<T>(store: Store, work: (store: Store) => Promise<T>): Promise<T> {
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return String((await client.query("SHOW server_version")).rows[0]?.server_version);
  } finally {
    await client.end();
  }
}

/** Every setup once per round, each on an empty queue of its own: a fresh database, or a fresh SQLite file. */
async function throughputRounds(cluster: ThrowawayCluster, dir: string): Promise<Map<Setup, ThroughputRun[]>> {
  const targets = spreadTargets(THROUGHPUT_TASKS, THROUGHPUT_ISSUES);
  const runs = new Map<Setup, ThroughputRun[]>([...PROCESS_COUNTS, "sqlite" as const].map((s) => [s, []]));
  for (let round = 1; round <= THROUGHPUT_ROUNDS; round++) {
    for (const n of PROCESS_COUNTS) {
      const url = await freshDatabase(cluster, `claims_${round}_${n}`);
      runs.get(n)!.push(await withStore(await PostgresStore.open(url), (store) => measureClaimThroughput(store, url, n, targets)));
    }
    const file = join(dir, `claims-${round}.db`);
    runs.get("sqlite")!.push(await withStore(new SqliteStore(file), (store) => measureClaimThroughput(store, file, 1, targets)));
  }
  return runs;
}

const rate = (runs: ThroughputRun[]) => median(runs.map((r) => r.tasksPerSecond));
const row = (name: string, runs: ThroughputRun[]) =>
  `    ${name.padEnd(26)} ${rate(runs).toFixed(0).padStart(7)}   ${runs.map((r) => r.tasksPerSecond.toFixed(0)).join(", ").padEnd(16)} ${runs.map((r) => r.perProcess.join("/")).join(", ")}`;

/** (f) Task claims through real worker processes: throughput by process count beside SQLite, and queue latency. */
export async function claimsSection(): Promise<Verdict[]> {
  // An operator's PostgreSQL: fsync and synchronous commit on, as installed.
  const cluster = await startThrowawayCluster({ durable: true });
  const dir = await mkdtemp(join(tmpdir(), "codex-bench-claims-"));
  try {
    const throughput = await throughputRounds(cluster, dir);
    const latency = new Map<number, number[]>();
    for (const n of LATENCY_PROCESS_COUNTS) {
      const url = await freshDatabase(cluster, `latency_${n}`);
      latency.set(n, await withStore(await PostgresStore.open(url), (store) => measureQueueLatency(store, url, n, spreadTargets(LATENCY_TASKS, LATENCY_TASKS), LATENCY_INTERVAL_MS)));
    }

    const [one, two, four, sqlite] = ([...PROCESS_COUNTS, "sqlite"] as const).map((s) => rate(throughput.get(s)!));
    console.log(`\n(f) task claims: ${THROUGHPUT_TASKS} no-op tasks over ${THROUGHPUT_ISSUES} issues through real TaskWorker processes (concurrency 2 each, no caps), PostgreSQL ${await serverVersion(cluster.url)} with its defaults (fsync and synchronous commit on); no target in the issue`);
    console.log(`    claimed and finished per second, median of ${THROUGHPUT_ROUNDS} interleaved rounds; claims are serialised by one advisory lock held to each claim's commit`);
    console.log(`    store                      tasks/s   rounds           tasks per process`);
    for (const n of PROCESS_COUNTS) console.log(row(`PostgreSQL, ${n} process${n > 1 ? "es" : ""}`, throughput.get(n)!));
    console.log(row("SQLite file, 1 process", throughput.get("sqlite")!));
    console.log(`    2 / 1 processes ${ratio(two! / one!)}, 4 / 1 processes ${ratio(four! / one!)}, PostgreSQL 1 process / SQLite ${ratio(one! / sqlite!)}`);
    console.log(`    queue latency, created_at to the runner's start, ${LATENCY_TASKS} tasks queued one every ${LATENCY_INTERVAL_MS} ms onto idle workers (woken by LISTEN/NOTIFY; created_at is whole milliseconds):`);
    for (const [n, samples] of latency) {
      console.log(`    PostgreSQL, ${n} process${n > 1 ? "es" : " "}    p50 ${ms(percentile(samples, 50)).padStart(9)}   p99 ${ms(percentile(samples, 99)).padStart(9)}   max ${ms(percentile(samples, 100)).padStart(9)}`);
    }
    console.log("    (SQLite is one process's store: its queue wakes its own worker in-process, so there is no cross-process wake-up to measure)");
    return [];
  } finally {
    await rm(dir, { recursive: true, force: true });
    await cluster.stop();
  }
}
