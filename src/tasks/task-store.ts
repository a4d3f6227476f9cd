import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { randomBytes, randomUUID } from "node:crypto";
import type { TaskRecord, TaskStatus } from "./task-types.js";
import { SCHEMA, toBotPullRequest, toRecord, type BotPullRequest, type ReviewState, type Row } from "./task-store-rows.js";

export type { BotPullRequest, ReviewState } from "./task-store-rows.js";

/** A task left running by a process that died is retried this many times before it fails. */
export const MAX_ATTEMPTS = 3;

export type EnqueueInput = Pick<TaskRecord, "kind" | "installationId" | "owner" | "repo" | "number" | "request">;

export interface EnqueueOptions {
  /**
   * Replace a task of the same kind still waiting for this issue or PR (a newer push makes a
   * queued review of the older head pointless) and queue even while one is running; the claim
   * order keeps them one at a time.
   */
  replaceQueued?: boolean;
  /** Queue even while a task of the same kind runs for this issue or PR (it waits its turn). */
  queueBehindRunning?: boolean;
}

/**
 * Tasks and webhook deliveries in SQLite. Every method is one statement, so a crash between
 * two calls leaves a consistent database; `claimNext` is atomic within this process.
 */
export class TaskStore {
  readonly #db: DatabaseSync;

  constructor(file: string) {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    this.#db = new DatabaseSync(file);
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
    this.#db.exec(SCHEMA);
  }

  /** True when a delivery with this id already queued work (GitHub redelivers on timeouts and by hand). */
  hasDelivery(id: string): boolean {
    return this.#db.prepare("SELECT 1 FROM deliveries WHERE id = ?").get(id) !== undefined;
  }

  /**
   * Records the delivery and queues its task in one transaction, so a failure before this point
   * leaves the delivery unrecorded and a redelivery can still start the work.
   */
  enqueueForDelivery(deliveryId: string, input: EnqueueInput, options: EnqueueOptions = {}): TaskRecord | null {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const fresh = this.#db.prepare("INSERT OR IGNORE INTO deliveries (id, received_at) VALUES (?, ?)").run(deliveryId, Date.now()).changes === 1;
      const task = fresh ? this.enqueue(input, options) : null;
      this.#db.exec("COMMIT");
      return task;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Queues a task unless one is already queued or running for the same issue; returns it or null. */
  enqueue(input: EnqueueInput, options: EnqueueOptions = {}): TaskRecord | null {
    const now = Date.now();
    const id = randomUUID();
    if (options.replaceQueued) {
      this.#db
        .prepare("UPDATE tasks SET status = 'cancelled', summary = 'replaced by a newer request', updated_at = ? WHERE owner = ? AND repo = ? AND number = ? AND kind = ? AND status = 'queued'")
        .run(now, input.owner, input.repo, input.number, input.kind);
    }
    if (options.queueBehindRunning) {
      // Asking again for the same thing while it waits replaces the waiting request.
      this.#db
        .prepare("UPDATE tasks SET status = 'cancelled', summary = 'replaced by the same request', updated_at = ? WHERE owner = ? AND repo = ? AND number = ? AND kind = ? AND status = 'queued' AND json_extract(request, '$.instruction') = ?")
        .run(now, input.owner, input.repo, input.number, input.kind, (input.request as { instruction?: string }).instruction ?? null);
    }
    const blocking = options.replaceQueued ? "('queued')" : options.queueBehindRunning ? "('none')" : "('queued', 'running')";
    const result = this.#db
      .prepare(
        `INSERT INTO tasks (id, kind, status, installation_id, owner, repo, number, request, log_id, created_at, updated_at)
         SELECT ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE owner = ? AND repo = ? AND number = ? AND kind = ? AND status IN ${blocking})`,
      )
      .run(id, input.kind, input.installationId, input.owner, input.repo, input.number, JSON.stringify(input.request),
        randomBytes(16).toString("hex"), now, now, input.owner, input.repo, input.number, input.kind);
    return result.changes === 1 ? this.get(id) : null;
  }

  get(id: string): TaskRecord | null {
    const row = this.#db.prepare("SELECT * FROM tasks WHERE id = ?").get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  findByLogId(logId: string): TaskRecord | null {
    const row = this.#db.prepare("SELECT * FROM tasks WHERE log_id = ?").get(logId) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  /** Takes the oldest queued task whose issue has nothing running, and marks it running. */
  claimNext(): TaskRecord | null {
    const row = this.#db
      .prepare(
        `UPDATE tasks SET status = 'running', attempts = attempts + 1, updated_at = ?
         WHERE id = (
           SELECT t.id FROM tasks t WHERE t.status = 'queued' AND NOT EXISTS (
             SELECT 1 FROM tasks r WHERE r.status = 'running' AND r.owner = t.owner AND r.repo = t.repo AND r.number = t.number)
           ORDER BY t.created_at LIMIT 1)
         RETURNING *`,
      )
      .get(Date.now()) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  /**
   * Called once at start: tasks a previous process left running go back to the queue
   * (or fail once they have used their attempts). Returns how many of each.
   */
  recoverInterrupted(): { requeued: number; failed: number } {
    const now = Date.now();
    const failed = this.#db
      .prepare("UPDATE tasks SET status = 'failed', summary = 'gave up after repeated interruptions', updated_at = ? WHERE status = 'running' AND attempts >= ?")
      .run(now, MAX_ATTEMPTS).changes;
    const requeued = this.#db.prepare("UPDATE tasks SET status = 'queued', updated_at = ? WHERE status = 'running'").run(now).changes;
    return { requeued: Number(requeued), failed: Number(failed) };
  }

  /** Cancels every queued task for this issue or pull request; returns how many. */
  cancelQueued(owner: string, repo: string, number: number, reason: string): number {
    return Number(
      this.#db.prepare("UPDATE tasks SET status = 'cancelled', summary = ?, updated_at = ? WHERE owner = ? AND repo = ? AND number = ? AND status = 'queued'")
        .run(reason, Date.now(), owner, repo, number).changes,
    );
  }

  /** True when a CI-fix attempt was already made for this head commit (one attempt per failing head). */
  hasCiFixFor(owner: string, repo: string, number: number, headSha: string): boolean {
    return this.#db
      .prepare("SELECT 1 FROM tasks WHERE owner = ? AND repo = ? AND number = ? AND kind = 'code' AND json_extract(request, '$.pull.ciFailure.headSha') = ?")
      .get(owner, repo, number, headSha) !== undefined;
  }

  /** How many code tasks the automatic fix loop has run on a pull request. */
  countAutoFixRounds(owner: string, repo: string, number: number): number {
    const row = this.#db
      .prepare("SELECT count(*) AS n FROM tasks WHERE owner = ? AND repo = ? AND number = ? AND kind = 'code' AND json_extract(request, '$.pull.autoFix') = 1 AND status != 'cancelled'")
      .get(owner, repo, number) as Row;
    return Number(row.n);
  }

  setStatusComment(id: string, commentId: number): void {
    this.#db.prepare("UPDATE tasks SET status_comment_id = ?, updated_at = ? WHERE id = ?").run(commentId, Date.now(), id);
  }

  setPullRequest(id: string, prNumber: number): void {
    this.#db.prepare("UPDATE tasks SET pr_number = ?, updated_at = ? WHERE id = ?").run(prNumber, Date.now(), id);
  }

  finish(id: string, status: Exclude<TaskStatus, "queued" | "running">, summary: string): void {
    this.#db.prepare("UPDATE tasks SET status = ?, summary = ?, updated_at = ? WHERE id = ?").run(status, summary, Date.now(), id);
  }

  /** Remembers a pull request the bot opened, so merge and close events can be told apart from others'. */
  recordBotPullRequest(pr: Pick<BotPullRequest, "owner" | "repo" | "number" | "issueNumber" | "headRef" | "installationId">): void {
    this.#db
      .prepare("INSERT INTO bot_pull_requests (owner, repo, number, issue_number, head_ref, installation_id, state) VALUES (?, ?, ?, ?, ?, ?, 'open') ON CONFLICT (owner, repo, number) DO NOTHING")
      .run(pr.owner, pr.repo, pr.number, pr.issueNumber, pr.headRef, pr.installationId);
  }

  getBotPullRequest(owner: string, repo: string, number: number): BotPullRequest | null {
    const row = this.#db.prepare("SELECT * FROM bot_pull_requests WHERE owner = ? AND repo = ? AND number = ?").get(owner, repo, number) as Row | undefined;
    return row ? toBotPullRequest(row) : null;
  }

  /** merged or abandoned (closed without merge); `branchDeleted` once the bot removed its branch. */
  closeBotPullRequest(owner: string, repo: string, number: number, state: "merged" | "abandoned", branchDeleted: boolean): void {
    this.#db
      .prepare("UPDATE bot_pull_requests SET state = ?, closed_at = ?, branch_deleted = ? WHERE owner = ? AND repo = ? AND number = ?")
      .run(state, Date.now(), branchDeleted ? 1 : 0, owner, repo, number);
  }

  /** Abandoned pull requests whose branch is still there after `olderThanMs`. */
  abandonedBranches(olderThanMs: number, now = Date.now()): BotPullRequest[] {
    const rows = this.#db.prepare("SELECT * FROM bot_pull_requests WHERE state = 'abandoned' AND branch_deleted = 0 AND closed_at <= ?").all(now - olderThanMs) as Row[];
    return rows.map(toBotPullRequest);
  }

  markBranchDeleted(owner: string, repo: string, number: number): void {
    this.#db.prepare("UPDATE bot_pull_requests SET branch_deleted = 1 WHERE owner = ? AND repo = ? AND number = ?").run(owner, repo, number);
  }

  /** What the last review of a pull request found at its head, for the merge gate across pushes. */
  getReviewState(owner: string, repo: string, number: number): ReviewState | null {
    const row = this.#db.prepare("SELECT head_sha, findings FROM review_state WHERE owner = ? AND repo = ? AND number = ?").get(owner, repo, number) as Row | undefined;
    return row ? { headSha: String(row.head_sha), findings: JSON.parse(String(row.findings)) as ReviewState["findings"] } : null;
  }

  setReviewState(owner: string, repo: string, number: number, state: ReviewState): void {
    this.#db
      .prepare("INSERT INTO review_state (owner, repo, number, head_sha, findings) VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner, repo, number) DO UPDATE SET head_sha = excluded.head_sha, findings = excluded.findings")
      .run(owner, repo, number, state.headSha, JSON.stringify(state.findings));
  }

  countByStatus(status: TaskStatus): number {
    const row = this.#db.prepare("SELECT count(*) AS n FROM tasks WHERE status = ?").get(status) as Row;
    return Number(row.n);
  }

  close(): void {
    this.#db.close();
  }
}
