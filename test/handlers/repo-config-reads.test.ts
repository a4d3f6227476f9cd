import type { IssuesLabeledEvent, PushEvent } from "@octokit/webhooks-types";
import nock from "nock";
import type { Probot } from "probot";
import { RepoConfigCache } from "../../src/config/repo-config-cache.js";
import { handleIssueLabeled } from "../../src/handlers/issue-labeled.js";
import { handlePush } from "../../src/handlers/push.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { API, createTestProbot, nockInstallationToken } from "../helpers/test-app.js";
import { loadExamplePayload } from "../helpers/webhooks.js";

const CONTENTS = "/repos/Codertocat/Hello-World/contents/.github%2Fcodex.yml";
const file = (yaml: string) => ({ type: "file", encoding: "base64", content: Buffer.from(yaml).toString("base64") });

function labeled(name: string): IssuesLabeledEvent {
  return loadExamplePayload("issues", "labeled", (event) => {
    const p = event as IssuesLabeledEvent;
    p.label = { ...p.label!, name };
    p.installation = { id: 77, node_id: "I_77" };
    p.sender = { ...p.sender, login: "maintainer", type: "User" };
    delete (p.issue as { pull_request?: unknown }).pull_request;
  }) as IssuesLabeledEvent;
}

function pushed(ref: string): PushEvent {
  return loadExamplePayload("push", undefined, (p) => {
    p.ref = ref;
    p.installation = { id: 77, node_id: "I_77" };
  });
}

describe("reads of .github/codex.yml across deliveries", () => {
  let store: Store;
  let probot: Probot;
  const label = (id: string, name: string) => probot.receive({ name: "issues", id, payload: labeled(name) as never });
  const push = (id: string, ref: string) => probot.receive({ name: "push", id, payload: pushed(ref) as never });

  beforeEach(() => {
    store = new SqliteStore(":memory:");
    // As in src/app.ts: one cache for the app, with the production freshness window.
    const deps = { store, poke: () => undefined, defaultLabel: "codex", repoConfig: new RepoConfigCache() };
    probot = createTestProbot();
    probot.load((app) => {
      app.on("issues.labeled", handleIssueLabeled(deps));
      app.on("push", handlePush(deps));
    });
    nock.disableNetConnect();
  });
  afterEach(async () => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
    await store.close();
  });

  test("20 labels other than the trigger label on one repository, at once and then one by one, cost one contents request", async () => {
    const token = nockInstallationToken();
    let contentsRequests = 0;
    // disableNetConnect: any request beyond this one interceptor fails its delivery, and so the test.
    const contents = nock(API).get(CONTENTS).reply(() => {
      contentsRequests += 1;
      return [404, { message: "Not Found" }];
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => label(`d-${i}`, "bug")));
    for (let i = 10; i < 20; i += 1) await label(`d-${i}`, "wontfix");
    expect(contentsRequests).toBe(1);
    expect(contents.isDone() && token.isDone()).toBe(true);
    expect(await store.countByStatus("queued")).toBe(0);
  });

  test("a push to the default branch makes the next delivery revalidate; a tag push does not", async () => {
    nockInstallationToken();
    const first = nock(API).get(CONTENTS).reply(200, file("label: ai-fix\n"), { ETag: '"v1"' });
    await label("d-1", "bug");
    await push("p-tag", "refs/tags/v1.0.0");
    await label("d-2", "bug");
    await push("p-master", "refs/heads/master");
    const revalidated = nock(API).get(CONTENTS).matchHeader("if-none-match", '"v1"').reply(304, "");
    await label("d-3", "bug");
    expect(first.isDone() && revalidated.isDone()).toBe(true);
  });
});
