export type TaskKind = "code";
export type TaskStatus = "queued" | "running" | "succeeded" | "failed" | "refused";

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

export interface TaskRecord {
  id: string;
  kind: TaskKind;
  status: TaskStatus;
  installationId: number;
  owner: string;
  repo: string;
  number: number;
  request: CodeTaskRequest;
  attempts: number;
  statusCommentId: number | null;
  prNumber: number | null;
  /** Unguessable id of the task's public log page. */
  logId: string;
  summary: string | null;
  createdAt: number;
}
