import type { PoolClient } from "pg";

/**
 * The PostgreSQL schema, as numbered migrations. Each runs once, in order, in its own
 * transaction, recorded in `schema_migrations`; a new column or table is a new entry at the
 * end, never an edit of one that shipped. Times are milliseconds since the epoch (BIGINT), as
 * in the SQLite schema, so both backends share their row mapping (store/rows.ts).
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "inbox, tasks, pull requests, reviews",
    sql: `
CREATE TABLE inbox (
  id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  action TEXT,
  installation_id BIGINT,
  repository TEXT,
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT,
  last_error TEXT,
  finished_at BIGINT
);
CREATE INDEX inbox_by_status ON inbox (status, received_at);
CREATE INDEX inbox_by_target ON inbox (target, status, received_at);
CREATE TABLE redelivery_requests (
  id TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  last_at BIGINT NOT NULL
);
CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  received_at BIGINT NOT NULL,
  task_id TEXT
);
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  seq BIGSERIAL NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  installation_id BIGINT NOT NULL,
  owner TEXT NOT NULL,
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  request TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  status_comment_id BIGINT,
  pr_number INTEGER,
  log_id TEXT NOT NULL,
  summary TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  delivery_id TEXT,
  delivery_received_at BIGINT,
  worker_id TEXT,
  lease_until BIGINT,
  cancel_requested TEXT
);
CREATE INDEX tasks_by_status ON tasks (status, created_at, seq);
CREATE INDEX tasks_by_target ON tasks (owner, repo, number, status);
CREATE INDEX tasks_by_worker ON tasks (worker_id) WHERE status = 'running';
CREATE UNIQUE INDEX tasks_by_log_id ON tasks (log_id);
CREATE TABLE review_state (
  owner TEXT NOT NULL,
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  head_sha TEXT NOT NULL,
  findings TEXT NOT NULL,
  PRIMARY KEY (owner, repo, number)
);
CREATE TABLE bot_pull_requests (
  owner TEXT NOT NULL,
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  issue_number INTEGER NOT NULL,
  head_ref TEXT NOT NULL,
  installation_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  closed_at BIGINT,
  branch_deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (owner, repo, number)
);
CREATE TABLE task_logs (
  seq BIGSERIAL PRIMARY KEY,
  log_id TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX task_logs_by_log ON task_logs (log_id, seq);
`,
  },
];

/** Advisory lock keys (first half of the two-key form): one namespace per use. */
export const LOCKS = { migrate: 7101, claimTask: 7102, enqueueTarget: 7103, claimDelivery: 7104 } as const;

/** Applies what is missing. Several processes may start at once: the first migrates, the others wait for it. */
export async function migrate(client: PoolClient): Promise<number[]> {
  await client.query("SELECT pg_advisory_lock($1, 0)", [LOCKS.migrate]);
  try {
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${(error as Error).message}`, { cause: error });
      }
      done.push(m.version);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1, 0)", [LOCKS.migrate]);
  }
}
