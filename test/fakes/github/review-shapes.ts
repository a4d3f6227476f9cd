import { issueHtmlUrl, toUser } from "./shapes.js";
import type { FakeGitHubState, PullRecord, RepoRecord, ReviewCommentRecord, ReviewRecord } from "./state.js";

function authorAssociation(repo: RepoRecord, login: string): string {
  return login === repo.owner ? "OWNER" : "NONE";
}

export function toReview(state: FakeGitHubState, repo: RepoRecord, pull: PullRecord, review: ReviewRecord) {
  const html = issueHtmlUrl(state, repo, pull);
  return {
    id: review.id,
    node_id: `PRR_${review.id}`,
    user: toUser(state, review.user),
    body: review.body,
    state: review.state,
    html_url: `${html}#pullrequestreview-${review.id}`,
    pull_request_url: `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/pulls/${pull.number}`,
    commit_id: review.commitId,
    author_association: authorAssociation(repo, review.user),
    // GitHub leaves submitted_at out of a pending review.
    ...(review.submittedAt === null ? {} : { submitted_at: review.submittedAt }),
  };
}

export function toReviewComment(state: FakeGitHubState, repo: RepoRecord, pull: PullRecord, comment: ReviewCommentRecord) {
  const html = issueHtmlUrl(state, repo, pull);
  return {
    id: comment.id,
    node_id: `PRRC_${comment.id}`,
    pull_request_review_id: comment.reviewId,
    diff_hunk: comment.diffHunk,
    path: comment.path,
    position: comment.position,
    original_position: comment.position,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    user: toUser(state, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: `${html}#discussion_r${comment.id}`,
    url: `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/pulls/comments/${comment.id}`,
    pull_request_url: `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/pulls/${pull.number}`,
    author_association: authorAssociation(repo, comment.user),
    start_line: comment.startLine,
    original_start_line: comment.startLine,
    start_side: comment.startSide,
    line: comment.line,
    original_line: comment.line,
    side: comment.side,
    subject_type: "line",
    ...(comment.inReplyToId === undefined ? {} : { in_reply_to_id: comment.inReplyToId }),
  };
}

const REVIEW_DOC = "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request";

/** GitHub's 422 for a review it refuses as a whole: `{ message, errors: [text], documentation_url, status }`. */
export function reviewRefused(error: string) {
  return { message: "Unprocessable Entity", errors: [error], documentation_url: REVIEW_DOC, status: "422" };
}

/** GitHub's 422 for a body that breaks the endpoint's JSON schema. */
export function invalidRequest(detail: string, documentationUrl = REVIEW_DOC) {
  return { message: `Invalid request.\n\n${detail}`, documentation_url: documentationUrl, status: "422" };
}
