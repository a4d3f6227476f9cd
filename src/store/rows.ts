import type { TaskRecord, TaskRequest, TaskStatus } from "../tasks/task-types.js";
import type { BotPullRequest, DeliveryStatus, InboxDelivery } from "./store.js";

/** One row as a driver returns it; PostgreSQL's BIGINT columns come back as strings, hence Number() everywhere. */
export type Row = Record<string, string | number | bigint | null>;

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
    delivery: row.delivery_id === null || row.delivery_id === undefined ? null : { id: String(row.delivery_id), receivedAt: Number(row.delivery_received_at) },
  } as TaskRecord;
}


export function toBotPullRequest(row: Row): BotPullRequest {
  return {
    owner: String(row.owner), repo: String(row.repo), number: Number(row.number), issueNumber: Number(row.issue_number),
    headRef: String(row.head_ref), installationId: Number(row.installation_id), state: row.state as BotPullRequest["state"], closedAt: row.closed_at === null ? null : Number(row.closed_at),
    branchDeleted: Number(row.branch_deleted) === 1,
  };
}


export function toDelivery(row: Row): InboxDelivery {
  return {
    id: String(row.id), event: String(row.event), action: row.action === null ? null : String(row.action),
    installationId: row.installation_id === null ? null : Number(row.installation_id), repository: row.repository === null ? null : String(row.repository),
    target: String(row.target), payload: JSON.parse(String(row.payload)) as unknown, receivedAt: Number(row.received_at),
    status: row.status as DeliveryStatus, attempts: Number(row.attempts), lastError: row.last_error === null ? null : String(row.last_error),
  };
}
