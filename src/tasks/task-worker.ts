import type { Logger } from "pino";
import { QueueDrain } from "../store/queue-drain.js";
import type { Store } from "../store/store.js";
import type { TaskRecord } from "./task-types.js";

import type { CodeTask, ReviewTask } from "./task-types.js";

/** Runs one task; `signal` aborts when someone asks the bot to stop it. */
export type TaskRunner = (task: TaskRecord, signal: AbortSignal) => Promise<void>;

/** One runner per kind of task; the worker picks by `task.kind`. */
export function dispatchByKind(runners: { code: (task: CodeTask, signal: AbortSignal) => Promise<void>; review: (task: ReviewTask, signal: AbortSignal) => Promise<void> }): TaskRunner {
  return (task, signal) => (task.kind === "code" ? runners.code(task, signal) : runners.review(task, signal));
}

/**
 * Drains the task queue with at most `concurrency` tasks at once. `poke()` after an enqueue
 * starts work at once; a slow timer also polls so nothing waits forever after a missed poke.
 */
export class TaskWorker {
  readonly #drain: QueueDrain<TaskRecord>;
  readonly #controllers = new Map<string, { task: TaskRecord; controller: AbortController }>();
  #timer: NodeJS.Timeout | undefined;
  // Until start(): tasks queued before the sandbox self-test has passed wait for it, not fail on it.
  #started = false;
  #stopped = false;

  constructor(
    private readonly store: Store,
    private readonly runTask: TaskRunner,
    concurrency: number,
    private readonly log: Logger,
  ) {
    this.#drain = new QueueDrain({
      capacity: concurrency, claim: () => this.store.claimNext(), run: (task) => this.#execute(task),
      onError: (err) => this.log.error({ err }, "could not claim a task"),
    });
  }

  start(pollMs = 2000): void {
    this.#started = true;
    this.#timer = setInterval(() => this.poke(), pollMs);
    this.#timer.unref();
    this.poke();
  }

  /** Starts queued tasks up to the concurrency (see QueueDrain). */
  poke(): void {
    if (this.#started && !this.#stopped) this.#drain.poke();
  }

  async #execute(task: TaskRecord): Promise<void> {
    const log = this.log.child({ task: task.id, repo: `${task.owner}/${task.repo}`, number: task.number });
    log.info({ attempt: task.attempts }, "task started");
    const controller = new AbortController();
    this.#controllers.set(task.id, { task, controller });
    try {
      await this.runTask(task, controller.signal);
    } catch (error) {
      // The runner reports its own failures; this catches bugs so one task cannot stop the worker.
      log.error({ err: error }, "task crashed");
      await this.store.finish(task.id, "failed", `internal error: ${(error as Error).message}`);
    } finally {
      this.#controllers.delete(task.id);
    }
  }

  /**
   * `@codex stop`: cancels what is queued for the issue or pull request and aborts what is
   * running (the runner stops at its next step and says so). Returns how many of each.
   */
  async cancel(owner: string, repo: string, number: number, by: string): Promise<{ queued: number; running: number }> {
    const queued = await this.store.cancelQueued(owner, repo, number, `stopped by @${by}`);
    let running = 0;
    for (const { task, controller } of this.#controllers.values()) {
      if (task.owner === owner && task.repo === repo && task.number === number && !controller.signal.aborted) {
        controller.abort(new Error(`stopped by @${by}`));
        running += 1;
      }
    }
    return { queued, running };
  }

  /** Stops taking new tasks and waits for running ones. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#drain.stop();
  }
}
