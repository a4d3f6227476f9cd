import type { CheckSuiteCompletedEvent, IssueCommentCreatedEvent, PullRequestReviewCommentCreatedEvent } from "@octokit/webhooks-types";
import nock from "nock";
import { pino } from "pino";
import type { Probot } from "probot";
import { handleCheckSuiteCompleted } from "../../src/handlers/check-suite.js";
import { handleIssueComment } from "../../src/handlers/issue-comment.js";
import { handleReviewComment } from "../../src/handlers/review-comment.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import type { CodeTask } from "../../src/tasks/task-types.js";
import { uncachedRepoConfig } from "../helpers/repo-config.js";
import { API, createTestProbot, nockInstallationToken } from "../helpers/test-app.js";
import { loadExamplePayload } from "../helpers/webhooks.js";

const REPO = "/repos/Codertocat/Hello-World";
const pullJson = (headRepo = "Codertocat/Hello-World") => ({
  number: 2, title: "Fix", body: "Fixes #1", html_url: "https://github.com/Codertocat/Hello-World/pull/2",
  head: { ref: "codex/issue-1-fix", sha: "a".repeat(40), repo: { full_name: headRepo } }, base: { ref: "master", repo: { default_branch: "master" } },
});
const permission = (user: string, p: string) => nock(API).get(`${REPO}/collaborators/${user}/permission`).reply(200, { permission: p, role_name: p, user: { login: user } });

function prComment(body: string): IssueCommentCreatedEvent {
  return loadExamplePayload("issue_comment", "created", (event) => {
    const p = event as IssueCommentCreatedEvent;
    p.comment.body = body;
    p.comment.user = { ...p.comment.user, login: "maintainer", type: "User" };
    p.issue.number = 2;
    (p.issue as { pull_request?: unknown }).pull_request = { url: "x" };
    p.installation = { id: 77, node_id: "I_77" };
  }) as IssueCommentCreatedEvent;
}

describe("follow-up commands on pull requests", () => {
  let store: Store;
  let probot: Probot;
  let deps: Parameters<typeof handleIssueComment>[0];
  beforeEach(async () => {
    store = new SqliteStore(":memory:");
    probot = createTestProbot();
    deps = { store, poke: () => undefined, defaultLabel: "codex", repoConfig: uncachedRepoConfig(), mention: "codex", botLogin: async () => "codex-bot[bot]", cancel: async () => ({ queued: 0, running: 0 }) };
    probot.load((app) => {
      app.on("issue_comment.created", handleIssueComment(deps));
      app.on("pull_request_review_comment.created", handleReviewComment(deps));
      app.on("check_suite.completed", handleCheckSuiteCompleted(deps));
    });
    nock.disableNetConnect();
    nockInstallationToken();
  });
  afterEach(async () => {
    expect(nock.pendingMocks().filter((m) => !m.includes("access_tokens"))).toEqual([]);
    nock.cleanAll();
    await store.close();
  });

  test("`@codex <instruction>` on a PR queues a task on its branch, behind one already running", async () => {
    await store.enqueue({ kind: "code", installationId: 77, owner: "Codertocat", repo: "Hello-World", number: 2, request: { trigger: "label", issueTitle: "", instruction: "", issueBody: "", sender: { login: "m", id: 1 }, cloneUrl: "", defaultBranch: "master", htmlUrl: "" } });
    await store.claimNext();
    permission("maintainer", "write");
    nock(API).post(/\/issues\/comments\/\d+\/reactions/).reply(201, {});
    nock(API).get(`${REPO}/pulls/2`).reply(200, pullJson());
    await probot.receive({ name: "issue_comment", id: "d1", payload: prComment("@codex also handle empty strings") as never });
    expect(await store.countByStatus("queued")).toBe(1);
    nock(API).get(`${REPO}/collaborators/maintainer/permission`).reply(200, { permission: "write" });
    nock(API).post(/\/issues\/comments\/\d+\/reactions/).reply(201, {});
    nock(API).get(`${REPO}/pulls/2`).reply(200, pullJson());
    await probot.receive({ name: "issue_comment", id: "d2", payload: prComment("@codex fix") as never });
    expect(await store.countByStatus("queued")).toBe(2);
  });

  test("a fork's pull request is explained, not pushed to", async () => {
    permission("maintainer", "admin");
    nock(API).post(/\/issues\/comments\/\d+\/reactions/).reply(201, {});
    nock(API).get(`${REPO}/pulls/2`).reply(200, pullJson("someone/Hello-World"));
    const said = nock(API).post(`${REPO}/issues/2/comments`, (b: { body: string }) => /^@maintainer this pull request comes from a fork \(`someone\/Hello-World`\), and codex-bot cannot push there/.test(b.body)).reply(201, { id: 1 });
    await probot.receive({ name: "issue_comment", id: "d3", payload: prComment("@codex rename the variable") as never });
    expect(said.isDone()).toBe(true);
    expect(await store.countByStatus("queued")).toBe(0);
  });

  test("`@codex fix this` in a review thread carries the thread's file, lines and first comment", async () => {
    const payload = loadExamplePayload("pull_request_review_comment", "created", (event) => {
      const p = event as PullRequestReviewCommentCreatedEvent;
      p.comment.body = "@codex fix this";
      p.comment.user = { ...p.comment.user, login: "maintainer", type: "User" };
      p.comment.in_reply_to_id = 555;
      p.pull_request.number = 2;
      p.installation = { id: 77, node_id: "I_77" };
    }) as PullRequestReviewCommentCreatedEvent;
    permission("maintainer", "write");
    nock(API).post(/\/pulls\/comments\/\d+\/reactions/).reply(201, {});
    nock(API).get(`${REPO}/pulls/comments/555`).reply(200, { id: 555, body: "This loop never ends.", user: { login: "codex-bot[bot]", type: "Bot" } });
    nock(API).get(`${REPO}/pulls/2`).reply(200, pullJson());
    await probot.receive({ name: "pull_request_review_comment", id: "d4", payload: payload as never });
    const task = await store.claimNext() as CodeTask;
    expect(task.request.pull).toMatchObject({ number: 2, headRef: "codex/issue-1-fix", thread: { commentId: 555, path: payload.comment.path, rootBody: "This loop never ends.", diffHunk: payload.comment.diff_hunk } });
  });

  test("someone without write access is answered in the thread, with a ping that stays live", async () => {
    const payload = loadExamplePayload("pull_request_review_comment", "created", (event) => {
      const p = event as PullRequestReviewCommentCreatedEvent;
      p.comment.body = "@codex fix this";
      p.comment.user = { ...p.comment.user, login: "drive-by", type: "User" };
      p.pull_request.number = 2;
      p.installation = { id: 77, node_id: "I_77" };
    }) as PullRequestReviewCommentCreatedEvent;
    permission("drive-by", "read");
    const reply = nock(API).post(`${REPO}/pulls/2/comments/${payload.comment.id}/replies`, (b: { body: string }) => b.body.startsWith("@drive-by codex-bot only acts")).reply(201, { id: 9 });
    await probot.receive({ name: "pull_request_review_comment", id: "d-read", payload: payload as never });
    expect(reply.isDone()).toBe(true);
    expect(await store.countByStatus("queued")).toBe(0);
  });

  test("a 👀 on a review comment that GitHub refuses is logged with the delivery, and the request still queued", async () => {
    const warnings: Record<string, unknown>[] = [];
    const loud = createTestProbot(pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) }));
    loud.load((app) => app.on("pull_request_review_comment.created", handleReviewComment(deps)));
    const payload = loadExamplePayload("pull_request_review_comment", "created", (event) => {
      const p = event as PullRequestReviewCommentCreatedEvent;
      p.comment.body = "@codex fix this";
      p.comment.user = { ...p.comment.user, login: "maintainer", type: "User" };
      p.pull_request.number = 2;
      p.installation = { id: 77, node_id: "I_77" };
    }) as PullRequestReviewCommentCreatedEvent;
    permission("maintainer", "write");
    nock(API).post(/\/pulls\/comments\/\d+\/reactions/).reply(500, { message: "Server Error" });
    nock(API).get(`${REPO}/pulls/2`).reply(200, pullJson());
    await loud.receive({ name: "pull_request_review_comment", id: "d-react", payload: payload as never });
    expect(warnings).toContainEqual(expect.objectContaining({ level: 40, delivery: "d-react", msg: expect.stringContaining("could not react") }));
    expect(await store.countByStatus("queued")).toBe(1);
  });

  test("fix_ci: one attempt per failing head commit of a bot PR", async () => {
    await store.recordBotPullRequest({ owner: "Codertocat", repo: "Hello-World", number: 2, issueNumber: 1, headRef: "codex/issue-1-fix", installationId: 77 });
    const suite = () => loadExamplePayload("check_suite", "completed", (event) => {
      const p = event as CheckSuiteCompletedEvent;
      p.check_suite.conclusion = "failure";
      p.check_suite.head_sha = "a".repeat(40);
      p.check_suite.pull_requests = [{ ...p.check_suite.pull_requests[0]!, number: 2 } as never];
      p.installation = { id: 77, node_id: "I_77" };
    }) as CheckSuiteCompletedEvent;
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(200, { type: "file", encoding: "base64", content: Buffer.from("fix_ci: true\n").toString("base64") });
    nock(API).get(`${REPO}/pulls/2`).reply(200, pullJson());
    await probot.receive({ name: "check_suite", id: "d5", payload: suite() as never });
    const task = await store.claimNext() as CodeTask;
    expect(task.request.pull?.ciFailure).toEqual({ headSha: "a".repeat(40), checkSuiteId: suite().check_suite.id });
    await probot.receive({ name: "check_suite", id: "d6", payload: suite() as never });
    expect(await store.countByStatus("queued")).toBe(0);
  });
});
