import type { TaskRecord, TaskRequest, TaskStatus } from "./task-types.js";

/** The database's tables. Every statement is idempotent, so it runs on every start. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
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
  updated_at INTEGER NOT NULL
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
CREATE INDEX IF NOT EXISTS tasks_by_status ON tasks (status, created_at);
CREATE INDEX IF NOT EXISTS tasks_by_target ON tasks (owner, repo, number, status);
`;

export type Row = Record<string, string | number | null>;

export function toRecord(row: Row): TaskRecord {
  return {
    id: String(row.id),
    kind: row.kind,
    status: row.status as TaskStatus,
    installationId: Number(row.installation_id),
    owner: String(row.owner),
    repo: String(row.repo),
    number: Number(row.number),
    request: JSON.parse(String(row.request)) as TaskRequest,
    attempts: Number(row.attempts),
    statusCommentId: row.status_comment_id === null ? null : Number(row.status_comment_id),
    prNumber: row.pr_number === null ? null : Number(row.pr_number),
    logId: String(row.log_id),
    summary: row.summary === null ? null : String(row.summary),
    createdAt: Number(row.created_at),
  } as TaskRecord;
}

export interface BotPullRequest {
  owner: string;
  repo: string;
  number: number;
  issueNumber: number;
  headRef: string;
  installationId: number;
  state: "open" | "merged" | "abandoned";
  closedAt: number | null;
  branchDeleted: boolean;
}

export function toBotPullRequest(row: Row): BotPullRequest {
  return {
    owner: String(row.owner), repo: String(row.repo), number: Number(row.number), issueNumber: Number(row.issue_number),
    headRef: String(row.head_ref), installationId: Number(row.installation_id), state: row.state as BotPullRequest["state"], closedAt: row.closed_at === null ? null : Number(row.closed_at),
    branchDeleted: Number(row.branch_deleted) === 1,
  };
}

export interface ReviewState {
  headSha: string;
  findings: { path: string; priority: number; title: string; fingerprint: string; startLine: number; endLine: number; body: string }[];
}
