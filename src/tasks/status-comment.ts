import type { Logger } from "pino";
import { editComment, postComment } from "../github/comments.js";
import type { OutgoingPolicy } from "../github/outgoing/sanitize-outgoing.js";
import type { Octokit, RepoRef } from "../github/types.js";
import type { PlanStep } from "../agent/tools/update-plan.js";
import type { Store } from "../store/store.js";
import type { TaskRecord } from "./task-types.js";

/** Plan edits closer together than this are folded into one (GitHub's secondary rate limits). */
const MIN_EDIT_INTERVAL_MS = 3000;

export interface StatusCommentOptions {
  /** What the comment may keep (github/outgoing): the log link, a ping of the requester. */
  outgoing?: OutgoingPolicy;
  /** Where a failed edit is reported: a plan edit runs on a timer, with no caller to throw to. */
  log: Pick<Logger, "warn">;
}

export interface StatusView {
  headline: string;
  detail?: string;
  plan: PlanStep[];
  logUrl?: string;
}

export function renderStatus(view: StatusView): string {
  const lines = [`**${view.headline}**${view.logUrl ? ` · [log](${view.logUrl})` : ""}`];
  if (view.detail) lines.push("", view.detail);
  if (view.plan.length > 0) {
    lines.push("", ...view.plan.map((s) => `- [${s.status === "completed" ? "x" : " "}] ${s.status === "in_progress" ? `**${s.step}**` : s.step}`));
  }
  return lines.join("\n");
}

/**
 * The one comment a task keeps on its issue, edited in place. Its id is stored with the task,
 * so a task resumed after a restart edits the same comment instead of posting a second one.
 */
export class StatusComment {
  #view: StatusView;
  #lastEdit = 0;
  #pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
    private readonly task: TaskRecord,
    private readonly store: Store,
    logUrl: string | undefined,
    private readonly options: StatusCommentOptions,
  ) {
    this.#view = { headline: "codex is working on this", plan: [], ...(logUrl ? { logUrl } : {}) };
  }

  async update(change: Partial<StatusView>): Promise<void> {
    this.#view = { ...this.#view, ...change };
    clearTimeout(this.#pending);
    this.#pending = undefined;
    const body = renderStatus(this.#view);
    this.#lastEdit = Date.now();
    if (this.task.statusCommentId === null) {
      this.task.statusCommentId = await postComment(this.octokit, this.repo, this.task.number, body, this.options.outgoing);
      await this.store.setStatusComment(this.task.id, this.task.statusCommentId);
    } else {
      await editComment(this.octokit, this.repo, this.task.statusCommentId, body, this.options.outgoing);
    }
  }

  /** Plan changes arrive in bursts; edit at most every few seconds and never lose the last one. */
  setPlan(plan: PlanStep[]): void {
    this.#view = { ...this.#view, plan };
    if (this.#pending) return;
    const wait = Math.max(0, this.#lastEdit + MIN_EDIT_INTERVAL_MS - Date.now());
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.update({}).catch((err: unknown) => this.options.log.warn({ err, task: this.task.id }, "could not update the status comment with the plan"));
    }, wait);
  }
}
