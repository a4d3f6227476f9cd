import type { PullRequestOpenedEvent } from "@octokit/webhooks-types";
import nock from "nock";
import type { Probot } from "probot";
import { handlePullRequest, REVIEWED_ACTIONS } from "../../src/handlers/pull-request.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { uncachedRepoConfig } from "../helpers/repo-config.js";
import { API, createTestProbot, nockInstallationToken } from "../helpers/test-app.js";
import { loadExamplePayload } from "../helpers/webhooks.js";

const REPO = "/repos/Codertocat/Hello-World";

function opened(action: "opened" | "synchronize" = "opened", edit: (p: PullRequestOpenedEvent) => void = () => undefined) {
  return loadExamplePayload("pull_request", "opened", (event) => {
    const p = event as PullRequestOpenedEvent;
    (p as { action: string }).action = action;
    p.installation = { id: 77, node_id: "I_77" };
    p.pull_request.draft = false;
    edit(p);
  }) as PullRequestOpenedEvent;
}

function nockConfig(yaml: string | null, ref = "master") {
  const scope = nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).query({ ref });
  return yaml === null ? scope.reply(404, { message: "Not Found" }) : scope.reply(200, { type: "file", encoding: "base64", content: Buffer.from(yaml).toString("base64") });
}

describe("pull_request handler: every PR gets a review", () => {
  let store: Store;
  let probot: Probot;
  const deliver = (id: string, payload: PullRequestOpenedEvent) => probot.receive({ name: "pull_request", id, payload: payload as never });

  beforeEach(async () => {
    store = new SqliteStore(":memory:");
    probot = createTestProbot();
    probot.load((app) => {
      app.on([...REVIEWED_ACTIONS], handlePullRequest({ store, poke: () => undefined, defaultLabel: "codex", repoConfig: uncachedRepoConfig(), botLogin: async () => "codex-bot[bot]" }));
    });
    nock.disableNetConnect();
    nockInstallationToken();
  });
  afterEach(async () => {
    expect(nock.pendingMocks().filter((m) => !m.includes("access_tokens"))).toEqual([]);
    nock.cleanAll();
    await store.close();
  });

  test("an opened PR queues a review of its head, with settings read from the base branch", async () => {
    nockConfig(null);
    const payload = opened();
    await deliver("d1", payload);
    const task = await store.claimNext()!;
    expect(task).toMatchObject({ kind: "review", number: payload.pull_request.number, request: { trigger: "pull_request", action: "opened", headSha: payload.pull_request.head.sha, baseRef: "master" } });
  });

  test("drafts are skipped by default and reviewed with review.drafts", async () => {
    nockConfig(null);
    await deliver("d-draft", opened("opened", (p) => (p.pull_request.draft = true)));
    expect(await store.countByStatus("queued")).toBe(0);
    nockConfig("review:\n  drafts: true\n");
    await deliver("d-draft2", opened("opened", (p) => (p.pull_request.draft = true)));
    expect(await store.countByStatus("queued")).toBe(1);
  });

  test("skip_authors, auto: false and unselected base branches queue nothing", async () => {
    nockConfig(null);
    await deliver("d-bot", opened("opened", (p) => (p.pull_request.user = { ...p.pull_request.user, login: "dependabot[bot]" })));
    nockConfig("review:\n  auto: false\n");
    await deliver("d-off", opened());
    nockConfig("review:\n  branches: [release/*]\n");
    await deliver("d-branch", opened());
    expect(await store.countByStatus("queued")).toBe(0);
  });

  test("review.branches matches the whole base branch name: [main] selects main, not feature/main", async () => {
    const intoBase = (ref: string) => opened("opened", (p) => (p.pull_request.base.ref = ref));
    nockConfig("review:\n  branches: [main]\n", "feature/main");
    await deliver("d-feature-main", intoBase("feature/main"));
    expect(await store.countByStatus("queued")).toBe(0);
    nockConfig("review:\n  branches: [main]\n", "main");
    await deliver("d-main", intoBase("main"));
    expect(await store.claimNext()).toMatchObject({ kind: "review", request: { baseRef: "main" } });
  });

  test("a newer push replaces the review still waiting for the older head", async () => {
    nockConfig(null);
    await deliver("d-a", opened("opened"));
    nockConfig(null);
    await deliver("d-b", opened("synchronize", (p) => (p.pull_request.head.sha = "b".repeat(40))));
    expect(await store.countByStatus("queued")).toBe(1);
    expect(await store.countByStatus("cancelled")).toBe(1);
    expect((await store.claimNext())!.request).toMatchObject({ headSha: "b".repeat(40), action: "synchronize" });
  });
});
