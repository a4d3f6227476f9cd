import { ProbotOctokit } from "probot";
import { RepoConfigCache } from "../../src/config/repo-config-cache.js";
import type { Octokit } from "../../src/github/types.js";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";

const TestOctokit = ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } }));

describe("RepoConfigCache against the fake GitHub, whose ETags depend on the token as GitHub's do", () => {
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await startFakeGitHub();
    await fake.createRepo({ owner: "o", name: "r", files: { ".github/codex.yml": "max_turns: 7\n" } });
  });
  afterEach(() => fake.close());
  const client = (token: string) => new TestOctokit({ auth: { token }, baseUrl: fake.apiUrl }) as unknown as Octokit;
  const configReads = () => fake.requests.filter((r) => r.method === "GET" && r.path.includes("/contents/"));

  test("the same client revalidates to a 304 and keeps its parsed copy; another token gets the file again", async () => {
    const cache = new RepoConfigCache({ freshMs: 0 });
    const same = client(fake.issueToken());
    const first = await cache.loadLatest(same, { owner: "o", repo: "r" });
    expect(first).toMatchObject({ ok: true, config: { max_turns: 7 } });
    expect(await cache.loadLatest(same, { owner: "o", repo: "r" })).toBe(first);
    expect(configReads()).toHaveLength(2);
    await fake.pushBranch("o", "r", "main", { ".github/codex.yml": "max_turns: 9\n" });
    expect(await cache.loadLatest(same, { owner: "o", repo: "r" })).toMatchObject({ ok: true, config: { max_turns: 9 } });
    expect(await cache.loadLatest(client(fake.issueToken()), { owner: "o", repo: "r" })).toMatchObject({ ok: true, config: { max_turns: 9 } });
    expect(configReads()).toHaveLength(4);
  });
});
