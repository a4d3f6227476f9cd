import type { IssuesLabeledEvent } from "@octokit/webhooks-types";
import nock from "nock";
import type { Probot } from "probot";
import { handleIssueLabeled } from "../../src/handlers/issue-labeled.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { uncachedRepoConfig } from "../helpers/repo-config.js";
import { API, createTestProbot, nockInstallationToken } from "../helpers/test-app.js";
import { loadExamplePayload } from "../helpers/webhooks.js";

const REPO = "/repos/Codertocat/Hello-World";

function labeled(edit: (p: IssuesLabeledEvent) => void = () => undefined): IssuesLabeledEvent {
  return loadExamplePayload("issues", "labeled", (event) => {
    const p = event as IssuesLabeledEvent;
    p.label = { ...p.label!, name: "codex" };
    p.installation = { id: 77, node_id: "I_77" };
    p.sender = { ...p.sender, login: "maintainer", type: "User" };
    delete (p.issue as { pull_request?: unknown }).pull_request;
    edit(p);
  }) as IssuesLabeledEvent;
}

function nockPermission(user: string, permission: string, role: string) {
  return nock(API).get(`${REPO}/collaborators/${user}/permission`).reply(200, { permission, role_name: role, user: { login: user } });
}

function nockNoConfig() {
  return nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(404, { message: "Not Found" });
}

describe("issues.labeled handler", () => {
  /** Probot types payloads with its own copy of the schema; the example payloads are the same JSON. */
  const deliver = (id: string, payload: IssuesLabeledEvent) => probot.receive({ name: "issues", id, payload: payload as never });

  let store: Store;
  let pokes: number;
  let probot: Probot;

  beforeEach(async () => {
    store = new SqliteStore(":memory:");
    pokes = 0;
    // A new app per test: Probot caches installation tokens per instance.
    probot = createTestProbot();
    probot.load((app) => {
      app.on("issues.labeled", handleIssueLabeled({ store, poke: () => (pokes += 1), defaultLabel: "codex", repoConfig: uncachedRepoConfig() }));
    });
    nock.disableNetConnect();
  });
  afterEach(async () => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
    await store.close();
  });

  test.each([
    ["admin", "admin"],
    ["write", "write"],
    ["write", "maintain"],
  ])("queues a task for a sender with permission %s (role %s), reacts 👀", async (permission, role) => {
    nockInstallationToken();
    nockNoConfig();
    nockPermission("maintainer", permission, role);
    const reaction = nock(API).post(`${REPO}/issues/1/reactions`, { content: "eyes" }).reply(201, { id: 1, content: "eyes" });
    await deliver(`d-${role}`, labeled());
    expect(reaction.isDone()).toBe(true);
    expect(await store.countByStatus("queued")).toBe(1);
    const task = (await store.claimNext())!;
    expect(task.request).toMatchObject({ trigger: "label", sender: { login: "maintainer" }, cloneUrl: "https://github.com/Codertocat/Hello-World.git", defaultBranch: "master" });
    expect(pokes).toBe(1);
  });

  test.each([
    ["read", "read"],
    ["read", "triage"],
    ["none", "none"],
  ])("refuses a sender with permission %s (role %s) with one comment and runs nothing", async (permission, role) => {
    nockInstallationToken();
    nockNoConfig();
    nockPermission("maintainer", permission, role);
    const comment = nock(API).post(`${REPO}/issues/1/comments`, (b: { body: string }) => /write, maintain or admin access/.test(b.body)).reply(201, { id: 9 });
    await deliver(`d-${role}`, labeled());
    expect(comment.isDone()).toBe(true);
    expect(await store.countByStatus("queued")).toBe(0);
    expect(pokes).toBe(0);
  });

  test("ignores bot senders without any API call", async () => {
    await deliver("d-bot", labeled((p) => (p.sender = { ...p.sender, login: "renovate[bot]", type: "Bot" })));
    await deliver("d-bot2", labeled((p) => (p.sender = { ...p.sender, login: "sneaky[bot]", type: "User" })));
    expect(await store.countByStatus("queued")).toBe(0);
  });

  test("ignores other labels, and honours the label set in the repo config", async () => {
    nockInstallationToken();
    nockNoConfig();
    await deliver("d-other", labeled((p) => (p.label = { ...p.label!, name: "bug" })));
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(200, { type: "file", encoding: "base64", content: Buffer.from("label: ai-fix\n").toString("base64") });
    nockPermission("maintainer", "write", "write");
    nock(API).post(`${REPO}/issues/1/reactions`).reply(201, {});
    await deliver("d-custom", labeled((p) => (p.label = { ...p.label!, name: "ai-fix" })));
    expect(await store.countByStatus("queued")).toBe(1);
  });

  test("the same delivery dispatched again (after a crash) queues no second task and reacts again, which GitHub keeps as one", async () => {
    nockInstallationToken();
    for (let i = 0; i < 2; i++) {
      nockNoConfig();
      nockPermission("maintainer", "admin", "admin");
      nock(API).post(`${REPO}/issues/1/reactions`).reply(i === 0 ? 201 : 200, {});
    }
    await deliver("same-delivery", labeled());
    await store.finish((await store.claimNext())!.id, "succeeded", "done");
    await deliver("same-delivery", labeled());
    expect(await store.countByStatus("queued")).toBe(0);
    expect(await store.countByStatus("succeeded")).toBe(1);
  });

  test("invalid repo config: a comment names the bad key and nothing is queued", async () => {
    nockInstallationToken();
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(200, { type: "file", encoding: "base64", content: Buffer.from("max_turns: lots\n").toString("base64") });
    nockPermission("maintainer", "admin", "admin");
    const comment = nock(API).post(`${REPO}/issues/1/comments`, (b: { body: string }) => b.body.includes("`max_turns`")).reply(201, { id: 3 });
    await deliver("d-badconfig", labeled());
    expect(comment.isDone()).toBe(true);
    expect(await store.countByStatus("queued")).toBe(0);
  });

  test("a GitHub 5xx during checks fails the delivery without recording it, so a redelivery still works", async () => {
    nockInstallationToken();
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(502, { message: "Bad Gateway" });
    await expect(deliver("d-flaky", labeled())).rejects.toThrow();
    expect(await store.hasDelivery("d-flaky")).toBe(false);
    nockNoConfig();
    nockPermission("maintainer", "admin", "admin");
    nock(API).post(`${REPO}/issues/1/reactions`).reply(201, {});
    await deliver("d-flaky", labeled());
    expect(await store.countByStatus("queued")).toBe(1);
  });
});
