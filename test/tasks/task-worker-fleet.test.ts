// TaskWorkers sharing one real PostgreSQL, each with a store connection of its own, as on
// separate machines: stop requests cross between them, a graceful shutdown finishes or hands
// back, and a worker whose lease lapsed learns it lost the task and leaves it to the new owner.
import { pino } from "pino";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import type { Store } from "../../src/store/store.js";
import { interrupted, TaskInterruption } from "../../src/tasks/hand-back.js";
import { TaskWorker, type TaskRunner } from "../../src/tasks/task-worker.js";
import type { TaskRecord } from "../../src/tasks/task-types.js";
import { usePostgres } from "../helpers/postgres.js";

const postgres = usePostgres();
const silent = pino({ level: "silent" });
const input = (number: number) => ({
  kind: "code" as const, installationId: 1, owner: "o", repo: "r", number,
  request: { trigger: "label" as const, issueTitle: "t", instruction: "", issueBody: "", sender: { login: "m", id: 1 }, cloneUrl: "u", defaultBranch: "main", htmlUrl: "h" },
});

/** A promise with its resolver, for hold points. */
function signalled<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Waits on a condition by polling the store, bounded by a number of polls. */
async function poll<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 1_000; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe("workers sharing PostgreSQL", () => {
  let url: string;
  const opened: Store[] = [];
  const workers: TaskWorker[] = [];
  const open = async () => {
    const store = await PostgresStore.open(url);
    opened.push(store);
    return store;
  };
  const worker = async (store: Store, run: TaskRunner, options: { leaseMs?: number; pollMs?: number } = {}) => {
    const w = new TaskWorker(store, run, { concurrency: 2, workerId: `w${workers.length}`, leaseMs: options.leaseMs ?? 60_000, pollMs: options.pollMs ?? 50 }, silent);
    workers.push(w);
    await w.start();
    return w;
  };
  beforeEach(async () => {
    url = await postgres.freshDatabase();
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.shutdown(0);
    for (const s of opened.splice(0)) await s.close();
  });

  test("@codex stop asked through one worker stops the task another worker runs", async () => {
    const [a, b] = [await open(), await open()];
    const started = signalled<TaskRecord>();
    const stoppedWith = signalled<string>();
    await worker(b, async (task, signal) => {
      started.resolve(task);
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      stoppedWith.resolve((signal.reason as Error).message);
      await b.finish(task.id, "cancelled", "stopped");
    });
    const web = await worker(a, async () => { throw new Error("the web process's worker should get nothing"); });
    // Only b's worker may claim: a's is told to stop taking tasks but can still cancel.
    await web.shutdown(0);
    await a.enqueue(input(1));
    await started.promise;
    expect(await web.cancel("o", "r", 1, "m")).toEqual({ queued: 0, running: 1 });
    expect(await stoppedWith.promise).toBe("stopped by @m");
  });

  test("a graceful shutdown lets a task that ends within the grace finish, and hands back nothing", async () => {
    const store = await open();
    const started = signalled();
    const release = signalled();
    const w = await worker(store, async (task) => {
      started.resolve();
      await release.promise;
      await store.finish(task.id, "succeeded", "ok");
    });
    const task = (await store.enqueue(input(2)))!;
    await started.promise;
    const stopping = w.shutdown(600_000);
    release.resolve();
    expect(await stopping).toBe(0);
    expect((await store.get(task.id))!.status).toBe("succeeded");
  });

  test("past the grace, a running task is handed back and another worker runs it from the start", async () => {
    const [first, second] = [await open(), await open()];
    const started = signalled();
    let sawHandBack = false;
    const leaving = await worker(first, async (_task, signal) => {
      started.resolve();
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      sawHandBack = interrupted(signal) && (signal.reason as TaskInterruption).why === "handedBack";
    });
    const task = (await first.enqueue(input(3)))!;
    await started.promise;
    expect(await leaving.shutdown(0)).toBe(1);
    expect(sawHandBack).toBe(true);
    expect((await second.get(task.id))!.status).toBe("queued");
    const resumed = signalled<TaskRecord>();
    await worker(second, async (t) => {
      resumed.resolve(t);
      await second.finish(t.id, "succeeded", "ok");
    });
    expect(await resumed.promise).toMatchObject({ id: task.id, attempts: 2 });
  });

  test("a worker cut off from the database past its lease loses the task to another, and learns it on its next heartbeat", async () => {
    const [cutOff, other] = [await open(), await open()];
    let partitioned = false;
    // The same store, except that while partitioned every queue call fails as a lost connection would.
    const cutCalls = new Set(["renewTasks", "claimNext", "recoverInterrupted", "releaseTask", "finish"]);
    const flaky = new Proxy(cutOff, {
      get: (target, key) => {
        const value = Reflect.get(target, key) as unknown;
        if (typeof value !== "function") return value;
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        return cutCalls.has(String(key)) ? (...args: unknown[]) => (partitioned ? Promise.reject(new Error("connection lost")) : bound(...args)) : bound;
      },
    }) as Store;
    const started = signalled();
    const lostWith = signalled<unknown>();
    await worker(flaky, async (_task, signal) => {
      started.resolve();
      partitioned = true;
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      lostWith.resolve(signal.reason);
    }, { leaseMs: 1_000 });
    const task = (await other.enqueue(input(4)))!;
    await started.promise;
    const takenOver = signalled<TaskRecord>();
    const finishNow = signalled();
    await worker(other, async (t) => {
      takenOver.resolve(t);
      await finishNow.promise;
      await other.finish(t.id, "succeeded", "ok");
    }, { leaseMs: 60_000 });
    expect(await takenOver.promise).toMatchObject({ id: task.id, attempts: 2 });
    partitioned = false;
    expect(await lostWith.promise).toMatchObject({ why: "takenOver" });
    finishNow.resolve();
    expect(await poll("the new owner to finish", async () => ((await other.get(task.id))!.status === "succeeded" ? true : undefined))).toBe(true);
  });
});
