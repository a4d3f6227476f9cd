import { startFakeGitHubRest, type FakeGitHubRest } from "../../../src/cli/bench/fake-github-rest.js";

describe("the intake benchmark's fake GitHub", () => {
  let fake: FakeGitHubRest;
  beforeEach(async () => (fake = await startFakeGitHubRest(50)));
  afterEach(() => fake.close());

  const call = async (method: string, path: string) => {
    const started = performance.now();
    const res = await fetch(`http://${fake.host}/api/v3${path}`, { method, headers: { "content-type": "application/json" }, ...(method === "POST" ? { body: "{}" } : {}) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, ms: performance.now() - started };
  };

  test("answers what codex-bot asks while taking deliveries in as GitHub does, each after the delay, and records it", async () => {
    const token = await call("POST", "/app/installations/77/access_tokens");
    expect(token).toMatchObject({ status: 201, json: { token: expect.stringMatching(/^ghs_/), expires_at: expect.any(String) } });
    expect(token.ms).toBeGreaterThanOrEqual(45);
    expect(await call("GET", "/repos/octo/repo-1/contents/.github%2Fcodex.yml")).toMatchObject({ status: 404, json: { message: "Not Found" } });
    expect(await call("GET", "/repos/octo/repo-1/collaborators/reader-1/permission")).toMatchObject({ status: 200, json: { permission: "read", user: { login: "reader-1" } } });
    expect((await call("POST", "/repos/octo/repo-1/issues/4/comments")).status).toBe(201);
    expect((await call("POST", "/repos/octo/repo-1/issues/4/reactions")).status).toBe(201);
    expect(await call("GET", "/app")).toMatchObject({ status: 200, json: { slug: "codex-bot" } });
    expect(await call("GET", "/app/hook/deliveries?per_page=100")).toMatchObject({ status: 200, json: [] });
    expect((await call("GET", "/repos/octo/repo-1/pulls")).status).toBe(404);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /app/installations/77/access_tokens",
      "GET /repos/octo/repo-1/contents/.github%2Fcodex.yml",
      "GET /repos/octo/repo-1/collaborators/reader-1/permission",
      "POST /repos/octo/repo-1/issues/4/comments",
      "POST /repos/octo/repo-1/issues/4/reactions",
      "GET /app",
      "GET /app/hook/deliveries?per_page=100",
      "GET /repos/octo/repo-1/pulls",
    ]);
  });
});
