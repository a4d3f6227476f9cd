import nock from "nock";
import { oncePerDelivery } from "../../src/github/once-per-delivery.js";
import type { Octokit } from "../../src/github/types.js";
import { API, createTestProbot, nockInstallationToken } from "../helpers/test-app.js";

describe("oncePerDelivery: a delivery's comments are posted once, however often it is dispatched", () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });
  const client = async (redispatch: boolean) => oncePerDelivery((await createTestProbot().auth(77)) as unknown as Octokit, "guid-1", { redispatch, since: Date.parse("2026-01-01T00:00:00Z") });

  test("the first dispatch posts with a hidden marker and looks nothing up", async () => {
    nockInstallationToken();
    const posted = nock(API).post("/repos/o/r/issues/3/comments", { body: "hi\n\n<!-- codex-delivery: guid-1-1 -->" }).reply(201, { id: 1 });
    const octokit = await client(false);
    await octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: 3, body: "hi" });
    expect(posted.isDone()).toBe(true);
  });

  test("a second dispatch finds its earlier comment and does not post it again; a comment it had not made yet is posted", async () => {
    nockInstallationToken();
    const earlier = [{ id: 9, body: "someone else" }, { id: 10, body: "hi\n\n<!-- codex-delivery: guid-1-1 -->" }];
    nock(API).get("/repos/o/r/issues/3/comments").query({ since: "2025-12-31T23:59:00.000Z", per_page: "100" }).twice().reply(200, earlier);
    const second = nock(API).post("/repos/o/r/issues/3/comments", { body: "more\n\n<!-- codex-delivery: guid-1-2 -->" }).reply(201, { id: 11 });
    const octokit = await client(true);
    const first = await octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: 3, body: "hi" });
    expect(first.data.id).toBe(10);
    const next = await octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: 3, body: "more" });
    expect(next.data.id).toBe(11);
    expect(second.isDone()).toBe(true);
  });

  test("review-thread replies are covered too", async () => {
    nockInstallationToken();
    nock(API).get("/repos/o/r/pulls/5/comments").query(true).reply(200, [{ id: 20, body: "done\n\n<!-- codex-delivery: guid-1-1 -->" }]);
    const octokit = await client(true);
    const reply = await octokit.rest.pulls.createReplyForReviewComment({ owner: "o", repo: "r", pull_number: 5, comment_id: 7, body: "done" });
    expect(reply.data.id).toBe(20);
  });
});
