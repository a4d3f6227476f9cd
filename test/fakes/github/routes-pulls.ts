import { insertPull, pullCreateError } from "./open-pull.js";
import { syncPullRefs } from "./pull-refs.js";
import { findPull, isPull, toPull } from "./pull-shape.js";
import type { RestReply, RestRequest, Route } from "./route.js";
import { bodyObject, paginate, route, withRepo } from "./route.js";
import { NOT_FOUND, validationFailed } from "./shapes.js";
import type { FakeGitHubState, RepoRecord } from "./state.js";
import { nowIso } from "./state.js";

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

async function createPull(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const { title, body, head, base, draft } = bodyObject(request);
  const branch = typeof head === "string" ? headBranch(repo, head) : undefined;
  const baseRef = typeof base === "string" ? base : "";
  if (branch === undefined) return { status: 422, json: validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }]) };
  const error = await pullCreateError(repo, title, branch, baseRef);
  if (error !== undefined) return error;
  const fields = { title: String(title), body: typeof body === "string" ? body : null, user: request.actor, head: branch, base: baseRef };
  const pull = await insertPull(repo, { ...fields, draft: draft === true });
  return { status: 201, json: await toPull(state, repo, pull) };
}

async function updatePull(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const pull = findPull(repo, request.params.number);
  if (pull === undefined) return { status: 404, json: NOT_FOUND };
  const { title, body, state: newState, base } = bodyObject(request);
  if (typeof title === "string") pull.title = title;
  if (typeof body === "string") pull.body = body;
  if (typeof base === "string") pull.pull.base = base;
  if (newState === "open" || newState === "closed") {
    // Freeze refs/pull/<n>/head at the tip before closing; catch up with the branch on reopening.
    await syncPullRefs(repo);
    pull.state = newState;
    pull.closedAt = newState === "closed" ? nowIso() : null;
    await syncPullRefs(repo);
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
      const pull = findPull(repo, request.params.number);
      return pull === undefined ? { status: 404, json: NOT_FOUND } : { status: 200, json: await toPull(state, repo, pull) };
    }),
  ),
  route("PATCH", "/repos/:owner/:repo/pulls/:number", withRepo(updatePull)),
];
