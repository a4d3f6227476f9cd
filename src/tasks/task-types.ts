export type TaskKind = "code" | "review";
export type TaskStatus = "queued" | "running" | "succeeded" | "failed" | "refused" | "cancelled";

/** Everything a code task needs from the webhook, captured when it is queued (it may run after a restart). */
export interface CodeTaskRequest {
  trigger: "label" | "comment";
  issueTitle: string;
  /** The request text: the issue body for a label, the comment for `@codex <task>`. */
  instruction: string;
  issueBody: string;
  sender: { login: string; id: number };
  cloneUrl: string;
  defaultBranch: string;
  htmlUrl: string;
}

/** A pull request review, captured when it is queued. */
export interface ReviewTaskRequest {
  trigger: "pull_request" | "command";
  /** The webhook action (opened, synchronize, ...) or "command". */
  action: string;
  headSha: string;
  baseRef: string;
  /** The base repository's clone URL; the head is fetched from `refs/pull/<n>/head`, which also covers forks. */
  cloneUrl: string;
  /** Extra focus from `@codex review <focus>`. */
  focus?: string;
  sender: { login: string; id: number };
}

export type TaskRequest = CodeTaskRequest | ReviewTaskRequest;

interface TaskBase {
  id: string;
  status: TaskStatus;
  installationId: number;
  owner: string;
  repo: string;
  number: number;
  attempts: number;
  statusCommentId: number | null;
  prNumber: number | null;
  /** Unguessable id of the task's public log page. */
  logId: string;
  summary: string | null;
  createdAt: number;
}

export type CodeTask = TaskBase & { kind: "code"; request: CodeTaskRequest };
export type ReviewTask = TaskBase & { kind: "review"; request: ReviewTaskRequest };
export type TaskRecord = CodeTask | ReviewTask;
