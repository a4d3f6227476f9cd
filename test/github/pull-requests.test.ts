import nock from "nock";
import { ProbotOctokit } from "probot";
import { openOrUpdatePullRequest } from "../../src/github/pull-requests.js";
import type { Octokit } from "../../src/github/types.js";
import { API } from "../helpers/test-app.js";

const octokit = new (ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })))({ auth: { token: "t" } }) as unknown as Octokit;
const repo = { owner: "o", repo: "r" };
const draft = { title: "Fix it", body: "Fixes #1", head: "codex/issue-1-x", base: "main", draft: false };
const pr = (number: number) => ({ number, html_url: `https://github.com/o/r/pull/${number}`, draft: false });

describe("openOrUpdatePullRequest", () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });

  test("creates the PR when none is open for the branch", async () => {
    nock(API).get("/repos/o/r/pulls").query({ head: "o:codex/issue-1-x", state: "open", per_page: 1 }).reply(200, []);
    nock(API).post("/repos/o/r/pulls", { ...draft }).reply(201, pr(2));
    expect(await openOrUpdatePullRequest(octokit, repo, draft, { closesIssue: 1 })).toEqual({ number: 2, url: "https://github.com/o/r/pull/2", draft: false, created: true });
  });

  test("updates the open PR instead of creating a second one", async () => {
    nock(API).get("/repos/o/r/pulls").query(true).reply(200, [pr(5)]);
    nock(API).patch("/repos/o/r/pulls/5", { title: "Fix it", body: "Fixes #1" }).reply(200, pr(5));
    expect(await openOrUpdatePullRequest(octokit, repo, draft, { closesIssue: 1 })).toMatchObject({ number: 5, created: false });
  });

  test("a 422 'already exists' (a PR created in between) means find it and update it", async () => {
    nock(API).get("/repos/o/r/pulls").query(true).reply(200, []);
    nock(API).post("/repos/o/r/pulls").reply(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: "A pull request already exists for o:codex/issue-1-x." }] });
    nock(API).get("/repos/o/r/pulls").query(true).reply(200, [pr(9)]);
    nock(API).patch("/repos/o/r/pulls/9").reply(200, pr(9));
    expect(await openOrUpdatePullRequest(octokit, repo, draft)).toMatchObject({ number: 9, created: false });
  });

  test("title and body reach GitHub sanitised: the task's own Fixes line stays, a foreign one, a mention and an image do not", async () => {
    const hostile = { ...draft, title: "Fix it for @org/everyone", body: "Fixes #1\n\nAlso fixes other/repo#9. cc @org/everyone ![x](https://attacker.example/?d=secret)" };
    nock(API).get("/repos/o/r/pulls").query(true).reply(200, []);
    const created = nock(API).post("/repos/o/r/pulls", { title: "Fix it for @\u2060org/everyone", body: "Fixes #1\n\nAlso other/repo#9. cc @\u2060org/everyone x", head: draft.head, base: "main", draft: false }).reply(201, pr(3));
    await openOrUpdatePullRequest(octokit, repo, hostile, { closesIssue: 1 });
    expect(created.isDone()).toBe(true);
  });

  test("any other 422 is an error for the caller to report", async () => {
    nock(API).get("/repos/o/r/pulls").query(true).reply(200, []);
    nock(API).post("/repos/o/r/pulls").reply(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: "No commits between main and codex/issue-1-x" }] });
    await expect(openOrUpdatePullRequest(octokit, repo, draft)).rejects.toMatchObject({ status: 422 });
  });
});
