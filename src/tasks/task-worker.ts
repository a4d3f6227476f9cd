import type { Logger } from "pino";
import { QueueDrain } from "../store/queue-drain.js";
import type { Store } from "../store/store.js";
import { interrupted, TaskInterruption } from "./hand-back.js";
import type { TaskRecord } from "./task-types.js";

import type { CodeTask, ReviewTask } from "./task-types.js";

/** Runs one task; `signal` aborts when someone asks the bot to stop it, or the task is handed back. */
export type TaskRunner = (task: TaskRecord, signal: AbortSignal) => Promise<void>;

/** One runner per kind of task; the worker picks by `task.kind`. */
export function dispatchByKind(runners: { code: (task: CodeTask, signal: AbortSignal) => Promise<void>; review: (task: ReviewTask, signal: AbortSignal) => Promise<void> }): TaskRunner {
  return (task, signal) => (task.kind === "code" ? runners.code(task, signal) : runners.review(task, signal));
}

export interface TaskWorkerOptions {
  concurrency: number;
  /** This process's id on its claims: unique per process (host, pid and a random part). */
  workerId: string;
  /** How long a claim holds without a heartbeat; heartbeats go every quarter of it. */
  leaseMs: number;
  maxPerInstallation?: number;
  maxPerRepository?: number;
  /** How often to look for work nobody announced (a missed notice) and for lapsed leases. */
  pollMs?: number;
}

/**
 * Drains the task queue with at most `concurrency` tasks at once. Work is announced by the
 * store's queue watch (any process) and by `poke()`; a slow poll also looks, so nothing waits
 * forever after a missed notice. Each claimed task is leased to this worker and kept by a
 * heartbeat; the poll returns other workers' lapsed tasks to the queue (their process died).
 */
export class TaskWorker {
  readonly #drain: QueueDrain<TaskRecord>;
  readonly #running = new Map<string, { task: TaskRecord; controller: AbortController; done: Promise<void> }>();
  readonly #o: Required<TaskWorkerOptions>;
  #timers: NodeJS.Timeout[] = [];
  #unwatch: (() => Promise<void>) | undefined;
  // Until start(): tasks queued before the sandbox self-test has passed wait for it, not fail on it.
  #started = false;
  #stopped = false;

  constructor(
    private readonly store: Store,
    private readonly runTask: TaskRunner,
    options: TaskWorkerOptions,
    private readonly log: Logger,
  ) {
    this.#o = { maxPerInstallation: 0, maxPerRepository: 0, pollMs: 2000, ...options };
    this.#drain = new QueueDrain({
      capacity: this.#o.concurrency,
      claim: () => this.store.claimNext({
        worker: this.#o.workerId, now: Date.now(), leaseMs: this.#o.leaseMs,
        maxPerInstallation: this.#o.maxPerInstallation, maxPerRepository: this.#o.maxPerRepository,
      }),
      run: (task) => this.#execute(task),
      onError: (err) => this.log.error({ err }, "could not claim a task"),
    });
  }

  get workerId(): string {
    return this.#o.workerId;
  }

  async start(): Promise<void> {
    if (this.#stopped) return;
    this.#started = true;
    this.#unwatch = await this.store.watchQueue((event) => (event === "cancel" ? void this.#heartbeat() : this.poke())).catch((err: unknown) => {
      this.log.warn({ err }, "cannot watch the queue; new tasks are found by polling");
      return undefined;
    });
    const every = (ms: number, tick: () => void) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(this.#o.pollMs, () => void this.#recoverLapsed().finally(() => this.poke()));
    every(Math.max(250, Math.floor(this.#o.leaseMs / 4)), () => void this.#heartbeat());
    this.poke();
  }

  /** Starts queued tasks up to the concurrency (see QueueDrain). */
  poke(): void {
    if (this.#started && !this.#stopped) this.#drain.poke();
  }

  /** Other workers' tasks whose lease lapsed go back to the queue (or fail after too many tries). */
  async #recoverLapsed(): Promise<void> {
    if (this.#stopped) return;
    try {
      const recovered = await this.store.recoverInterrupted(Date.now());
      if (recovered.requeued + recovered.failed > 0) this.log.warn(recovered, "took back tasks whose worker stopped sending heartbeats");
    } catch (err) {
      this.log.warn({ err }, "could not look for interrupted tasks");
    }
  }

  /** Renews the leases of running tasks; aborts those asked to stop and those no longer ours. */
  async #heartbeat(): Promise<void> {
    if (this.#running.size === 0) return;
    let held;
    try {
      held = new Map((await this.store.renewTasks(this.#o.workerId, Date.now() + this.#o.leaseMs)).map((h) => [h.id, h]));
    } catch (err) {
      // The next beat tries again; the lease is long enough for several misses.
      this.log.warn({ err }, "could not renew task leases");
      return;
    }
    for (const [id, { controller }] of this.#running) {
      if (controller.signal.aborted) continue;
      const h = held.get(id);
      if (!h) {
        this.log.warn({ task: id }, "task was taken over by another worker after this one's lease lapsed; stopping it here");
        controller.abort(new TaskInterruption("takenOver", "taken over by another worker"));
      } else if (h.cancelRequested) controller.abort(new Error(h.cancelRequested));
    }
  }

  async #execute(task: TaskRecord): Promise<void> {
    const log = this.log.child({ task: task.id, repo: `${task.owner}/${task.repo}`, number: task.number });
    log.info({ attempt: task.attempts, worker: this.#o.workerId }, task.attempts > 1 ? "task resumed" : "task started");
    const controller = new AbortController();
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.#running.set(task.id, { task, controller, done });
    try {
      await this.runTask(task, controller.signal);
    } catch (error) {
      // The runner reports its own failures; this catches bugs so one task cannot stop the worker.
      log.error({ err: error }, "task crashed");
      if (!interrupted(controller.signal)) await this.store.finish(task.id, "failed", `internal error: ${(error as Error).message}`);
    } finally {
      if (interrupted(controller.signal) && (controller.signal.reason as TaskInterruption).why === "handedBack") {
        const released = await this.store.releaseTask(task.id, this.#o.workerId).catch((err: unknown) => {
          log.error({ err }, "could not hand the task back; it is taken over when its lease lapses");
          return false;
        });
        if (released) log.info("task handed back to the queue");
      }
      this.#running.delete(task.id);
      settle();
    }
  }

  /**
   * `@codex stop`: cancels what is queued for the issue or pull request and stops what is
   * running, on this worker at once and on any other through the store. Returns how many of each.
   */
  async cancel(owner: string, repo: string, number: number, by: string): Promise<{ queued: number; running: number }> {
    const reason = `stopped by @${by}`;
    const queued = await this.store.cancelQueued(owner, repo, number, reason);
    const running = await this.store.requestCancel(owner, repo, number, reason);
    for (const { task, controller } of this.#running.values()) {
      if (task.owner === owner && task.repo === repo && task.number === number && !controller.signal.aborted) controller.abort(new Error(reason));
    }
    return { queued, running };
  }

  /** Stops taking new tasks and waits for running ones. */
  async stop(): Promise<void> {
    await this.shutdown(Number.POSITIVE_INFINITY);
  }

  /**
   * A graceful stop (SIGTERM): takes nothing more, lets running tasks finish for up to `graceMs`,
   * then hands the rest back to the queue for another worker and returns once they have stopped
   * here (each runner stops at its next step). Returns how many were handed back.
   */
  async shutdown(graceMs: number): Promise<number> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    await this.#unwatch?.();
    // The heartbeat keeps running tasks ours during the grace period.
    const beat = setInterval(() => void this.#heartbeat(), Math.max(250, Math.floor(this.#o.leaseMs / 4)));
    try {
      const drained = this.#drain.stop();
      if (Number.isFinite(graceMs)) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      } else await drained;
      const left = [...this.#running.values()];
      for (const { controller } of left) {
        if (!controller.signal.aborted) controller.abort(new TaskInterruption("handedBack", "the worker is shutting down; another worker resumes the task"));
      }
      await Promise.all(left.map((r) => r.done));
      await drained;
      return left.length;
    } finally {
      clearInterval(beat);
    }
  }
}
