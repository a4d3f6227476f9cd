import type { DatabaseSync } from "node:sqlite";

/** The database's tables. Every statement is idempotent, so it runs on every start. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox (
  id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  action TEXT,
  installation_id INTEGER,
  repository TEXT,
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER,
  last_error TEXT,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS inbox_by_status ON inbox (status, received_at);
CREATE INDEX IF NOT EXISTS inbox_by_target ON inbox (target, status, received_at);
CREATE TABLE IF NOT EXISTS redelivery_requests (
  id TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  last_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL,
  task_id TEXT
);
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  installation_id INTEGER NOT NULL,
  owner TEXT NOT NULL,
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  request TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  status_comment_id INTEGER,
  pr_number INTEGER,
  log_id TEXT NOT NULL,
  summary TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivery_id TEXT,
  delivery_received_at INTEGER
);
CREATE TABLE IF NOT EXISTS review_state (
  owner TEXT NOT NULL,
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  head_sha TEXT NOT NULL,
  findings TEXT NOT NULL,
  PRIMARY KEY (owner, repo, number)
);
CREATE TABLE IF NOT EXISTS bot_pull_requests (
  owner TEXT NOT NULL,
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  issue_number INTEGER NOT NULL,
  head_ref TEXT NOT NULL,
  installation_id INTEGER NOT NULL,
  state TEXT NOT NULL,
  closed_at INTEGER,
  branch_deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (owner, repo, number)
);
CREATE TABLE IF NOT EXISTS task_logs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  log_id TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS task_logs_by_log ON task_logs (log_id, seq);
CREATE INDEX IF NOT EXISTS tasks_by_status ON tasks (status, created_at);
CREATE INDEX IF NOT EXISTS tasks_by_target ON tasks (owner, repo, number, status);
`;

/** Columns added after a table first shipped: added to databases made before them. */
const ADDED_COLUMNS: [table: string, column: string, type: string][] = [
  ["deliveries", "task_id", "TEXT"],
  ["tasks", "delivery_id", "TEXT"],
  ["tasks", "delivery_received_at", "INTEGER"],
  ["tasks", "worker_id", "TEXT"],
  ["tasks", "lease_until", "INTEGER"],
  ["tasks", "cancel_requested", "TEXT"],
];

export function applySchema(db: DatabaseSync): void {
  db.exec(SCHEMA);
  for (const [table, column, type] of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}
