import type { Logger } from "pino";
import type { TaskStore } from "./task-store.js";
import type { TaskRecord } from "./task-types.js";

import type { CodeTask, ReviewTask } from "./task-types.js";

export type TaskRunner = (task: TaskRecord) => Promise<void>;

/** One runner per kind of task; the worker picks by `task.kind`. */
export function dispatchByKind(runners: { code: (task: CodeTask) => Promise<void>; review: (task: ReviewTask) => Promise<void> }): TaskRunner {
  return (task) => (task.kind === "code" ? runners.code(task) : runners.review(task));
}

/**
 * Drains the SQLite queue with at most `concurrency` tasks at once. `poke()` after an enqueue
 * starts work at once; a slow timer also polls so nothing waits forever after a missed poke.
 */
export class TaskWorker {
  readonly #running = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly store: TaskStore,
    private readonly runTask: TaskRunner,
    private readonly concurrency: number,
    private readonly log: Logger,
  ) {}

  start(pollMs = 2000): void {
    this.#timer = setInterval(() => this.poke(), pollMs);
    this.#timer.unref();
    this.poke();
  }

  poke(): void {
    while (!this.#stopped && this.#running.size < this.concurrency) {
      const task = this.store.claimNext();
      if (!task) return;
      const run = this.#execute(task).finally(() => {
        this.#running.delete(run);
        this.poke();
      });
      this.#running.add(run);
    }
  }

  async #execute(task: TaskRecord): Promise<void> {
    const log = this.log.child({ task: task.id, repo: `${task.owner}/${task.repo}`, number: task.number });
    log.info({ attempt: task.attempts }, "task started");
    try {
      await this.runTask(task);
    } catch (error) {
      // The runner reports its own failures; this catches bugs so one task cannot stop the worker.
      log.error({ err: error }, "task crashed");
      this.store.finish(task.id, "failed", `internal error: ${(error as Error).message}`);
    }
  }

  /** Stops taking new tasks and waits for running ones. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await Promise.allSettled([...this.#running]);
  }
}
