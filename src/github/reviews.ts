import { extractReviewMarker, type PlannedReview, type ReviewMarker } from "../review/index.js";
import { sanitizeOutgoing, type OutgoingPolicy } from "./outgoing/sanitize-outgoing.js";
import { httpStatusOf, type Octokit, type RepoRef } from "./types.js";

/** The marker of the bot's latest review on the pull request: what it already reviewed and said. */
export async function findLastReviewMarker(octokit: Octokit, repo: RepoRef, pullNumber: number, botLogin: string): Promise<ReviewMarker | undefined> {
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...repo, pull_number: pullNumber, per_page: 100 });
  // Only the bot's own reviews count: anyone can type a marker into theirs.
  const mine = reviews.filter((r) => r.user?.login === botLogin && r.body);
  for (const review of mine.reverse()) {
    const marker = extractReviewMarker(review.body);
    if (marker) return marker;
  }
  return undefined;
}

/**
 * Posts the review as one GitHub review. If GitHub still rejects a comment's position (422),
 * the review is posted again with the comments moved into the body, rather than lost. The body
 * and every comment are sanitised here, the priority badges (img.shields.io) surviving.
 */
export async function postReview(octokit: Octokit, repo: RepoRef, pullNumber: number, review: PlannedReview, policy?: OutgoingPolicy): Promise<{ id: number; fellBack: boolean }> {
  const { commit_id, event } = review;
  const body = sanitizeOutgoing(review.body, policy);
  const comments = review.comments.map((c) => ({ ...c, body: sanitizeOutgoing(c.body, policy) }));
  try {
    const { data } = await octokit.rest.pulls.createReview({ ...repo, pull_number: pullNumber, commit_id, event, body, comments });
    return { id: data.id, fellBack: false };
  } catch (error) {
    if (httpStatusOf(error) !== 422 || comments.length === 0) throw error;
    const moved = comments.map((c) => `- \`${c.path}:${c.start_line ? `${c.start_line}-` : ""}${c.line}\`\n\n${indent(c.body)}`);
    const fallbackBody = `${body}\n\n**Comments GitHub could not place on the diff**\n\n${moved.join("\n\n")}`;
    // Sanitised again as a whole: a file name is text from the pull request too.
    const { data } = await octokit.rest.pulls.createReview({ ...repo, pull_number: pullNumber, commit_id, event, body: sanitizeOutgoing(fallbackBody, policy), comments: [] });
    return { id: data.id, fellBack: true };
  }
}

function indent(text: string): string {
  return text.split("\n").map((line) => (line ? `  ${line}` : line)).join("\n");
}
