import { postComment, replyInReviewThread } from "../../github/comments.js";
import { sanitizeOutgoing, type OutgoingPolicy } from "../../github/outgoing/sanitize-outgoing.js";
import { listPullRequestFiles } from "../../github/pull-request-files.js";
import { updatePullRequest } from "../../github/pull-requests.js";
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
  /** What the description and the reply may keep; `closesIssue` is the issue the pull request fixes. */
  outgoing: OutgoingPolicy;
}

const STATUS_LETTER: Record<string, StagedChange["status"]> = { added: "A", removed: "D", modified: "M", renamed: "R", changed: "T", copied: "A" };

/**
 * A follow-up commit on the pull request's own branch: commit, fast-forward push, then the
 * description is rewritten to describe the whole change and the requester gets a reply, in the
 * review thread when the request came from one.
 */
export async function publishFollowUp(octokit: Octokit, repo: RepoRef, pull: PullTarget, ws: TaskWorkspace, token: string, p: FollowUpPublication): Promise<string> {
  // The model's title goes into the commit message too, where a closing keyword acts on merge.
  const title = sanitizeOutgoing(p.title, p.outgoing);
  const sha = await commitStaged(ws, p.author, `${title}\n\nCo-authored-by: ${p.coAuthor.name} <${p.coAuthor.email}>\n`);
  await pushFastForward(ws, pull.headRef, token);
  const files = await listPullRequestFiles(octokit, repo, pull.number);
  const all = files.map((f) => ({ status: STATUS_LETTER[f.status] ?? "M", path: f.filename }));
  await updatePullRequest(octokit, repo, pull.number, { title, body: p.renderBody(all) }, p.outgoing);
  const reply = `Pushed ${sha.slice(0, 7)}. ${p.reply}`;
  if (pull.thread) await replyInReviewThread(octokit, repo, pull.number, pull.thread.commentId, reply, p.outgoing);
  else await postComment(octokit, repo, pull.number, reply, p.outgoing);
  return sha;
}
