import nock from "nock";
import { ProbotOctokit } from "probot";
import { parseRepoConfig } from "../../src/config/repo-config.js";
import { REPO_CONFIG_FRESH_MS, RepoConfigCache } from "../../src/config/repo-config-cache.js";
import type { Octokit } from "../../src/github/types.js";
import { API } from "../helpers/test-app.js";

const REPO = { owner: "acme", repo: "widgets" };
const CONTENTS = "/repos/acme/widgets/contents/.github%2Fcodex.yml";

/** Probot's own client, retry and throttling plugins included: a 304 must survive them as it would in production. */
const octokit = new ProbotOctokit({ auth: { token: "ghs_test" } }) as unknown as Octokit;
/** The same without retries, for a 5xx that the retry plugin would otherwise repeat with backoff. */
const noRetryOctokit = new (ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })))({ auth: { token: "ghs_test" } }) as unknown as Octokit;

const file = (yaml: string) => ({ type: "file", encoding: "base64", content: Buffer.from(yaml).toString("base64") });
/** A read that must not be conditional (nothing cached, or cached without an ETag). */
const plainRead = () => nock(API, { badheaders: ["if-none-match"] }).get(CONTENTS);
const conditionalRead = (etag: string) => nock(API).get(CONTENTS).matchHeader("if-none-match", etag);

describe("RepoConfigCache: .github/codex.yml per repository and ref, revalidated with ETags", () => {
  let now: number;
  let cache: RepoConfigCache;
  let scopes: nock.Scope[];
  const expectLabel = async (read: Promise<unknown>, label: string | undefined) => expect(await read).toMatchObject({ ok: true, config: { label } });

  beforeEach(() => {
    now = 1_000_000;
    cache = new RepoConfigCache({ now: () => now });
    scopes = [];
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
    for (const scope of scopes) expect(scope.isDone()).toBe(true);
  });

  test("the first read asks GitHub, and within the window nothing more is asked", async () => {
    scopes.push(plainRead().reply(200, file("label: ai-fix\n"), { ETag: '"v1"' }));
    await expectLabel(cache.loadRecent(octokit, REPO), "ai-fix");
    now += REPO_CONFIG_FRESH_MS - 1;
    // disableNetConnect: a second request would find no interceptor and fail the read.
    await expectLabel(cache.loadRecent(octokit, REPO), "ai-fix");
    await expectLabel(cache.loadRecent(octokit, { owner: "ACME", repo: "Widgets" }), "ai-fix");
  });

  test("after the window the stored ETag is sent; a 304 reuses the parsed copy", async () => {
    scopes.push(plainRead().reply(200, file("label: ai-fix\n"), { ETag: '"v1"' }));
    const first = await cache.loadRecent(octokit, REPO);
    now += REPO_CONFIG_FRESH_MS;
    scopes.push(conditionalRead('"v1"').reply(304, "", { ETag: '"v1"' }));
    expect(await cache.loadRecent(octokit, REPO)).toBe(first);
    // The 304 renewed the window.
    now += REPO_CONFIG_FRESH_MS - 1;
    expect(await cache.loadRecent(octokit, REPO)).toBe(first);
  });

  test("a 200 with a new ETag replaces the result, and the new ETag is sent next", async () => {
    scopes.push(plainRead().reply(200, file("label: ai-fix\n"), { ETag: '"v1"' }));
    await cache.loadRecent(octokit, REPO);
    now += REPO_CONFIG_FRESH_MS;
    scopes.push(conditionalRead('"v1"').reply(200, file("label: robot\n"), { ETag: '"v2"' }));
    await expectLabel(cache.loadRecent(octokit, REPO), "robot");
    now += REPO_CONFIG_FRESH_MS;
    scopes.push(conditionalRead('"v2"').reply(304, ""));
    await expectLabel(cache.loadRecent(octokit, REPO), "robot");
  });

  test("tasks always revalidate, even within the window", async () => {
    scopes.push(plainRead().reply(200, file("label: ai-fix\n"), { ETag: '"v1"' }));
    const first = await cache.loadRecent(octokit, REPO);
    scopes.push(conditionalRead('"v1"').reply(304, ""));
    expect(await cache.loadLatest(octokit, REPO)).toBe(first);
    scopes.push(conditionalRead('"v1"').reply(200, file("label: robot\n"), { ETag: '"v2"' }));
    await expectLabel(cache.loadLatest(octokit, REPO), "robot");
    // What a task read is what handlers see next, without asking again.
    await expectLabel(cache.loadRecent(octokit, REPO), "robot");
  });

  test("a push to the default branch makes its copies stale: the next read asks, conditionally", async () => {
    scopes.push(plainRead().reply(200, file("label: ai-fix\n"), { ETag: '"v1"' }));
    scopes.push(plainRead().query({ ref: "main" }).reply(200, file("label: ai-fix\n"), { ETag: '"m1"' }));
    await cache.loadRecent(octokit, REPO);
    await cache.loadRecent(octokit, REPO, "main");
    cache.invalidateBranch(REPO, "feature", "main");
    await expectLabel(cache.loadRecent(octokit, REPO), "ai-fix");
    cache.invalidateBranch(REPO, "main", "main");
    scopes.push(conditionalRead('"v1"').reply(200, file("label: robot\n"), { ETag: '"v2"' }));
    scopes.push(conditionalRead('"m1"').query({ ref: "main" }).reply(304, ""));
    await expectLabel(cache.loadRecent(octokit, REPO), "robot");
    await expectLabel(cache.loadRecent(octokit, REPO, "main"), "ai-fix");
  });

  test("a push while a read is on its way: that answer may predate it, so the next read asks again", async () => {
    scopes.push(plainRead().reply(() => {
      cache.invalidateBranch(REPO, "main", "main");
      return [200, file("label: ai-fix\n"), { ETag: '"v1"' }];
    }));
    await expectLabel(cache.loadRecent(octokit, REPO), "ai-fix");
    scopes.push(conditionalRead('"v1"').reply(200, file("label: robot\n"), { ETag: '"v2"' }));
    await expectLabel(cache.loadRecent(octokit, REPO), "robot");
  });

  test("a missing file is cached too: by its ETag when GitHub sends one, else for the window", async () => {
    scopes.push(plainRead().reply(404, { message: "Not Found" }, { ETag: '"gone"' }));
    scopes.push(plainRead().query({ ref: "release" }).reply(404, { message: "Not Found" }));
    const missing = await cache.loadRecent(octokit, REPO);
    expect(missing).toEqual(parseRepoConfig(null));
    await cache.loadRecent(octokit, REPO, "release");
    now += REPO_CONFIG_FRESH_MS - 1;
    expect(await cache.loadRecent(octokit, REPO)).toBe(missing);
    await cache.loadRecent(octokit, REPO, "release");
    now += 1;
    scopes.push(conditionalRead('"gone"').reply(304, ""));
    scopes.push(plainRead().query({ ref: "release" }).reply(200, file("label: robot\n"), { ETag: '"r1"' }));
    expect(await cache.loadRecent(octokit, REPO)).toBe(missing);
    await expectLabel(cache.loadRecent(octokit, REPO, "release"), "robot");
  });

  test("each ref has its own entry", async () => {
    scopes.push(plainRead().reply(200, file("label: on-default\n"), { ETag: '"d"' }));
    scopes.push(plainRead().query({ ref: "release/1.x" }).reply(200, file("label: on-release\n"), { ETag: '"r"' }));
    await expectLabel(cache.loadRecent(octokit, REPO), "on-default");
    await expectLabel(cache.loadRecent(octokit, REPO, "release/1.x"), "on-release");
    await expectLabel(cache.loadRecent(octokit, REPO), "on-default");
    await expectLabel(cache.loadRecent(octokit, REPO, "release/1.x"), "on-release");
  });

  test("concurrent reads of one entry share one request", async () => {
    scopes.push(plainRead().reply(200, file("label: ai-fix\n"), { ETag: '"v1"' }));
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.loadRecent(octokit, REPO)));
    expect(new Set(results).size).toBe(1);
  });

  test("a failed read is not cached: the next one asks again", async () => {
    scopes.push(plainRead().reply(502, { message: "Bad Gateway" }));
    await expect(cache.loadRecent(noRetryOctokit, REPO)).rejects.toMatchObject({ status: 502 });
    scopes.push(plainRead().reply(200, file("label: ai-fix\n"), { ETag: '"v1"' }));
    await expectLabel(cache.loadRecent(octokit, REPO), "ai-fix");
  });

  test("the number of entries is capped; the one used least recently goes", async () => {
    cache = new RepoConfigCache({ now: () => now, maxEntries: 2 });
    const read = (ref: string) => cache.loadRecent(octokit, REPO, ref);
    for (const ref of ["a", "b", "c"]) scopes.push(plainRead().query({ ref }).reply(200, file(`label: ${ref}\n`), { ETag: `"${ref}"` }));
    await read("a");
    await read("b");
    await read("a"); // a is now used more recently than b
    await read("c"); // evicts b
    await expectLabel(read("a"), "a");
    await expectLabel(read("c"), "c");
    // b was forgotten with its ETag: a plain read again.
    scopes.push(plainRead().query({ ref: "b" }).reply(200, file("label: b2\n"), { ETag: '"b2"' }));
    await expectLabel(read("b"), "b2");
  });
});
