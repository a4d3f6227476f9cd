import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";
import { runGit, runGitOrThrow } from "../fakes/github/git.js";

const FAKE_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.c2lnbmF0dXJl";
const gitAuth = (token: string) => ["-c", `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`];

/** The fake's `POST /app/installations/{id}/access_tokens` and the scope of what it issues, as on GitHub. */
describe("fake GitHub: installation tokens", () => {
  let github: FakeGitHub;
  let work: string;

  beforeEach(async () => {
    github = await startFakeGitHub();
    work = await mkdtemp(join(tmpdir(), "fake-tokens-"));
    await github.createRepo({ owner: "acme", name: "widgets", files: { "README.md": "# widgets\n" } });
    await github.createRepo({ owner: "acme", name: "secret-sauce", files: { "README.md": "# private\n" } });
  });
  afterEach(async () => {
    await github.close();
    await rm(work, { recursive: true, force: true });
  });

  const createToken = async (body?: unknown) => {
    const response = await fetch(`${github.apiUrl}/app/installations/42/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${FAKE_JWT}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as { token?: string; message?: string; permissions?: unknown; repository_selection?: string; repositories?: { name: string }[] } };
  };
  const api = (token: string, method: string, path: string, body?: unknown) =>
    fetch(`${github.apiUrl}${path}`, { method, headers: { authorization: `token ${token}`, "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) }).then((r) => r.status);

  test("a body asking for unknown permission names, levels, repositories or more than the app has is a 422", async () => {
    expect(await createToken({ permissions: { contnets: "read" } })).toMatchObject({ status: 422, json: { message: expect.stringContaining('"contnets" is not a permitted key') } });
    expect(await createToken({ permissions: { contents: "everything" } })).toMatchObject({ status: 422 });
    expect(await createToken({ permissions: { workflows: "write" } })).toMatchObject({ status: 422, json: { message: "The permissions requested are not granted to this installation." } });
    expect(await createToken({ repositories: ["nope"] })).toMatchObject({ status: 422, json: { message: expect.stringContaining("at least one repository that does not exist") } });
    expect(await createToken({ repositories: ["widgets"], scope: "all" })).toMatchObject({ status: 422 });
    expect(github.tokens).toEqual([]);
  });

  test("a narrowed token says what it was granted", async () => {
    const { status, json } = await createToken({ repositories: ["widgets"], permissions: { contents: "read" } });
    expect(status).toBe(201);
    expect(json).toMatchObject({ permissions: { metadata: "read", contents: "read" }, repository_selection: "selected", repositories: [{ name: "widgets" }] });
    expect((await createToken()).json).toMatchObject({ repository_selection: "all", permissions: { contents: "write", checks: "write" } });
  });

  test("a narrowed token reaches only its repository and its permissions, over REST and git", async () => {
    const { json } = await createToken({ repositories: ["widgets"], permissions: { contents: "read", pull_requests: "write" } });
    const token = json.token!;
    expect(await api(token, "GET", "/repos/acme/widgets/contents/README.md")).toBe(200);
    expect(await api(token, "GET", "/repos/acme/secret-sauce/contents/README.md")).toBe(404);
    expect(await api(token, "POST", "/repos/acme/widgets/check-runs", { name: "x", head_sha: "a".repeat(40) })).toBe(403);
    github.addIssue("acme", "widgets", { number: 1, title: "An issue", body: "", user: "reporter" });
    expect(await api(token, "POST", "/repos/acme/widgets/issues/1/comments", { body: "hi" })).toBe(403);

    // An issue comment on a pull request needs issues or pull_requests, as on GitHub.
    await github.pushBranch("acme", "widgets", "feature", { "a.txt": "a\n" });
    const pull = await github.openPullRequest("acme", "widgets", { head: "feature", title: "A change", body: "", user: "author" });
    expect(await api(token, "POST", `/repos/acme/widgets/issues/${pull.number}/comments`, { body: "hi" })).toBe(201);

    const clone = join(work, "clone");
    await runGitOrThrow([...gitAuth(token), "clone", `${github.url}/acme/widgets.git`, clone], work);
    expect((await runGit([...gitAuth(token), "clone", `${github.url}/acme/secret-sauce.git`, join(work, "other")], work)).exitCode).not.toBe(0);
    await writeFile(join(clone, "b.txt"), "b\n");
    await runGitOrThrow(["add", "b.txt"], clone);
    await runGitOrThrow(["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-m", "b"], clone);
    expect((await runGit([...gitAuth(token), "push", "origin", "HEAD:refs/heads/codex/x"], clone)).exitCode).not.toBe(0);
    const statuses = github.gitRequests.map((r) => r.status);
    expect(statuses.slice(-2)).toEqual([404, 403]);
    expect(new Set(statuses.slice(0, -2))).toEqual(new Set([200]));
    expect(Object.keys(await github.branches("acme", "widgets")).sort()).toEqual(["feature", "main"]);
  });
});
