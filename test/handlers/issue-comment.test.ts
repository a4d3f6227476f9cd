import type { IssueCommentCreatedEvent } from "@octokit/webhooks-types";
import nock from "nock";
import type { Probot } from "probot";
import { handleIssueComment } from "../../src/handlers/issue-comment.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { uncachedRepoConfig } from "../helpers/repo-config.js";
import { API, createTestProbot, nockInstallationToken } from "../helpers/test-app.js";
import { loadExamplePayload } from "../helpers/webhooks.js";

const REPO = "/repos/Codertocat/Hello-World";

function comment(body: string, onPullRequest: boolean, user = "maintainer") {
  return loadExamplePayload("issue_comment", "created", (event) => {
    const p = event as IssueCommentCreatedEvent;
    p.comment.body = body;
    p.comment.user = { ...p.comment.user, login: user, type: "User" };
    p.installation = { id: 77, node_id: "I_77" };
    if (onPullRequest) (p.issue as { pull_request?: unknown }).pull_request = { url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" };
    else delete (p.issue as { pull_request?: unknown }).pull_request;
  }) as IssueCommentCreatedEvent;
}

const nockPermission = (user: string, permission: string) =>
  nock(API).get(`${REPO}/collaborators/${user}/permission`).reply(200, { permission, role_name: permission, user: { login: user } });

describe("issue_comment handler: @codex commands", () => {
  let store: Store;
  let probot: Probot;
  let cancels: string[];
  const deliver = (id: string, payload: IssueCommentCreatedEvent) => probot.receive({ name: "issue_comment", id, payload: payload as never });

  beforeEach(async () => {
    store = new SqliteStore(":memory:");
    cancels = [];
    probot = createTestProbot();
    probot.load((app) => {
      app.on("issue_comment.created", handleIssueComment({ store, poke: () => undefined, defaultLabel: "codex", repoConfig: uncachedRepoConfig(), mention: "codex", botLogin: async () => "codex-app[bot]", cancel: async (...args) => { cancels.push(args.join("/")); return { queued: 0, running: 1 }; } }));
    });
    nock.disableNetConnect();
  });
  afterEach(async () => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
    await store.close();
  });

  test("`@codex review focus on security` by a writer queues a review with the focus", async () => {
    nockInstallationToken();
    nockPermission("maintainer", "write");
    const eyes = nock(API).post(/\/issues\/comments\/\d+\/reactions/, { content: "eyes" }).reply(201, {});
    nock(API).get(`${REPO}/pulls/1`).reply(200, { number: 1, head: { sha: "c".repeat(40) }, base: { ref: "main" } });
    await deliver("d1", comment("@codex review focus on security", true));
    expect(eyes.isDone()).toBe(true);
    expect(await store.claimNext()).toMatchObject({ kind: "review", request: { trigger: "command", focus: "focus on security", headSha: "c".repeat(40) } });
  });

  test("`@codex review` by a reader is refused with a short reply, and nothing is queued", async () => {
    nockInstallationToken();
    nockPermission("drive-by", "read");
    const reply = nock(API).post(`${REPO}/issues/1/comments`, (b: { body: string }) => /only acts for people with write, maintain or admin access/.test(b.body)).reply(201, { id: 5 });
    await deliver("d2", comment("@codex review", true, "drive-by"));
    expect(reply.isDone()).toBe(true);
    expect(await store.countByStatus("queued")).toBe(0);
  });

  test("`@codex <task>` on an issue starts a code task with the comment as the instruction", async () => {
    nockInstallationToken();
    nockPermission("maintainer", "admin");
    nock(API).post(/\/issues\/comments\/\d+\/reactions/).reply(201, {});
    await deliver("d3", comment("@codex handle the empty-string case too", false));
    expect(await store.claimNext()).toMatchObject({ kind: "code", request: { trigger: "comment", instruction: "handle the empty-string case too" } });
  });

  test("the app's own slug works as a mention; quoted commands and bots do nothing", async () => {
    nockInstallationToken();
    nockPermission("maintainer", "write");
    nock(API).post(/\/issues\/comments\/\d+\/reactions/).reply(201, {});
    const help = nock(API).post(`${REPO}/issues/1/comments`, (b: { body: string }) => b.body.includes("codex-bot commands")).reply(201, { id: 6 });
    await deliver("d4", comment("@codex-app help", false));
    expect(help.isDone()).toBe(true);
    await deliver("d5", comment("> @codex review\nno thanks", true));
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(404, {});
    await deliver("d6", comment("@codex review", true, "ci-bot[bot]"));
    await deliver("d7", comment("@codex review", true, "codex-app[bot]"));
    expect(await store.countByStatus("queued")).toBe(0);
  });

  test("a bot named in allow_bots may give commands; stop reports what it cancelled", async () => {
    nockInstallationToken();
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(200, { type: "file", encoding: "base64", content: Buffer.from("allow_bots: [\"ci-bot[bot]\"]\n").toString("base64") });
    nock(API).post(/\/issues\/comments\/\d+\/reactions/).reply(201, {});
    const stopped = nock(API).post(`${REPO}/issues/1/comments`, (b: { body: string }) => /1 running and 0 waiting task\(s\) for #1 were cancelled by @ci-bot\[bot\]/.test(b.body)).reply(201, { id: 7 });
    await deliver("d8", comment("@codex stop", true, "ci-bot[bot]"));
    expect(stopped.isDone()).toBe(true);
    expect(cancels).toEqual(["Codertocat/Hello-World/1/ci-bot[bot]"]);
  });
});
