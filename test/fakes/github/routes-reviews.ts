import { resolveCommit } from "./git-revs.js";
import type { Side } from "./patch-lines.js";
import { pullDiff } from "./pull-diff.js";
import { findPull } from "./pull-shape.js";
import type { ReviewCommentAnchor } from "./review-anchor.js";
import { anchorReviewComment } from "./review-anchor.js";
import { invalidRequest, reviewRefused, toReview, toReviewComment } from "./review-shapes.js";
import type { RestReply, RestRequest, Route } from "./route.js";
import { bodyObject, paginate, route, withRepo } from "./route.js";
import { NOT_FOUND } from "./shapes.js";
import type { FakeGitHubState, PullRecord, RepoRecord, ReviewEvent, ReviewState } from "./state.js";
import { nextId, nowIso } from "./state.js";

const EVENT_STATE: Record<ReviewEvent, ReviewState> = { COMMENT: "COMMENTED", APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED" };

interface CommentInput {
  path: string;
  body: string;
  line?: number;
  side?: Side;
  startLine?: number;
  startSide?: Side;
  position?: number;
}

const isSide = (value: unknown): value is Side | undefined => value === undefined || value === "LEFT" || value === "RIGHT";
const isLine = (value: unknown): value is number | undefined => value === undefined || (Number.isInteger(value) && Number(value) > 0);

/** One `comments[]` entry checked against the endpoint's schema; a string says what is wrong. */
function readComment(raw: unknown): CommentInput | string {
  if (typeof raw !== "object" || raw === null) return `For 'items', ${JSON.stringify(raw)} is not an object.`;
  const { path, body, line, side, start_line: startLine, start_side: startSide, position } = raw as Record<string, unknown>;
  if (typeof path !== "string") return `For 'properties/path', ${JSON.stringify(path)} is not a string.`;
  if (typeof body !== "string") return `For 'properties/body', ${JSON.stringify(body)} is not a string.`;
  if (!isLine(line) || !isLine(startLine) || !isLine(position)) return "For 'properties/line', a line must be a positive integer.";
  if (!isSide(side) || !isSide(startSide)) return `For 'properties/side', ${JSON.stringify(side ?? startSide)} is not one of ["LEFT", "RIGHT"].`;
  if (line === undefined && position === undefined) return "For 'items', each comment needs a line or a position.";
  return { path, body, line, side, startLine, startSide, position };
}

interface ReviewPlan {
  event: ReviewEvent | undefined;
  body: string;
  commitId: string;
  comments: (ReviewCommentAnchor & { body: string })[];
}

/** Everything GitHub checks before it stores a review; a reply is the 422 (or 404) it would send. */
async function planReview(repo: RepoRecord, pull: PullRecord, request: RestRequest): Promise<ReviewPlan | RestReply> {
  const { body = "", event, commit_id: commitRef, comments = [] } = bodyObject(request);
  if (event !== undefined && !(typeof event === "string" && event in EVENT_STATE)) {
    return { status: 422, json: invalidRequest(`For 'properties/event', ${JSON.stringify(event)} is not one of ["APPROVE", "REQUEST_CHANGES", "COMMENT"].`) };
  }
  if (typeof body !== "string" || !Array.isArray(comments)) return { status: 422, json: invalidRequest("For 'properties/comments', expected an array.") };
  const inputs = comments.map(readComment);
  const schemaError = inputs.find((input) => typeof input === "string");
  if (schemaError !== undefined) return { status: 422, json: invalidRequest(schemaError) };
  const commitId = typeof commitRef === "string" ? await resolveCommit(repo.bareDir, commitRef) : undefined;
  if (commitRef !== undefined && commitId === undefined) return { status: 422, json: reviewRefused("Commit could not be resolved") };
  const diff = await pullDiff(repo, pull, commitId);
  if (diff === undefined) return { status: 404, json: NOT_FOUND };
  const ownRefusal = ownPullRefusal(pull, request.actor, event as ReviewEvent | undefined);
  if (ownRefusal !== undefined) return { status: 422, json: reviewRefused(ownRefusal) };
  const pending = repo.reviews.some((r) => r.pullNumber === pull.number && r.user === request.actor && r.state === "PENDING");
  if (event === undefined && pending) return { status: 422, json: reviewRefused("User can only have one pending review per pull request") };
  const placed: ReviewPlan["comments"] = [];
  for (const input of inputs as CommentInput[]) {
    // All or nothing: one comment GitHub cannot place refuses the whole review.
    const outcome = anchorReviewComment(diff.files, input);
    if (!outcome.ok) return { status: 422, json: reviewRefused(outcome.error) };
    placed.push({ ...outcome.anchor, body: input.body });
  }
  return { event: event as ReviewEvent | undefined, body, commitId: diff.headSha, comments: placed };
}

/** GitHub will not let an author approve or request changes on their own pull request. */
function ownPullRefusal(pull: PullRecord, actor: string, event: ReviewEvent | undefined): string | undefined {
  if (pull.user !== actor) return undefined;
  if (event === "APPROVE") return "Can not approve your own pull request";
  return event === "REQUEST_CHANGES" ? "Can not request changes on your own pull request" : undefined;
}

async function createReview(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const pull = findPull(repo, request.params.number);
  if (pull === undefined) return { status: 404, json: NOT_FOUND };
  const plan = await planReview(repo, pull, request);
  if ("status" in plan) return plan;
  const now = nowIso();
  const review = {
    id: nextId(state),
    pullNumber: pull.number,
    user: request.actor,
    body: plan.body,
    event: plan.event,
    state: plan.event === undefined ? ("PENDING" as const) : EVENT_STATE[plan.event],
    commitId: plan.commitId,
    submittedAt: plan.event === undefined ? null : now,
  };
  repo.reviews.push(review);
  for (const comment of plan.comments) {
    const { path, line, side, startLine, startSide, position, diffHunk, body } = comment;
    const base = { pullNumber: pull.number, reviewId: review.id, user: request.actor, commitId: plan.commitId, createdAt: now, updatedAt: now };
    repo.reviewComments.push({ id: nextId(state), ...base, path, line, side, startLine, startSide, position, diffHunk, body });
  }
  // GitHub answers 200 here, not 201.
  return { status: 200, json: toReview(state, repo, pull, review) };
}

/** A reply joins the thread of its root comment and, as on GitHub, arrives in a review of its own. */
function createReply(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): RestReply {
  const pull = findPull(repo, request.params.number);
  const parent = repo.reviewComments.find((c) => c.id === Number(request.params.comment_id) && c.pullNumber === pull?.number);
  if (pull === undefined || parent === undefined) return { status: 404, json: NOT_FOUND };
  const { body } = bodyObject(request);
  if (typeof body !== "string" || body === "") return { status: 422, json: invalidRequest(`For 'properties/body', ${JSON.stringify(body)} is not a string.`) };
  const now = nowIso();
  const review = { id: nextId(state), pullNumber: pull.number, user: request.actor, body: "", event: "COMMENT" as const, state: "COMMENTED" as const, commitId: parent.commitId, submittedAt: now };
  repo.reviews.push(review);
  const reply = { ...parent, id: nextId(state), reviewId: review.id, body, user: request.actor, inReplyToId: parent.inReplyToId ?? parent.id, createdAt: now, updatedAt: now };
  repo.reviewComments.push(reply);
  return { status: 201, json: toReviewComment(state, repo, pull, reply) };
}

/** Pending reviews (and their comments) are visible only to their author. */
function visibleTo(repo: RepoRecord, actor: string, reviewId: number): boolean {
  const review = repo.reviews.find((r) => r.id === reviewId);
  return review !== undefined && (review.state !== "PENDING" || review.user === actor);
}

function listReviews(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): RestReply {
  const pull = findPull(repo, request.params.number);
  if (pull === undefined) return { status: 404, json: NOT_FOUND };
  const reviews = repo.reviews.filter((r) => r.pullNumber === pull.number && visibleTo(repo, request.actor, r.id));
  const url = `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/pulls/${pull.number}/reviews`;
  return paginate(reviews.map((r) => toReview(state, repo, pull, r)), request, url);
}

function listReviewComments(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): RestReply {
  const pull = findPull(repo, request.params.number);
  if (pull === undefined) return { status: 404, json: NOT_FOUND };
  const comments = repo.reviewComments.filter((c) => c.pullNumber === pull.number && visibleTo(repo, request.actor, c.reviewId));
  const url = `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/pulls/${pull.number}/comments`;
  return paginate(comments.map((c) => toReviewComment(state, repo, pull, c)), request, url);
}

export const reviewRoutes: Route[] = [
  route("GET", "/repos/:owner/:repo/pulls/:number/reviews", withRepo(listReviews)),
  route("POST", "/repos/:owner/:repo/pulls/:number/reviews", withRepo(createReview)),
  route("GET", "/repos/:owner/:repo/pulls/:number/comments", withRepo(listReviewComments)),
  route("POST", "/repos/:owner/:repo/pulls/:number/comments/:comment_id/replies", withRepo(createReply)),
];
