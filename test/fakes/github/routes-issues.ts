import type { RestReply, RestRequest, Route } from "./route.js";
import { bodyObject, paginate, route, withRepo } from "./route.js";
import { NOT_FOUND, toComment, toIssue, toReaction, validationFailed } from "./shapes.js";
import type { FakeGitHubState, ReactionRecord, RepoRecord } from "./state.js";
import { nextId, nowIso } from "./state.js";

const REACTIONS = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"];

function issueNumber(request: RestRequest): number {
  return Number(request.params.number);
}

function listComments(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): RestReply {
  const number = issueNumber(request);
  if (!repo.issues.has(number)) return { status: 404, json: NOT_FOUND };
  const comments = repo.comments.filter((c) => c.issueNumber === number).map((c) => toComment(state, repo, c));
  return paginate(comments, request, `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/issues/${number}/comments`);
}

function createComment(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): RestReply {
  const number = issueNumber(request);
  const issue = repo.issues.get(number);
  if (issue === undefined) return { status: 404, json: NOT_FOUND };
  const { body } = bodyObject(request);
  if (typeof body !== "string" || body === "") {
    return { status: 422, json: validationFailed([{ resource: "IssueComment", field: "body", code: "missing_field" }]) };
  }
  const now = nowIso();
  const comment = { id: nextId(state), issueNumber: number, body, user: request.actor, createdAt: now, updatedAt: now };
  repo.comments.push(comment);
  issue.updatedAt = now;
  return { status: 201, json: toComment(state, repo, comment) };
}

function updateComment(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): RestReply {
  const comment = repo.comments.find((c) => c.id === Number(request.params.id));
  if (comment === undefined) return { status: 404, json: NOT_FOUND };
  const { body } = bodyObject(request);
  if (typeof body !== "string") {
    return { status: 422, json: validationFailed([{ resource: "IssueComment", field: "body", code: "missing_field" }]) };
  }
  comment.body = body;
  comment.updatedAt = nowIso();
  return { status: 200, json: toComment(state, repo, comment) };
}

function react(subject: ReactionRecord["subject"]) {
  return withRepo((state, repo, request) => {
    const subjectId = Number(subject === "issue" ? request.params.number : request.params.id);
    const exists = subject === "issue" ? repo.issues.has(subjectId) : repo.comments.some((c) => c.id === subjectId);
    if (!exists) return { status: 404, json: NOT_FOUND };
    const { content } = bodyObject(request);
    if (typeof content !== "string" || !REACTIONS.includes(content)) {
      return { status: 422, json: validationFailed([{ resource: "Reaction", field: "content", code: "invalid" }]) };
    }
    const same = (r: ReactionRecord) => r.subject === subject && r.subjectId === subjectId && r.content === content && r.user === request.actor;
    // GitHub answers 200 with the existing reaction when the same user reacts twice.
    const existing = repo.reactions.find(same);
    if (existing !== undefined) return { status: 200, json: toReaction(state, existing) };
    const reaction = { id: nextId(state), subject, subjectId, content, user: request.actor };
    repo.reactions.push(reaction);
    return { status: 201, json: toReaction(state, reaction) };
  });
}

export const issueRoutes: Route[] = [
  route(
    "GET",
    "/repos/:owner/:repo/issues/:number",
    withRepo((state, repo, request) => {
      const issue = repo.issues.get(issueNumber(request));
      return issue === undefined ? { status: 404, json: NOT_FOUND } : { status: 200, json: toIssue(state, repo, issue) };
    }),
  ),
  route("GET", "/repos/:owner/:repo/issues/:number/comments", withRepo(listComments)),
  route("POST", "/repos/:owner/:repo/issues/:number/comments", withRepo(createComment)),
  route("PATCH", "/repos/:owner/:repo/issues/comments/:id", withRepo(updateComment)),
  route("POST", "/repos/:owner/:repo/issues/:number/reactions", react("issue")),
  route("POST", "/repos/:owner/:repo/issues/comments/:id/reactions", react("comment")),
];
