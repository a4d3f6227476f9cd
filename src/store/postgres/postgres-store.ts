import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import type { TaskRecord, TaskStatus } from "../../tasks/task-types.js";
import { toBotPullRequest, toDelivery, toRecord, type Row } from "../rows.js";
import {
  MAX_ATTEMPTS, type BotPullRequest, type ClaimOptions, type EnqueueInput, type EnqueueOptions, type HeldTask, type InboxBacklog,
  type InboxDelivery, type NewDelivery, type ReviewState, type Store,
} from "../store.js";
import { LOCKS, migrate } from "./migrations.js";

const CHANNEL = "codex_queue";
type Db = pg.Pool | pg.PoolClient;

/**
 * The shared backend: one PostgreSQL for every process on every machine (DATABASE_URL).
 *
 * Claims are serialised by a transaction-level advisory lock rather than `FOR UPDATE SKIP
 * LOCKED` alone: "nothing else running for this issue" and "installation under its cap" are
 * facts about *other* rows, which row locks cannot protect (two workers would each see the
 * other's claim as not yet committed and both start). A claim holds the lock for one short
 * statement, so it is not what bounds throughput; tasks are minutes long.
 */
export class PostgresStore implements Store {
  readonly shared = true;
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects and applies the migrations this version needs. */
  static async open(url: string, options: { maxConnections?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
    // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
    pool.on("error", () => undefined);
    const client = await pool.connect().catch(async (error: unknown) => {
      await pool.end();
      throw new Error(`cannot connect to PostgreSQL (DATABASE_URL): ${(error as Error).message}`, { cause: error });
    });
    try {
      await migrate(client);
    } finally {
      client.release();
    }
    return new PostgresStore(pool);
  }

  async #all(sql: string, params: unknown[] = [], db: Db = this.#pool): Promise<Row[]> {
    return (await db.query(sql, params)).rows as Row[];
  }

  async #one(sql: string, params: unknown[] = [], db: Db = this.#pool): Promise<Row | undefined> {
    return (await db.query(sql, params)).rows[0] as Row | undefined;
  }

  async #run(sql: string, params: unknown[] = [], db: Db = this.#pool): Promise<number> {
    return (await db.query(sql, params)).rowCount ?? 0;
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  // The inbox.

  async recordDelivery(d: NewDelivery): Promise<boolean> {
    return await this.#run(
      `INSERT INTO inbox (id, event, action, installation_id, repository, target, payload, received_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (id) DO NOTHING`,
      [d.id, d.event, d.action, d.installationId, d.repository, d.target, JSON.stringify(d.payload), d.receivedAt],
    ) === 1;
  }

  async hasDelivery(id: string): Promise<boolean> {
    return await this.#one("SELECT 1 FROM inbox WHERE id = $1", [id]) !== undefined;
  }

  async claimDelivery(now: number, leaseMs: number): Promise<InboxDelivery | null> {
    // Serialised like task claims: "nothing older for this target unfinished" is about other rows.
    return this.#transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1, 0)", [LOCKS.claimDelivery]);
      const row = await this.#one(
        `UPDATE inbox SET status = 'processing', attempts = attempts + 1, lease_until = $1
         WHERE id = (
           SELECT i.id FROM inbox i
           WHERE ((i.status = 'pending' AND i.next_attempt_at <= $2) OR (i.status = 'processing' AND i.lease_until <= $2))
             AND NOT EXISTS (SELECT 1 FROM inbox o WHERE o.target = i.target AND o.status IN ('pending', 'processing')
                             AND (o.received_at < i.received_at OR (o.received_at = i.received_at AND o.id < i.id)))
           ORDER BY i.received_at, i.id LIMIT 1)
         RETURNING *`,
        [now + leaseMs, now], client,
      );
      return row ? toDelivery(row) : null;
    });
  }

  async renewDelivery(id: string, leaseUntil: number): Promise<boolean> {
    return await this.#run("UPDATE inbox SET lease_until = $1 WHERE id = $2 AND status = 'processing'", [leaseUntil, id]) === 1;
  }

  async finishDelivery(id: string, status: "done" | "dropped", note?: string): Promise<void> {
    await this.#run("UPDATE inbox SET status = $1, lease_until = NULL, finished_at = $2, last_error = coalesce($3, last_error) WHERE id = $4", [status, Date.now(), note ?? null, id]);
  }

  async deferDelivery(id: string, nextAttemptAt: number, error: string): Promise<void> {
    await this.#run("UPDATE inbox SET status = 'pending', lease_until = NULL, next_attempt_at = $1, last_error = $2 WHERE id = $3", [nextAttemptAt, error, id]);
  }

  /**
   * Other processes may be dispatching right now, so nothing is taken from them here: a dead
   * process's deliveries come back when their lease runs out (claimDelivery). Returns 0.
   */
  async releaseDeliveries(): Promise<number> {
    return 0;
  }

  async nextDeliveryDueAt(now: number): Promise<number | null> {
    const row = await this.#one("SELECT min(next_attempt_at) AS due FROM inbox WHERE status = 'pending' AND next_attempt_at > $1", [now]);
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  }

  async inboxBacklog(): Promise<InboxBacklog> {
    const row = (await this.#one("SELECT count(*) AS n, min(received_at) AS oldest FROM inbox WHERE status IN ('pending', 'processing')"))!;
    return { pending: Number(row.n), oldestReceivedAt: row.oldest === null ? null : Number(row.oldest) };
  }

  async newestDeliveryAt(): Promise<number | undefined> {
    const row = await this.#one("SELECT max(received_at) AS newest FROM inbox");
    return row?.newest === null || row?.newest === undefined ? undefined : Number(row.newest);
  }

  async pruneDeliveries(before: number): Promise<number> {
    return this.#run("DELETE FROM inbox WHERE status IN ('done', 'dropped') AND received_at < $1", [before]);
  }

  async redeliveryRequests(id: string): Promise<{ count: number; lastAt: number } | undefined> {
    const row = await this.#one("SELECT count, last_at FROM redelivery_requests WHERE id = $1", [id]);
    return row ? { count: Number(row.count), lastAt: Number(row.last_at) } : undefined;
  }

  async recordRedeliveryRequest(id: string, at: number): Promise<void> {
    await this.#run("INSERT INTO redelivery_requests (id, count, last_at) VALUES ($1, 1, $2) ON CONFLICT (id) DO UPDATE SET count = redelivery_requests.count + 1, last_at = excluded.last_at", [id, at]);
  }

  // Tasks.

  async enqueueForDelivery(deliveryId: string, input: EnqueueInput, options: EnqueueOptions = {}): Promise<TaskRecord | null> {
    // Recording that the delivery was dispatched and queueing its task commit together.
    return this.#transaction(async (client) => {
      await this.#lockTarget(client, input);
      const earlier = await this.#one("SELECT task_id FROM deliveries WHERE id = $1 FOR UPDATE", [deliveryId], client);
      if (earlier) return earlier.task_id === null ? null : this.#get(String(earlier.task_id), client);
      const receivedAt = Number((await this.#one("SELECT received_at FROM inbox WHERE id = $1", [deliveryId], client))?.received_at ?? Date.now());
      const task = await this.#enqueue(client, input, options, { id: deliveryId, receivedAt });
      const inserted = await this.#run("INSERT INTO deliveries (id, received_at, task_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", [deliveryId, receivedAt, task?.id ?? null], client);
      // Another process dispatched the same delivery at the same moment and won: undo ours.
      if (inserted === 0) throw new Error(`delivery ${deliveryId} was queued by another process at the same time; retry`);
      return task;
    });
  }

  async enqueue(input: EnqueueInput, options: EnqueueOptions = {}): Promise<TaskRecord | null> {
    return this.#transaction(async (client) => {
      await this.#lockTarget(client, input);
      return this.#enqueue(client, input, options, null);
    });
  }

  /** Enqueues for one issue or PR one at a time, across processes: the "nothing queued yet" check is about other rows. */
  async #lockTarget(client: pg.PoolClient, input: EnqueueInput): Promise<void> {
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCKS.enqueueTarget, `${input.owner}/${input.repo}#${input.number}`]);
  }

  async #enqueue(client: pg.PoolClient, input: EnqueueInput, options: EnqueueOptions, delivery: { id: string; receivedAt: number } | null): Promise<TaskRecord | null> {
    const now = Date.now();
    const id = randomUUID();
    const target = [input.owner, input.repo, input.number, input.kind];
    if (options.replaceQueued) {
      await this.#run("UPDATE tasks SET status = 'cancelled', summary = 'replaced by a newer request', updated_at = $1 WHERE owner = $2 AND repo = $3 AND number = $4 AND kind = $5 AND status = 'queued'", [now, ...target], client);
    }
    if (options.queueBehindRunning) {
      await this.#run(
        "UPDATE tasks SET status = 'cancelled', summary = 'replaced by the same request', updated_at = $1 WHERE owner = $2 AND repo = $3 AND number = $4 AND kind = $5 AND status = 'queued' AND (request::jsonb ->> 'instruction') IS NOT DISTINCT FROM $6",
        [now, ...target, (input.request as { instruction?: string }).instruction ?? null], client,
      );
    }
    const blocking = options.replaceQueued ? "('queued')" : options.queueBehindRunning ? "('none')" : "('queued', 'running')";
    const row = await this.#one(
      `INSERT INTO tasks (id, kind, status, installation_id, owner, repo, number, request, log_id, created_at, updated_at, delivery_id, delivery_received_at)
       SELECT $1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $9, $10, $11
       WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE owner = $4 AND repo = $5 AND number = $6 AND kind = $2 AND status IN ${blocking})
       RETURNING *`,
      [id, input.kind, input.installationId, input.owner, input.repo, input.number, JSON.stringify(input.request), randomBytes(16).toString("hex"), now, delivery?.id ?? null, delivery?.receivedAt ?? null],
      client,
    );
    if (!row) return null;
    // Delivered to listeners when the transaction commits, not before.
    await client.query("SELECT pg_notify($1, 'queued')", [CHANNEL]);
    return toRecord(row);
  }

  async #get(id: string, db: Db = this.#pool): Promise<TaskRecord | null> {
    const row = await this.#one("SELECT * FROM tasks WHERE id = $1", [id], db);
    return row ? toRecord(row) : null;
  }

  async get(id: string): Promise<TaskRecord | null> {
    return this.#get(id);
  }

  async findByLogId(logId: string): Promise<TaskRecord | null> {
    const row = await this.#one("SELECT * FROM tasks WHERE log_id = $1", [logId]);
    return row ? toRecord(row) : null;
  }

  async claimNext(options?: ClaimOptions): Promise<TaskRecord | null> {
    const o = options ?? { worker: "local", now: Date.now(), leaseMs: 24 * 60 * 60 * 1000 };
    return this.#transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1, 0)", [LOCKS.claimTask]);
      const row = await this.#one(
        `UPDATE tasks SET status = 'running', attempts = attempts + 1, worker_id = $1, lease_until = $2, cancel_requested = NULL, updated_at = $3
         WHERE id = (
           SELECT t.id FROM tasks t WHERE t.status = 'queued'
             AND NOT EXISTS (SELECT 1 FROM tasks r WHERE r.status = 'running' AND r.owner = t.owner AND r.repo = t.repo AND r.number = t.number)
             AND ($4 = 0 OR (SELECT count(*) FROM tasks r WHERE r.status = 'running' AND r.installation_id = t.installation_id) < $4)
             AND ($5 = 0 OR (SELECT count(*) FROM tasks r WHERE r.status = 'running' AND r.owner = t.owner AND r.repo = t.repo) < $5)
           ORDER BY t.created_at, t.seq LIMIT 1)
         RETURNING *`,
        [o.worker, o.now + o.leaseMs, o.now, o.maxPerInstallation ?? 0, o.maxPerRepository ?? 0], client,
      );
      return row ? toRecord(row) : null;
    });
  }

  async renewTasks(worker: string, leaseUntil: number): Promise<HeldTask[]> {
    const rows = await this.#all("UPDATE tasks SET lease_until = $1 WHERE worker_id = $2 AND status = 'running' RETURNING id, cancel_requested", [leaseUntil, worker]);
    return rows.map((row) => ({ id: String(row.id), cancelRequested: row.cancel_requested === null ? null : String(row.cancel_requested) }));
  }

  async releaseTask(id: string, worker: string): Promise<boolean> {
    return this.#transaction(async (client) => {
      const n = await this.#run("UPDATE tasks SET status = 'queued', worker_id = NULL, lease_until = NULL, updated_at = $1 WHERE id = $2 AND worker_id = $3 AND status = 'running'", [Date.now(), id, worker], client);
      if (n === 1) await client.query("SELECT pg_notify($1, 'queued')", [CHANNEL]);
      return n === 1;
    });
  }

  async recoverInterrupted(leasesEndedBy?: number): Promise<{ requeued: number; failed: number }> {
    const now = Date.now();
    // Without a time, every running task (a store no other process shares, at start).
    const by = leasesEndedBy ?? Number.MAX_SAFE_INTEGER;
    return this.#transaction(async (client) => {
      const failed = await this.#run(
        "UPDATE tasks SET status = 'failed', summary = 'gave up after repeated interruptions', worker_id = NULL, lease_until = NULL, updated_at = $1 WHERE status = 'running' AND attempts >= $2 AND lease_until <= $3",
        [now, MAX_ATTEMPTS, by], client,
      );
      const requeued = await this.#run("UPDATE tasks SET status = 'queued', worker_id = NULL, lease_until = NULL, updated_at = $1 WHERE status = 'running' AND lease_until <= $2", [now, by], client);
      if (requeued > 0) await client.query("SELECT pg_notify($1, 'queued')", [CHANNEL]);
      return { requeued, failed };
    });
  }

  async cancelQueued(owner: string, repo: string, number: number, reason: string): Promise<number> {
    return this.#run("UPDATE tasks SET status = 'cancelled', summary = $1, updated_at = $2 WHERE owner = $3 AND repo = $4 AND number = $5 AND status = 'queued'", [reason, Date.now(), owner, repo, number]);
  }

  async requestCancel(owner: string, repo: string, number: number, reason: string): Promise<number> {
    return this.#transaction(async (client) => {
      const n = await this.#run("UPDATE tasks SET cancel_requested = $1 WHERE owner = $2 AND repo = $3 AND number = $4 AND status = 'running' AND cancel_requested IS NULL", [reason, owner, repo, number], client);
      if (n > 0) await client.query("SELECT pg_notify($1, 'cancel')", [CHANNEL]);
      return n;
    });
  }

  /**
   * LISTEN on a connection of its own. Should it drop (the server restarted), the workers' poll
   * timer still finds the work, and the next watch reconnects; a notice is a hint, never the record.
   */
  async watchQueue(listener: (event: "queued" | "cancel") => void): Promise<() => Promise<void>> {
    const client = await this.#pool.connect();
    client.on("notification", (message) => {
      if (message.channel === CHANNEL) listener(message.payload === "cancel" ? "cancel" : "queued");
    });
    client.on("error", () => undefined);
    await client.query(`LISTEN ${CHANNEL}`);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      client.release();
    };
  }

  async hasCiFixFor(owner: string, repo: string, number: number, headSha: string): Promise<boolean> {
    return await this.#one("SELECT 1 FROM tasks WHERE owner = $1 AND repo = $2 AND number = $3 AND kind = 'code' AND (request::jsonb #>> '{pull,ciFailure,headSha}') = $4", [owner, repo, number, headSha]) !== undefined;
  }

  async countAutoFixRounds(owner: string, repo: string, number: number): Promise<number> {
    const row = await this.#one("SELECT count(*) AS n FROM tasks WHERE owner = $1 AND repo = $2 AND number = $3 AND kind = 'code' AND (request::jsonb #>> '{pull,autoFix}') = 'true' AND status != 'cancelled'", [owner, repo, number]);
    return Number(row!.n);
  }

  async setStatusComment(id: string, commentId: number): Promise<void> {
    await this.#run("UPDATE tasks SET status_comment_id = $1, updated_at = $2 WHERE id = $3", [commentId, Date.now(), id]);
  }

  async setPullRequest(id: string, prNumber: number): Promise<void> {
    await this.#run("UPDATE tasks SET pr_number = $1, updated_at = $2 WHERE id = $3", [prNumber, Date.now(), id]);
  }

  async finish(id: string, status: Exclude<TaskStatus, "queued" | "running">, summary: string): Promise<void> {
    await this.#run("UPDATE tasks SET status = $1, summary = $2, worker_id = NULL, lease_until = NULL, updated_at = $3 WHERE id = $4", [status, summary, Date.now(), id]);
  }

  async countByStatus(status: TaskStatus): Promise<number> {
    return Number((await this.#one("SELECT count(*) AS n FROM tasks WHERE status = $1", [status]))!.n);
  }

  async appendTaskLog(logId: string, text: string): Promise<void> {
    await this.#run("INSERT INTO task_logs (log_id, text) VALUES ($1, $2)", [logId, text]);
  }

  async readTaskLog(logId: string): Promise<string | null> {
    const rows = await this.#all("SELECT text FROM task_logs WHERE log_id = $1 ORDER BY seq", [logId]);
    return rows.length === 0 ? null : rows.map((r) => String(r.text)).join("");
  }

  // The bot's pull requests and reviews.

  async recordBotPullRequest(pr: Pick<BotPullRequest, "owner" | "repo" | "number" | "issueNumber" | "headRef" | "installationId">): Promise<void> {
    await this.#run(
      "INSERT INTO bot_pull_requests (owner, repo, number, issue_number, head_ref, installation_id, state) VALUES ($1, $2, $3, $4, $5, $6, 'open') ON CONFLICT (owner, repo, number) DO NOTHING",
      [pr.owner, pr.repo, pr.number, pr.issueNumber, pr.headRef, pr.installationId],
    );
  }

  async getBotPullRequest(owner: string, repo: string, number: number): Promise<BotPullRequest | null> {
    const row = await this.#one("SELECT * FROM bot_pull_requests WHERE owner = $1 AND repo = $2 AND number = $3", [owner, repo, number]);
    return row ? toBotPullRequest(row) : null;
  }

  async closeBotPullRequest(owner: string, repo: string, number: number, state: "merged" | "abandoned", branchDeleted: boolean): Promise<void> {
    await this.#run("UPDATE bot_pull_requests SET state = $1, closed_at = $2, branch_deleted = $3 WHERE owner = $4 AND repo = $5 AND number = $6", [state, Date.now(), branchDeleted ? 1 : 0, owner, repo, number]);
  }

  async abandonedBranches(olderThanMs: number, now = Date.now()): Promise<BotPullRequest[]> {
    return (await this.#all("SELECT * FROM bot_pull_requests WHERE state = 'abandoned' AND branch_deleted = 0 AND closed_at <= $1", [now - olderThanMs])).map(toBotPullRequest);
  }

  async markBranchDeleted(owner: string, repo: string, number: number): Promise<void> {
    await this.#run("UPDATE bot_pull_requests SET branch_deleted = 1 WHERE owner = $1 AND repo = $2 AND number = $3", [owner, repo, number]);
  }

  async getReviewState(owner: string, repo: string, number: number): Promise<ReviewState | null> {
    const row = await this.#one("SELECT head_sha, findings FROM review_state WHERE owner = $1 AND repo = $2 AND number = $3", [owner, repo, number]);
    return row ? { headSha: String(row.head_sha), findings: JSON.parse(String(row.findings)) as ReviewState["findings"] } : null;
  }

  async setReviewState(owner: string, repo: string, number: number, state: ReviewState): Promise<void> {
    await this.#run(
      "INSERT INTO review_state (owner, repo, number, head_sha, findings) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (owner, repo, number) DO UPDATE SET head_sha = excluded.head_sha, findings = excluded.findings",
      [owner, repo, number, state.headSha, JSON.stringify(state.findings)],
    );
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
