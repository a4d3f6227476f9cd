import { postComment } from "../../github/comments.js";
import type { Octokit, RepoRef } from "../../github/types.js";
import { followUpTask, type RepositoryEvent, type Sender } from "../../tasks/task-requests.js";
import type { PullTarget } from "../../tasks/task-types.js";
import type { HandlerDeps } from "../issue-labeled.js";

/** What both comment events give: the client, where, and which delivery. */
export interface CommentEvent {
  octokit: Octokit;
  repo: RepoRef;
  deliveryId: string;
  installation: RepositoryEvent["installation"];
  repository: RepositoryEvent["repository"] & { full_name: string };
}

/**
 * Queues a code task on a pull request's own branch. A pull request from a fork cannot be
 * pushed to with the installation token, so the requester is told why instead. Requests for the
 * same pull request run one at a time, in order: a new one waits behind the running one.
 */
export async function enqueueFollowUp(event: CommentEvent, deps: HandlerDeps, input: { pullNumber: number; instruction: string; sender: Sender; target: Omit<PullTarget, "number" | "headRef" | "baseRef"> }): Promise<void> {
  const { repo, repository, octokit } = event;
  const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: input.pullNumber });
  if (pull.head.repo?.full_name !== repository.full_name) {
    await postComment(octokit, repo, input.pullNumber,
      `@${input.sender.login} this pull request comes from a fork (\`${pull.head.repo?.full_name ?? "deleted repository"}\`), and codex-bot cannot push there. Ask on an issue in this repository and codex will open its own pull request.`,
      { mentions: [input.sender.login] });
    return;
  }
  const task = await deps.store.enqueueForDelivery(event.deliveryId, followUpTask(event, pull, input), { queueBehindRunning: true });
  if (task) deps.poke();
}
