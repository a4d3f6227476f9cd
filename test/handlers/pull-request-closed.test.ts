import type { PullRequestClosedEvent } from "@octokit/webhooks-types";
import nock from "nock";
import { pino } from "pino";
import { ProbotOctokit, type Probot } from "probot";
import type { Octokit } from "../../src/github/types.js";
import { handlePullRequestClosed } from "../../src/handlers/pull-request-closed.js";
import { sweepAbandonedBranches } from "../../src/tasks/branch-janitor.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { uncachedRepoConfig } from "../helpers/repo-config.js";
import { API, createTestProbot, nockInstallationToken } from "../helpers/test-app.js";
import { loadExamplePayload } from "../helpers/webhooks.js";

const REPO = "/repos/Codertocat/Hello-World";
const DAY = 24 * 60 * 60 * 1000;

function closed(merged: boolean, number = 2) {
  return loadExamplePayload("pull_request", "closed", (event) => {
    const p = event as PullRequestClosedEvent;
    p.pull_request.number = number;
    p.pull_request.merged = merged;
    p.installation = { id: 77, node_id: "I_77" };
  }) as PullRequestClosedEvent;
}

describe("bot pull requests merged or closed", () => {
  let store: Store;
  let probot: Probot;
  const deliver = (id: string, payload: PullRequestClosedEvent) => probot.receive({ name: "pull_request", id, payload: payload as never });

  beforeEach(async () => {
    store = new SqliteStore(":memory:");
    await store.recordBotPullRequest({ owner: "Codertocat", repo: "Hello-World", number: 2, issueNumber: 1, headRef: "codex/issue-1-fix", installationId: 77 });
    probot = createTestProbot();
    probot.load((app) => app.on("pull_request.closed", handlePullRequestClosed({ store, poke: () => undefined, defaultLabel: "codex", repoConfig: uncachedRepoConfig() })));
    nock.disableNetConnect();
  });
  afterEach(async () => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
    await store.close();
  });

  test("merged: the branch is deleted and the PR recorded as merged", async () => {
    nockInstallationToken();
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(404, {});
    const del = nock(API).delete(`${REPO}/git/refs/heads%2Fcodex%2Fissue-1-fix`).reply(204);
    await deliver("d1", closed(true));
    expect(del.isDone()).toBe(true);
    expect(await store.getBotPullRequest("Codertocat", "Hello-World", 2)).toMatchObject({ state: "merged", branchDeleted: true });
  });

  test("merged with delete_branch_on_merge: false keeps the branch", async () => {
    nockInstallationToken();
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(200, { type: "file", encoding: "base64", content: Buffer.from("delete_branch_on_merge: false\n").toString("base64") });
    await deliver("d2", closed(true));
    expect(await store.getBotPullRequest("Codertocat", "Hello-World", 2)).toMatchObject({ state: "merged", branchDeleted: false });
  });

  test("closed unmerged: abandoned, branch kept, then cleaned by the janitor after the configured days", async () => {
    await deliver("d3", closed(false));
    expect(await store.getBotPullRequest("Codertocat", "Hello-World", 2)).toMatchObject({ state: "abandoned", branchDeleted: false });
    const octokit = new (ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })))({ auth: { token: "t" } }) as unknown as Octokit;
    const log = pino({ level: "silent" });
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(200, { type: "file", encoding: "base64", content: Buffer.from("abandoned_branch_days: 3\n").toString("base64") });
    expect(await sweepAbandonedBranches(uncachedRepoConfig(), store, async () => octokit, log, Date.now() + 2 * DAY)).toBe(0);
    nock(API).get(`${REPO}/contents/.github%2Fcodex.yml`).reply(200, { type: "file", encoding: "base64", content: Buffer.from("abandoned_branch_days: 3\n").toString("base64") });
    nock(API).delete(`${REPO}/git/refs/heads%2Fcodex%2Fissue-1-fix`).reply(204);
    expect(await sweepAbandonedBranches(uncachedRepoConfig(), store, async () => octokit, log, Date.now() + 4 * DAY)).toBe(1);
    expect((await store.getBotPullRequest("Codertocat", "Hello-World", 2))!.branchDeleted).toBe(true);
  });

  test("pull requests the bot did not open are left alone", async () => {
    await deliver("d4", closed(true, 99));
    expect(await store.getBotPullRequest("Codertocat", "Hello-World", 99)).toBeNull();
  });
});
