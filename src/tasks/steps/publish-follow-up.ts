import { postComment, replyInReviewThread } from "../../github/comments.js";
import { listPullRequestFiles } from "../../github/pull-request-files.js";
import type { Octokit, RepoRef } from "../../github/types.js";
import { pushFastForward } from "../../workspace/push-fast-forward.js";
import { commitStaged, type Identity, type StagedChange, type TaskWorkspace } from "../../workspace/task-workspace.js";
import type { PullTarget } from "../task-types.js";

export interface FollowUpPublication {
  title: string;
  /** Renders the PR description from the PR's whole file list (not only this round's). */
  renderBody: (allChanges: StagedChange[]) => string;
  /** What this round changed and how the tests went, for the reply. */
  reply: string;
  author: Identity;
  coAuthor: Identity;
}

const STATUS_LETTER: Record<string, StagedChange["status"]> = { added: "A", removed: "D", modified: "M", renamed: "R", changed: "T", copied: "A" };

/**
 * A follow-up commit on the pull request's own branch: commit, fast-forward push, then the
 * description is rewritten to describe the whole change and the requester gets a reply, in the
 * review thread when the request came from one.
 */
export async function publishFollowUp(octokit: Octokit, repo: RepoRef, pull: PullTarget, ws: TaskWorkspace, token: string, p: FollowUpPublication): Promise<string> {
  const sha = await commitStaged(ws, p.author, `${p.title}\n\nCo-authored-by: ${p.coAuthor.name} <${p.coAuthor.email}>\n`);
  await pushFastForward(ws, pull.headRef, token);
  const files = await listPullRequestFiles(octokit, repo, pull.number);
  const all = files.map((f) => ({ status: STATUS_LETTER[f.status] ?? "M", path: f.filename }));
  await octokit.rest.pulls.update({ ...repo, pull_number: pull.number, title: p.title, body: p.renderBody(all) });
  const reply = `Pushed ${sha.slice(0, 7)}. ${p.reply}`;
  if (pull.thread) await replyInReviewThread(octokit, repo, pull.number, pull.thread.commentId, reply);
  else await postComment(octokit, repo, pull.number, reply);
  return sha;
}
