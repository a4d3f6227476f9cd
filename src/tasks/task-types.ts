export type TaskStatus = "queued" | "running" | "succeeded" | "failed" | "refused" | "cancelled";

/** A code task that continues an existing pull request on its own branch. */
export interface PullTarget {
  number: number;
  headRef: string;
  baseRef: string;
  /** The review-comment thread the request came from; the bot answers in that thread. */
  thread?: { commentId: number; path: string; line: number | null; startLine: number | null; diffHunk: string; rootBody: string };
  /** `@codex fix` or the automatic loop: address the bot's own open P0/P1 findings. */
  fixFindings?: boolean;
  /** Set when the review → fix → re-review loop queued this task by itself. */
  autoFix?: boolean;
  /** `fix_ci`: the failing checks to repair, read when the task runs. */
  ciFailure?: { headSha: string; checkSuiteId: number };
}

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
  /** Present when the task continues a pull request instead of opening one. */
  pull?: PullTarget;
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
  /** Set when a fix round queued this review, so the loop can count its rounds. */
  afterAutoFix?: boolean;
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
  /** The webhook delivery that queued the task, and when the bot received it; null for tasks the bot queued itself. */
  delivery: { id: string; receivedAt: number } | null;
}

export type CodeTask = TaskBase & { kind: "code"; request: CodeTaskRequest };
export type ReviewTask = TaskBase & { kind: "review"; request: ReviewTaskRequest };
export type TaskRecord = CodeTask | ReviewTask;
