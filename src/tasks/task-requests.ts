import type { EnqueueInput } from "../store/store.js";
import type { CodeTask, CodeTaskRequest, PullTarget, ReviewTask } from "./task-types.js";

// Every task request is built here, from the webhook payload or the task that queues it. A
// request is stored and may run after a restart, so it keeps only the fields a runner reads.

export interface Sender {
  login: string;
  id: number;
}

/** What a webhook payload about a repository carries. For a fork's pull request, `repository` is the base repository. */
export interface RepositoryEvent {
  installation?: { id: number } | undefined;
  repository: { owner: { login: string }; name: string; clone_url: string; default_branch: string };
}

interface IssueFields {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
}

/** A pull request as the API or a webhook gives it. */
interface PullFields {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  head: { ref: string; sha: string };
  base: { ref: string };
}

/** The same instruction the `@codex fix` command gives. */
export const FIX_FINDINGS_INSTRUCTION = "Fix the review findings listed below.";

/** The trigger label on an issue: the issue's body is the request, the labeller the requester. */
export function codeTaskFromLabel(payload: RepositoryEvent & { issue: IssueFields; sender: Sender }): EnqueueInput {
  return codeTaskOnIssue(payload, { trigger: "label", instruction: payload.issue.body ?? "", sender: payload.sender });
}

/** `@codex <task>` on an issue: the comment's text is the request. */
export function codeTaskFromComment(payload: RepositoryEvent & { issue: IssueFields }, request: { instruction: string; sender: Sender }): EnqueueInput {
  return codeTaskOnIssue(payload, { trigger: "comment", ...request });
}

function codeTaskOnIssue(event: RepositoryEvent & { issue: IssueFields }, request: { trigger: CodeTaskRequest["trigger"]; instruction: string; sender: Sender }): EnqueueInput {
  const { issue, repository } = event;
  return {
    kind: "code", ...where(event), number: issue.number,
    request: {
      trigger: request.trigger, issueTitle: issue.title, instruction: request.instruction, issueBody: issue.body ?? "", sender: senderOf(request.sender),
      cloneUrl: repository.clone_url, defaultBranch: repository.default_branch, htmlUrl: issue.html_url,
    },
  };
}

/** A code task on a pull request's own branch (a comment, a review thread, failing CI): the pull request stands in for the issue. */
export function followUpTask(event: RepositoryEvent, pull: PullFields, request: FollowUpRequest): EnqueueInput {
  return followUpOn(where(event), { cloneUrl: event.repository.clone_url, defaultBranch: event.repository.default_branch }, pull, request);
}

/** An automatic fix round after a review of the bot's own pull request, asked in the name of whoever asked for the review. */
export function fixRoundAfterReview(task: ReviewTask, pull: PullFields & { base: { repo: { default_branch: string } } }): EnqueueInput {
  const target = { installationId: task.installationId, owner: task.owner, repo: task.repo };
  return followUpOn(target, { cloneUrl: task.request.cloneUrl, defaultBranch: pull.base.repo.default_branch }, pull, {
    instruction: FIX_FINDINGS_INSTRUCTION, sender: task.request.sender, target: { fixFindings: true, autoFix: true },
  });
}

interface FollowUpRequest {
  instruction: string;
  sender: Sender;
  target: Omit<PullTarget, "number" | "headRef" | "baseRef">;
}

function followUpOn(target: Where, repository: { cloneUrl: string; defaultBranch: string }, pull: PullFields, request: FollowUpRequest): EnqueueInput {
  return {
    kind: "code", ...target, number: pull.number,
    request: {
      trigger: "comment", issueTitle: pull.title, instruction: request.instruction, issueBody: pull.body ?? "", sender: senderOf(request.sender),
      cloneUrl: repository.cloneUrl, defaultBranch: repository.defaultBranch, htmlUrl: pull.html_url,
      pull: { number: pull.number, headRef: pull.head.ref, baseRef: pull.base.ref, ...request.target },
    },
  };
}

/** A pull request event (opened, pushed to, ...): review its head, in the name of whoever caused the event. */
export function reviewTaskFromPull(payload: RepositoryEvent & { action: string; pull_request: PullFields; sender: Sender }): EnqueueInput {
  const pull = payload.pull_request;
  return {
    kind: "review", ...where(payload), number: pull.number,
    request: {
      trigger: "pull_request", action: payload.action, headSha: pull.head.sha, baseRef: pull.base.ref,
      // The head is fetched from refs/pull/<n>/head, so a fork's pull request is cloned from the base repository too.
      cloneUrl: payload.repository.clone_url, sender: senderOf(payload.sender),
    },
  };
}

/** `@codex review [focus]` on a pull request: a fresh review of its current head. */
export function reviewTaskFromCommand(event: RepositoryEvent, pull: PullFields, request: { sender: Sender; focus?: string | undefined }): EnqueueInput {
  return {
    kind: "review", ...where(event), number: pull.number,
    request: {
      trigger: "command", action: "command", headSha: pull.head.sha, baseRef: pull.base.ref, cloneUrl: event.repository.clone_url,
      sender: senderOf(request.sender), ...(request.focus ? { focus: request.focus } : {}),
    },
  };
}

/** A fix round pushed `headSha`: review what it changed (incrementally, as after a push), counting the round when the loop queued it. */
export function reviewAfterFix(task: CodeTask, pull: PullTarget, headSha: string): EnqueueInput {
  return {
    kind: "review", installationId: task.installationId, owner: task.owner, repo: task.repo, number: pull.number,
    request: { trigger: "command", action: "synchronize", headSha, baseRef: pull.baseRef, cloneUrl: task.request.cloneUrl, sender: task.request.sender, afterAutoFix: pull.autoFix === true },
  };
}

type Where = Pick<EnqueueInput, "installationId" | "owner" | "repo">;

function where(event: RepositoryEvent): Where {
  return { installationId: event.installation?.id ?? 0, owner: event.repository.owner.login, repo: event.repository.name };
}

/** Only the login and id: a payload's user object has dozens of fields the task never reads. */
function senderOf(sender: Sender): Sender {
  return { login: sender.login, id: sender.id };
}
