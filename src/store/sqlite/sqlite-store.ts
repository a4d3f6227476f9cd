import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { randomBytes, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { TaskRecord, TaskStatus } from "../../tasks/task-types.js";
import { toBotPullRequest, toDelivery, toRecord, type Row } from "../rows.js";
import { MAX_ATTEMPTS, type BotPullRequest, type ClaimOptions, type EnqueueInput, type HeldTask, type EnqueueOptions, type InboxBacklog, type InboxDelivery, type NewDelivery, type ReviewState, type Store } from "../store.js";
import { applySchema } from "./schema.js";

/** claimNext() without options: this process, a lease longer than any task, no caps. */
const LOCAL_CLAIM: ClaimOptions = { worker: "local", now: 0, leaseMs: 24 * 60 * 60 * 1000 };

/**
 * The embedded backend: one SQLite file, nothing to install, for a bot on one machine.
 * node:sqlite is synchronous, so every method is atomic within this process; the methods are
 * async only to share the Store interface with the PostgreSQL backend.
 */
export class SqliteStore implements Store {
  readonly shared = false;
  readonly #db: DatabaseSync;
  // One process owns the file, so queue events need not cross processes.
  readonly #events = new EventEmitter();

  constructor(file: string) {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    this.#db = new DatabaseSync(file);
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
    applySchema(this.#db);
  }

  #all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#db.prepare(sql).all(...params) as Row[];
  }

  #one(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#db.prepare(sql).get(...params) as Row | undefined;
  }

  #run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.#db.prepare(sql).run(...params).changes);
  }

  #transaction<T>(work: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  // The inbox.

  /**
   * Group commit: deliveries that arrive in the same turn of the event loop are written in one
   * transaction, one flush to disk for all of them, and each is answered once that commit is
   * durable. node:sqlite blocks the event loop on every commit, so under a burst one commit per
   * delivery would keep the webhook answers waiting on the disk.
   */
  recordDelivery(d: NewDelivery): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#toRecord.push({ delivery: d, resolve, reject });
      if (this.#toRecord.length === 1) setImmediate(() => this.#recordBatch());
    });
  }

  readonly #toRecord: { delivery: NewDelivery; resolve: (fresh: boolean) => void; reject: (error: unknown) => void }[] = [];

  #recordBatch(): void {
    const batch = this.#toRecord.splice(0);
    try {
      const fresh = this.#transaction(() => batch.map(({ delivery: d }) => this.#run(
        `INSERT INTO inbox (id, event, action, installation_id, repository, target, payload, received_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        d.id, d.event, d.action, d.installationId, d.repository, d.target, JSON.stringify(d.payload), d.receivedAt, d.receivedAt,
      ) === 1));
      batch.forEach((entry, i) => entry.resolve(fresh[i]!));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  async hasDelivery(id: string): Promise<boolean> {
    return this.#one("SELECT 1 FROM inbox WHERE id = ?", id) !== undefined;
  }

  async claimDelivery(now: number, leaseMs: number): Promise<InboxDelivery | null> {
    // Due, and nothing older for the same target still waiting or being dispatched: per-target
    // order holds even while an earlier delivery waits out a retry.
    const row = this.#one(
      `UPDATE inbox SET status = 'processing', attempts = attempts + 1, lease_until = ?
       WHERE id = (
         SELECT i.id FROM inbox i
         WHERE ((i.status = 'pending' AND i.next_attempt_at <= ?) OR (i.status = 'processing' AND i.lease_until <= ?))
           AND NOT EXISTS (SELECT 1 FROM inbox o WHERE o.target = i.target AND o.status IN ('pending', 'processing')
                           AND (o.received_at < i.received_at OR (o.received_at = i.received_at AND o.id < i.id)))
         ORDER BY i.received_at, i.id LIMIT 1)
       RETURNING *`,
      now + leaseMs, now, now,
    );
    return row ? toDelivery(row) : null;
  }

  async renewDelivery(id: string, leaseUntil: number): Promise<boolean> {
    return this.#run("UPDATE inbox SET lease_until = ? WHERE id = ? AND status = 'processing'", leaseUntil, id) === 1;
  }

  async finishDelivery(id: string, status: "done" | "dropped", note?: string): Promise<void> {
    this.#run("UPDATE inbox SET status = ?, lease_until = NULL, finished_at = ?, last_error = coalesce(?, last_error) WHERE id = ?", status, Date.now(), note ?? null, id);
  }

  async deferDelivery(id: string, nextAttemptAt: number, error: string): Promise<void> {
    this.#run("UPDATE inbox SET status = 'pending', lease_until = NULL, next_attempt_at = ?, last_error = ? WHERE id = ?", nextAttemptAt, error, id);
  }

  async releaseDeliveries(): Promise<number> {
    return this.#run("UPDATE inbox SET status = 'pending', lease_until = NULL WHERE status = 'processing'");
  }

  async nextDeliveryDueAt(now: number): Promise<number | null> {
    const row = this.#one("SELECT min(next_attempt_at) AS due FROM inbox WHERE status = 'pending' AND next_attempt_at > ?", now);
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  }

  async inboxBacklog(): Promise<InboxBacklog> {
    const row = this.#one("SELECT count(*) AS n, min(received_at) AS oldest FROM inbox WHERE status IN ('pending', 'processing')")!;
    return { pending: Number(row.n), oldestReceivedAt: row.oldest === null ? null : Number(row.oldest) };
  }

  async newestDeliveryAt(): Promise<number | undefined> {
    const row = this.#one("SELECT max(received_at) AS newest FROM inbox");
    return row?.newest === null || row?.newest === undefined ? undefined : Number(row.newest);
  }

  async pruneDeliveries(before: number): Promise<number> {
    return this.#run("DELETE FROM inbox WHERE status IN ('done', 'dropped') AND received_at < ?", before);
  }

  async redeliveryRequests(id: string): Promise<{ count: number; lastAt: number } | undefined> {
    const row = this.#one("SELECT count, last_at FROM redelivery_requests WHERE id = ?", id);
    return row ? { count: Number(row.count), lastAt: Number(row.last_at) } : undefined;
  }

  async recordRedeliveryRequest(id: string, at: number): Promise<void> {
    this.#run("INSERT INTO redelivery_requests (id, count, last_at) VALUES (?, 1, ?) ON CONFLICT (id) DO UPDATE SET count = count + 1, last_at = excluded.last_at", id, at);
  }

  // Tasks.

  async enqueueForDelivery(deliveryId: string, input: EnqueueInput, options: EnqueueOptions = {}): Promise<TaskRecord | null> {
    return this.#transaction(() => {
      const earlier = this.#one("SELECT task_id FROM deliveries WHERE id = ?", deliveryId);
      if (earlier) return earlier.task_id === null ? null : this.#get(String(earlier.task_id));
      const receivedAt = Number(this.#one("SELECT received_at FROM inbox WHERE id = ?", deliveryId)?.received_at ?? Date.now());
      const task = this.#enqueue(input, options, { id: deliveryId, receivedAt });
      this.#run("INSERT INTO deliveries (id, received_at, task_id) VALUES (?, ?, ?)", deliveryId, receivedAt, task?.id ?? null);
      return task;
    });
  }

  async enqueue(input: EnqueueInput, options: EnqueueOptions = {}): Promise<TaskRecord | null> {
    return this.#enqueue(input, options, null);
  }

  #enqueue(input: EnqueueInput, options: EnqueueOptions, delivery: { id: string; receivedAt: number } | null): TaskRecord | null {
    const now = Date.now();
    const id = randomUUID();
    const target = [input.owner, input.repo, input.number, input.kind] as const;
    if (options.replaceQueued) {
      this.#run("UPDATE tasks SET status = 'cancelled', summary = 'replaced by a newer request', updated_at = ? WHERE owner = ? AND repo = ? AND number = ? AND kind = ? AND status = 'queued'", now, ...target);
    }
    if (options.queueBehindRunning) {
      // Asking again for the same thing while it waits replaces the waiting request.
      this.#run(
        "UPDATE tasks SET status = 'cancelled', summary = 'replaced by the same request', updated_at = ? WHERE owner = ? AND repo = ? AND number = ? AND kind = ? AND status = 'queued' AND json_extract(request, '$.instruction') = ?",
        now, ...target, (input.request as { instruction?: string }).instruction ?? null,
      );
    }
    const blocking = options.replaceQueued ? "('queued')" : options.queueBehindRunning ? "('none')" : "('queued', 'running')";
    const inserted = this.#run(
      `INSERT INTO tasks (id, kind, status, installation_id, owner, repo, number, request, log_id, created_at, updated_at, delivery_id, delivery_received_at)
       SELECT ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE owner = ? AND repo = ? AND number = ? AND kind = ? AND status IN ${blocking})`,
      id, input.kind, input.installationId, input.owner, input.repo, input.number, JSON.stringify(input.request),
      randomBytes(16).toString("hex"), now, now, delivery?.id ?? null, delivery?.receivedAt ?? null, ...target,
    );
    if (inserted === 1) this.#notify("queued");
    return inserted === 1 ? this.#get(id) : null;
  }

  #get(id: string): TaskRecord | null {
    const row = this.#one("SELECT * FROM tasks WHERE id = ?", id);
    return row ? toRecord(row) : null;
  }

  async get(id: string): Promise<TaskRecord | null> {
    return this.#get(id);
  }

  async findByLogId(logId: string): Promise<TaskRecord | null> {
    const row = this.#one("SELECT * FROM tasks WHERE log_id = ?", logId);
    return row ? toRecord(row) : null;
  }

  async claimNext(options: ClaimOptions = LOCAL_CLAIM): Promise<TaskRecord | null> {
    const now = options === LOCAL_CLAIM ? Date.now() : options.now;
    const row = this.#one(
      `UPDATE tasks SET status = 'running', attempts = attempts + 1, worker_id = ?, lease_until = ?, cancel_requested = NULL, updated_at = ?
       WHERE id = (
         SELECT t.id FROM tasks t WHERE t.status = 'queued'
           AND NOT EXISTS (SELECT 1 FROM tasks r WHERE r.status = 'running' AND r.owner = t.owner AND r.repo = t.repo AND r.number = t.number)
           AND (? = 0 OR (SELECT count(*) FROM tasks r WHERE r.status = 'running' AND r.installation_id = t.installation_id) < ?)
           AND (? = 0 OR (SELECT count(*) FROM tasks r WHERE r.status = 'running' AND r.owner = t.owner AND r.repo = t.repo) < ?)
         ORDER BY t.created_at, t.rowid LIMIT 1)
       RETURNING *`,
      options.worker, now + options.leaseMs, now,
      options.maxPerInstallation ?? 0, options.maxPerInstallation ?? 0, options.maxPerRepository ?? 0, options.maxPerRepository ?? 0,
    );
    return row ? toRecord(row) : null;
  }

  async renewTasks(worker: string, leaseUntil: number): Promise<HeldTask[]> {
    return this.#all("UPDATE tasks SET lease_until = ? WHERE worker_id = ? AND status = 'running' RETURNING id, cancel_requested", leaseUntil, worker)
      .map((row) => ({ id: String(row.id), cancelRequested: row.cancel_requested === null ? null : String(row.cancel_requested) }));
  }

  async releaseTask(id: string, worker: string): Promise<boolean> {
    const released = this.#run("UPDATE tasks SET status = 'queued', worker_id = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND worker_id = ? AND status = 'running'", Date.now(), id, worker) === 1;
    if (released) this.#notify("queued");
    return released;
  }

  async recoverInterrupted(leasesEndedBy?: number): Promise<{ requeued: number; failed: number }> {
    const now = Date.now();
    const ended = leasesEndedBy === undefined ? "" : " AND lease_until <= ?";
    const by = leasesEndedBy === undefined ? [] : [leasesEndedBy];
    return this.#transaction(() => {
      const failed = this.#run(`UPDATE tasks SET status = 'failed', summary = 'gave up after repeated interruptions', worker_id = NULL, lease_until = NULL, updated_at = ? WHERE status = 'running' AND attempts >= ?${ended}`, now, MAX_ATTEMPTS, ...by);
      const requeued = this.#run(`UPDATE tasks SET status = 'queued', worker_id = NULL, lease_until = NULL, updated_at = ? WHERE status = 'running'${ended}`, now, ...by);
      if (requeued > 0) this.#notify("queued");
      return { requeued, failed };
    });
  }

  async requestCancel(owner: string, repo: string, number: number, reason: string): Promise<number> {
    const n = this.#run("UPDATE tasks SET cancel_requested = ? WHERE owner = ? AND repo = ? AND number = ? AND status = 'running' AND cancel_requested IS NULL", reason, owner, repo, number);
    if (n > 0) this.#notify("cancel");
    return n;
  }

  // After the statement's transaction: a listener that claims at once must see the commit.
  #notify(event: "queued" | "cancel"): void {
    setImmediate(() => this.#events.emit("queue", event));
  }

  async watchQueue(listener: (event: "queued" | "cancel") => void): Promise<() => Promise<void>> {
    this.#events.on("queue", listener);
    return async () => void this.#events.off("queue", listener);
  }

  async appendTaskLog(logId: string, text: string): Promise<void> {
    this.#run("INSERT INTO task_logs (log_id, text) VALUES (?, ?)", logId, text);
  }

  async readTaskLog(logId: string): Promise<string | null> {
    const rows = this.#all("SELECT text FROM task_logs WHERE log_id = ? ORDER BY seq", logId);
    return rows.length === 0 ? null : rows.map((r) => String(r.text)).join("");
  }

  async cancelQueued(owner: string, repo: string, number: number, reason: string): Promise<number> {
    return this.#run("UPDATE tasks SET status = 'cancelled', summary = ?, updated_at = ? WHERE owner = ? AND repo = ? AND number = ? AND status = 'queued'", reason, Date.now(), owner, repo, number);
  }

  async hasCiFixFor(owner: string, repo: string, number: number, headSha: string): Promise<boolean> {
    return this.#one("SELECT 1 FROM tasks WHERE owner = ? AND repo = ? AND number = ? AND kind = 'code' AND json_extract(request, '$.pull.ciFailure.headSha') = ?", owner, repo, number, headSha) !== undefined;
  }

  async countAutoFixRounds(owner: string, repo: string, number: number): Promise<number> {
    const row = this.#one("SELECT count(*) AS n FROM tasks WHERE owner = ? AND repo = ? AND number = ? AND kind = 'code' AND json_extract(request, '$.pull.autoFix') = 1 AND status != 'cancelled'", owner, repo, number);
    return Number(row!.n);
  }

  async setStatusComment(id: string, commentId: number): Promise<void> {
    this.#run("UPDATE tasks SET status_comment_id = ?, updated_at = ? WHERE id = ?", commentId, Date.now(), id);
  }

  async setPullRequest(id: string, prNumber: number): Promise<void> {
    this.#run("UPDATE tasks SET pr_number = ?, updated_at = ? WHERE id = ?", prNumber, Date.now(), id);
  }

  async finish(id: string, status: Exclude<TaskStatus, "queued" | "running">, summary: string): Promise<void> {
    this.#run("UPDATE tasks SET status = ?, summary = ?, worker_id = NULL, lease_until = NULL, updated_at = ? WHERE id = ?", status, summary, Date.now(), id);
  }

  async countByStatus(status: TaskStatus): Promise<number> {
    return Number(this.#one("SELECT count(*) AS n FROM tasks WHERE status = ?", status)!.n);
  }

  // The bot's pull requests and reviews.

  async recordBotPullRequest(pr: Pick<BotPullRequest, "owner" | "repo" | "number" | "issueNumber" | "headRef" | "installationId">): Promise<void> {
    this.#run(
      "INSERT INTO bot_pull_requests (owner, repo, number, issue_number, head_ref, installation_id, state) VALUES (?, ?, ?, ?, ?, ?, 'open') ON CONFLICT (owner, repo, number) DO NOTHING",
      pr.owner, pr.repo, pr.number, pr.issueNumber, pr.headRef, pr.installationId,
    );
  }

  async getBotPullRequest(owner: string, repo: string, number: number): Promise<BotPullRequest | null> {
    const row = this.#one("SELECT * FROM bot_pull_requests WHERE owner = ? AND repo = ? AND number = ?", owner, repo, number);
    return row ? toBotPullRequest(row) : null;
  }

  async closeBotPullRequest(owner: string, repo: string, number: number, state: "merged" | "abandoned", branchDeleted: boolean): Promise<void> {
    this.#run("UPDATE bot_pull_requests SET state = ?, closed_at = ?, branch_deleted = ? WHERE owner = ? AND repo = ? AND number = ?", state, Date.now(), branchDeleted ? 1 : 0, owner, repo, number);
  }

  async abandonedBranches(olderThanMs: number, now = Date.now()): Promise<BotPullRequest[]> {
    return this.#all("SELECT * FROM bot_pull_requests WHERE state = 'abandoned' AND branch_deleted = 0 AND closed_at <= ?", now - olderThanMs).map(toBotPullRequest);
  }

  async markBranchDeleted(owner: string, repo: string, number: number): Promise<void> {
    this.#run("UPDATE bot_pull_requests SET branch_deleted = 1 WHERE owner = ? AND repo = ? AND number = ?", owner, repo, number);
  }

  async getReviewState(owner: string, repo: string, number: number): Promise<ReviewState | null> {
    const row = this.#one("SELECT head_sha, findings FROM review_state WHERE owner = ? AND repo = ? AND number = ?", owner, repo, number);
    return row ? { headSha: String(row.head_sha), findings: JSON.parse(String(row.findings)) as ReviewState["findings"] } : null;
  }

  async setReviewState(owner: string, repo: string, number: number, state: ReviewState): Promise<void> {
    this.#run(
      "INSERT INTO review_state (owner, repo, number, head_sha, findings) VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner, repo, number) DO UPDATE SET head_sha = excluded.head_sha, findings = excluded.findings",
      owner, repo, number, state.headSha, JSON.stringify(state.findings),
    );
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
