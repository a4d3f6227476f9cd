import { sanitizeOutgoing, type OutgoingPolicy } from "./outgoing/sanitize-outgoing.js";
import type { Octokit, RepoRef } from "./types.js";

export type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export async function reactToIssue(octokit: Octokit, repo: RepoRef, issueNumber: number, content: Reaction): Promise<void> {
  await octokit.rest.reactions.createForIssue({ ...repo, issue_number: issueNumber, content });
}

/** Every body is sanitised here (outgoing/sanitize-outgoing.ts); `policy` only says what else may stay. */
export async function postComment(octokit: Octokit, repo: RepoRef, issueNumber: number, body: string, policy?: OutgoingPolicy): Promise<number> {
  const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: sanitizeOutgoing(body, policy) });
  return data.id;
}

export async function editComment(octokit: Octokit, repo: RepoRef, commentId: number, body: string, policy?: OutgoingPolicy): Promise<void> {
  await octokit.rest.issues.updateComment({ ...repo, comment_id: commentId, body: sanitizeOutgoing(body, policy) });
}

export interface IssueComment {
  id: number;
  body: string;
  author: string;
  authorType: string;
}

export async function listIssueComments(octokit: Octokit, repo: RepoRef, issueNumber: number): Promise<IssueComment[]> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 });
  return comments.map((c) => ({ id: c.id, body: c.body ?? "", author: c.user?.login ?? "ghost", authorType: c.user?.type ?? "User" }));
}

/** Answers in the thread of a pull request review comment. */
export async function replyInReviewThread(octokit: Octokit, repo: RepoRef, pullNumber: number, commentId: number, body: string, policy?: OutgoingPolicy): Promise<void> {
  await octokit.rest.pulls.createReplyForReviewComment({ ...repo, pull_number: pullNumber, comment_id: commentId, body: sanitizeOutgoing(body, policy) });
}
