import { branchSha, countCommitsAhead } from "./git.js";
import { isPull, toPull } from "./pull-shape.js";
import type { RestReply, RestRequest, Route } from "./route.js";
import { bodyObject, paginate, route, withRepo } from "./route.js";
import { NOT_FOUND, validationFailed } from "./shapes.js";
import type { FakeGitHubState, IssueRecord, RepoRecord } from "./state.js";
import { nextIssueNumber, nowIso } from "./state.js";

/** `owner:branch` or `branch` → the branch, when it names this repo (forks are not faked). */
function headBranch(repo: RepoRecord, head: string): string | undefined {
  const colon = head.indexOf(":");
  if (colon === -1) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? head.slice(colon + 1) : undefined;
}

async function listPulls(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const wantedState = request.query.get("state") ?? "open";
  const head = request.query.get("head");
  const base = request.query.get("base");
  const pulls = [...repo.issues.values()]
    .filter(isPull)
    .filter((p) => wantedState === "all" || p.state === wantedState)
    .filter((p) => head === null || headBranch(repo, head) === p.pull.head)
    .filter((p) => base === null || p.pull.base === base)
    .sort((a, b) => b.number - a.number);
  const shaped = await Promise.all(pulls.map((p) => toPull(state, repo, p)));
  return paginate(shaped, request, `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/pulls`);
}

function invalid(errors: Record<string, unknown>[]): RestReply {
  return { status: 422, json: validationFailed(errors) };
}

/** The 422 GitHub would give for this create request, or undefined when it is valid. */
async function createError(repo: RepoRecord, title: unknown, head: string, base: string): Promise<RestReply | undefined> {
  if (typeof title !== "string" || title === "") return invalid([{ resource: "PullRequest", field: "title", code: "missing_field" }]);
  if ((await branchSha(repo.bareDir, head)) === undefined) return invalid([{ resource: "PullRequest", field: "head", code: "invalid" }]);
  if ((await branchSha(repo.bareDir, base)) === undefined) return invalid([{ resource: "PullRequest", field: "base", code: "invalid" }]);
  const open = [...repo.issues.values()].filter(isPull).some((p) => p.state === "open" && p.pull.head === head);
  if (open) {
    const message = `A pull request already exists for ${repo.owner}:${head}.`;
    return invalid([{ resource: "PullRequest", code: "custom", message }]);
  }
  if ((await countCommitsAhead(repo.bareDir, base, head)) === 0) {
    return invalid([{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }]);
  }
  return undefined;
}

async function createPull(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const { title, body, head, base, draft } = bodyObject(request);
  const branch = typeof head === "string" ? headBranch(repo, head) : undefined;
  const baseRef = typeof base === "string" ? base : "";
  if (branch === undefined) return invalid([{ resource: "PullRequest", field: "head", code: "invalid" }]);
  const error = await createError(repo, title, branch, baseRef);
  if (error !== undefined) return error;
  const now = nowIso();
  const issue = {
    number: nextIssueNumber(repo),
    title: String(title),
    body: typeof body === "string" ? body : null,
    user: request.actor,
    state: "open" as const,
    labels: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    pull: { head: branch, base: baseRef, draft: draft === true },
  };
  repo.issues.set(issue.number, issue);
  return { status: 201, json: await toPull(state, repo, issue) };
}

function findPull(repo: RepoRecord, request: RestRequest): (IssueRecord & { pull: NonNullable<IssueRecord["pull"]> }) | undefined {
  const issue = repo.issues.get(Number(request.params.number));
  return issue !== undefined && isPull(issue) ? issue : undefined;
}

async function updatePull(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const pull = findPull(repo, request);
  if (pull === undefined) return { status: 404, json: NOT_FOUND };
  const { title, body, state: newState, base } = bodyObject(request);
  if (typeof title === "string") pull.title = title;
  if (typeof body === "string") pull.body = body;
  if (typeof base === "string") pull.pull.base = base;
  if (newState === "open" || newState === "closed") {
    pull.state = newState;
    pull.closedAt = newState === "closed" ? nowIso() : null;
  }
  pull.updatedAt = nowIso();
  return { status: 200, json: await toPull(state, repo, pull) };
}

export const pullRoutes: Route[] = [
  route("GET", "/repos/:owner/:repo/pulls", withRepo(listPulls)),
  route("POST", "/repos/:owner/:repo/pulls", withRepo(createPull)),
  route(
    "GET",
    "/repos/:owner/:repo/pulls/:number",
    withRepo(async (state, repo, request) => {
      const pull = findPull(repo, request);
      return pull === undefined ? { status: 404, json: NOT_FOUND } : { status: 200, json: await toPull(state, repo, pull) };
    }),
  ),
  route("PATCH", "/repos/:owner/:repo/pulls/:number", withRepo(updatePull)),
];
