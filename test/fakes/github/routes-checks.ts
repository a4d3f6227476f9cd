import { checkSuiteIdFor, applyCheckRunChanges, CHECKS_DOC, readCheckRunChanges, toCheckRun } from "./check-runs.js";
import { resolveCommit } from "./git-revs.js";
import { invalidRequest } from "./review-shapes.js";
import type { RestReply, RestRequest, Route } from "./route.js";
import { bodyObject, route, withRepo } from "./route.js";
import { NOT_FOUND } from "./shapes.js";
import type { CheckRunRecord, FakeGitHubState, RepoRecord } from "./state.js";
import { nextId, nowIso } from "./state.js";

function noCommit(ref: string): RestReply {
  return { status: 422, json: { message: `No commit found for SHA: ${ref}`, documentation_url: CHECKS_DOC, status: "422" } };
}

async function createCheckRun(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const body = bodyObject(request);
  const changes = readCheckRunChanges(body);
  if (typeof changes === "string") return { status: 422, json: invalidRequest(changes, CHECKS_DOC) };
  if (changes.name === undefined) return { status: 422, json: invalidRequest("\"name\" wasn't supplied.", CHECKS_DOC) };
  if (typeof body.head_sha !== "string") return { status: 422, json: invalidRequest("\"head_sha\" wasn't supplied.", CHECKS_DOC) };
  // GitHub wants the full sha of a commit the repository has.
  const sha = await resolveCommit(repo.bareDir, body.head_sha);
  if (sha === undefined || sha !== body.head_sha) return noCommit(body.head_sha);
  const now = nowIso();
  const run: CheckRunRecord = {
    id: nextId(state),
    name: changes.name,
    headSha: sha,
    status: "queued",
    conclusion: null,
    output: null,
    detailsUrl: null,
    externalId: null,
    startedAt: now,
    completedAt: null,
  };
  const error = applyCheckRunChanges(run, changes, now);
  if (error !== undefined) return { status: 422, json: invalidRequest(error, CHECKS_DOC) };
  repo.checkRuns.push(run);
  return { status: 201, json: toCheckRun(state, repo, run) };
}

function updateCheckRun(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): RestReply {
  const run = repo.checkRuns.find((r) => r.id === Number(request.params.id));
  if (run === undefined) return { status: 404, json: NOT_FOUND };
  const changes = readCheckRunChanges(bodyObject(request));
  if (typeof changes === "string") return { status: 422, json: invalidRequest(changes, CHECKS_DOC) };
  // Validate on a copy so a refused update leaves the run as it was.
  const next = { ...run };
  const error = applyCheckRunChanges(next, changes, nowIso());
  if (error !== undefined) return { status: 422, json: invalidRequest(error, CHECKS_DOC) };
  Object.assign(run, next);
  return { status: 200, json: toCheckRun(state, repo, run) };
}

/** `filter=latest` (GitHub's default) keeps only the newest run of each name. */
async function listForRef(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const ref = request.params.ref ?? "";
  const sha = await resolveCommit(repo.bareDir, ref);
  if (sha === undefined) return noCommit(ref);
  const name = request.query.get("check_name");
  const status = request.query.get("status");
  const newestFirst = repo.checkRuns
    .filter((r) => r.headSha === sha && (name === null || r.name === name) && (status === null || r.status === status))
    .sort((a, b) => b.id - a.id);
  const runs = request.query.get("filter") === "all" ? newestFirst : newestFirst.filter((r, i) => newestFirst.findIndex((o) => o.name === r.name) === i);
  const perPage = Math.min(100, Math.max(1, Number(request.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(request.query.get("page") ?? 1) || 1);
  const slice = runs.slice((page - 1) * perPage, page * perPage);
  return { status: 200, json: { total_count: runs.length, check_runs: slice.map((r) => toCheckRun(state, repo, r)) } };
}

export const checkRoutes: Route[] = [
  route("POST", "/repos/:owner/:repo/check-runs", withRepo(createCheckRun)),
  route(
    "GET",
    "/repos/:owner/:repo/check-runs/:id",
    withRepo((state, repo, request) => {
      const run = repo.checkRuns.find((r) => r.id === Number(request.params.id));
      return run === undefined ? { status: 404, json: NOT_FOUND } : { status: 200, json: toCheckRun(state, repo, run) };
    }),
  ),
  route("PATCH", "/repos/:owner/:repo/check-runs/:id", withRepo(updateCheckRun)),
  route("GET", "/repos/:owner/:repo/commits/*ref/check-runs", withRepo(listForRef)),
  route("GET", "/repos/:owner/:repo/check-suites/:id/check-runs", withRepo((state, repo, request) => {
    const runs = repo.checkRuns.filter((r) => checkSuiteIdFor(r.headSha) === Number(request.params.id));
    return { status: 200, json: { total_count: runs.length, check_runs: runs.map((r) => toCheckRun(state, repo, r)) } };
  })),
];
