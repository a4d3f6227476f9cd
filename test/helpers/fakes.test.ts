import { createServer } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import OpenAI from "openai";
import { ProbotOctokit } from "probot";
import type { FakeGitHub } from "../fakes/fake-github.js";
import { startFakeGitHub } from "../fakes/fake-github.js";
import { startScriptedModel } from "../fakes/fake-openai.js";
import { runGit, runGitOrThrow } from "../fakes/github/git.js";
import { closeServer, listenOnLoopback, readBody } from "../fakes/http.js";
import { loadExamplePayload, sendWebhook, signPayload } from "./webhooks.js";

const FAKE_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.c2lnbmF0dXJl";

function gitAuth(token: string): string[] {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return ["-c", `http.extraHeader=Authorization: Basic ${basic}`];
}

const AUTHOR = ["-c", "user.name=Test", "-c", "user.email=test@example.com"];

describe("fake GitHub", () => {
  let github: FakeGitHub;
  let work: string;

  beforeEach(async () => {
    github = await startFakeGitHub();
    work = await mkdtemp(join(tmpdir(), "fakes-test-"));
    await github.createRepo({ owner: "acme", name: "widgets", files: { "README.md": "# widgets\n", ".github/codex.yml": "model: x\n" } });
  });

  afterEach(async () => {
    await github.close();
    await rm(work, { recursive: true, force: true });
  });

  async function installationOctokit() {
    const response = await fetch(`${github.apiUrl}/app/installations/42/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${FAKE_JWT}` },
    });
    expect(response.status).toBe(201);
    const { token } = (await response.json()) as { token: string };
    expect(token).toMatch(/^ghs_fake_/);
    expect(github.jwts).toEqual([FAKE_JWT]);
    return { token, octokit: new ProbotOctokit({ auth: { token }, baseUrl: github.apiUrl, retry: { enabled: false }, throttle: { enabled: false } } as never) };
  }

  test("clones over HTTP with the token and sees a pushed branch", async () => {
    const { token } = await installationOctokit();
    const clone = join(work, "clone");
    await runGitOrThrow([...gitAuth(token), "clone", `${github.url}/acme/widgets.git`, clone], work);
    expect(await readFile(join(clone, "README.md"), "utf8")).toBe("# widgets\n");

    await runGitOrThrow(["checkout", "-b", "codex/issue-1"], clone);
    await writeFile(join(clone, "fix.txt"), "fixed\n");
    await runGitOrThrow(["add", "fix.txt"], clone);
    await runGitOrThrow([...AUTHOR, "commit", "-m", "Fix"], clone);
    await runGitOrThrow([...gitAuth(token), "push", "origin", "codex/issue-1"], clone);

    const branches = await github.branches("acme", "widgets");
    expect(Object.keys(branches).sort()).toEqual(["codex/issue-1", "main"]);
    expect(branches["codex/issue-1"]).toBe((await runGitOrThrow(["rev-parse", "HEAD"], clone)).trim());
    expect(await github.readFile("acme", "widgets", "fix.txt", "codex/issue-1")).toBe("fixed\n");
    expect(github.gitRequests.map((r) => r.status)).not.toContain(500);
  });

  test("refuses git without a token, or with an unknown one", async () => {
    const anonymous = await runGit(["clone", `${github.url}/acme/widgets.git`, join(work, "a")], work);
    expect(anonymous.exitCode).not.toBe(0);
    const forged = await runGit([...gitAuth("ghs_fake_forged"), "clone", `${github.url}/acme/widgets.git`, join(work, "b")], work);
    expect(forged.exitCode).not.toBe(0);
    expect(github.gitRequests.map((r) => r.status)).toEqual([401, 401]);
  });

  test("accepts a gzip-encoded upload-pack request, as git sends for long negotiations", async () => {
    const token = github.issueToken();
    const main = (await github.branches("acme", "widgets")).main ?? "";
    const pktLine = (line: string) => (line.length + 4).toString(16).padStart(4, "0") + line;
    const response = await fetch(`${github.url}/acme/widgets.git/git-upload-pack`, {
      method: "POST",
      body: gzipSync(`${pktLine(`want ${main}\n`)}0000${pktLine("done\n")}`),
      headers: {
        authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`,
        "content-type": "application/x-git-upload-pack-request",
        "content-encoding": "gzip",
      },
    });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).toString("latin1")).toMatch(/^0008NAK\nPACK/);
  });

  test("serves repo, permissions, contents (JSON and raw) and comments through a real Octokit", async () => {
    const { octokit } = await installationOctokit();
    github.setPermission("acme", "widgets", "mona", "maintain");
    github.addIssue("acme", "widgets", { number: 7, title: "Bug", body: "It breaks", user: "mona" });

    const repo = await octokit.rest.repos.get({ owner: "acme", repo: "widgets" });
    expect(repo.data).toMatchObject({ default_branch: "main", full_name: "acme/widgets", clone_url: `${github.url}/acme/widgets.git` });
    const maintain = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "widgets", username: "mona" });
    expect(maintain.data).toMatchObject({ permission: "write", role_name: "maintain" });
    const stranger = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "widgets", username: "eve" });
    expect(stranger.data).toMatchObject({ permission: "none", role_name: "none" });

    const file = await octokit.rest.repos.getContent({ owner: "acme", repo: "widgets", path: ".github/codex.yml" });
    expect(github.requests.at(-1)?.path).toBe("/api/v3/repos/acme/widgets/contents/.github%2Fcodex.yml");
    expect(Buffer.from((file.data as { content: string }).content, "base64").toString()).toBe("model: x\n");
    const config = await octokit.config.get({ owner: "acme", repo: "widgets", path: ".github/codex.yml" });
    expect(config.config).toEqual({ model: "x" });
    await expect(octokit.rest.repos.getContent({ owner: "acme", repo: "widgets", path: "nope.txt" })).rejects.toMatchObject({ status: 404 });

    const comment = await octokit.rest.issues.createComment({ owner: "acme", repo: "widgets", issue_number: 7, body: "On it" });
    expect(comment.data.user?.login).toBe("codex-bot[bot]");
    await octokit.rest.issues.updateComment({ owner: "acme", repo: "widgets", comment_id: comment.data.id, body: "Done" });
    await octokit.rest.reactions.createForIssue({ owner: "acme", repo: "widgets", issue_number: 7, content: "eyes" });
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: "acme", repo: "widgets", issue_number: 7, per_page: 1 });
    expect(comments.map((c) => c.body)).toEqual(["Done"]);
    expect(github.reactions("acme", "widgets")).toMatchObject([{ subject: "issue", subjectId: 7, content: "eyes" }]);
    expect(github.unhandled).toEqual([]);
  });

  test("opens a pull request once and answers a duplicate with GitHub's 422", async () => {
    const { token, octokit } = await installationOctokit();
    const clone = join(work, "clone");
    await runGitOrThrow([...gitAuth(token), "clone", `${github.url}/acme/widgets.git`, clone], work);
    await runGitOrThrow([...AUTHOR, "commit", "--allow-empty", "-m", "Change"], clone);
    await runGitOrThrow([...gitAuth(token), "push", "origin", "HEAD:refs/heads/codex/issue-3"], clone);
    github.addIssue("acme", "widgets", { number: 3, title: "Task", user: "mona" });

    const request = { owner: "acme", repo: "widgets", title: "Fix #3", head: "acme:codex/issue-3", base: "main", draft: true };
    const created = await octokit.rest.pulls.create(request);
    expect(created.data).toMatchObject({ number: 4, draft: true, state: "open", html_url: `${github.url}/acme/widgets/pull/4` });
    expect(created.data.head).toMatchObject({ ref: "codex/issue-3", sha: (await runGitOrThrow(["rev-parse", "HEAD"], clone)).trim() });

    await expect(octokit.rest.pulls.create(request)).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ resource: "PullRequest", code: "custom", message: "A pull request already exists for acme:codex/issue-3." }] } },
    });
    await expect(octokit.rest.pulls.create({ ...request, head: "acme:missing" })).rejects.toMatchObject({ status: 422 });
    const open = await octokit.rest.pulls.list({ owner: "acme", repo: "widgets", head: "acme:codex/issue-3", state: "open" });
    expect(open.data.map((p) => p.number)).toEqual([4]);
    await octokit.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: 4, body: "Updated" });
    expect((await octokit.rest.pulls.get({ owner: "acme", repo: "widgets", pull_number: 4 })).data.body).toBe("Updated");
  });

  test("fails the next matching request on demand, rejects bad tokens and records unknown routes", async () => {
    const { octokit } = await installationOctokit();
    github.failNext("GET", /\/repos\/acme\/widgets$/, 502, { message: "Server Error" });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 502 });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "widgets" })).resolves.toMatchObject({ status: 200 });

    const forged = new ProbotOctokit({ auth: { token: "ghs_fake_forged" }, baseUrl: github.apiUrl } as never);
    await expect(forged.rest.repos.get({ owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 401 });
    await expect(octokit.request("GET /repos/acme/widgets/topics")).rejects.toMatchObject({ status: 404 });
    expect(github.unhandled).toEqual([{ method: "GET", path: "/api/v3/repos/acme/widgets/topics" }]);
  });
});

describe("scripted model", () => {
  test("answers one Responses and one Chat call through the openai package, then fails loudly", async () => {
    const model = await startScriptedModel(
      [
        { toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }], usage: { input: 10, output: 5 } },
        { text: "All done.", expect: (request) => expect(request).toMatchObject({ model: "gpt-test" }) },
      ],
      { apiKey: "sk-test" },
    );
    const client = new OpenAI({ baseURL: model.url, apiKey: "sk-test", maxRetries: 0 });
    try {
      const response = await client.responses.create({ model: "gpt-test", input: "Fix the bug" });
      expect(response.output).toMatchObject([{ type: "function_call", name: "read_file", arguments: '{"path":"README.md"}' }]);
      expect(response.usage).toMatchObject({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });

      const chat = await client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "Hi" }] });
      expect(chat.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: "All done." } });

      await expect(client.responses.create({ model: "gpt-test", input: "again" })).rejects.toMatchObject({ status: 500 });
      expect(model.errors).toEqual([expect.stringContaining("unexpected call #3")]);
      expect(model.requests.map((r) => r.path)).toEqual(["/v1/responses", "/v1/chat/completions", "/v1/responses"]);
      expect(model.requests[0]?.raw).toContain("Fix the bug");
    } finally {
      await model.close();
    }
  });

  test("simulates a rate limit without consuming a step and rejects a wrong key", async () => {
    const model = await startScriptedModel([{ text: "ok" }], { apiKey: "sk-test" });
    const client = new OpenAI({ baseURL: model.url, apiKey: "sk-test", maxRetries: 0 });
    try {
      model.failNext(429, { error: { message: "Rate limit", type: "rate_limit_error" } });
      await expect(client.chat.completions.create({ model: "m", messages: [] })).rejects.toMatchObject({ status: 429 });
      expect(model.remaining).toBe(1);
      const wrongKey = new OpenAI({ baseURL: model.url, apiKey: "sk-wrong", maxRetries: 0 });
      await expect(wrongKey.chat.completions.create({ model: "m", messages: [] })).rejects.toMatchObject({ status: 401 });
      expect(model.errors).toHaveLength(1);
    } finally {
      await model.close();
    }
  });
});

describe("webhook helpers", () => {
  test("signPayload matches GitHub's documented vector", () => {
    expect(signPayload("It's a Secret to Everybody", "Hello, World!")).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
  });

  test("loadExamplePayload returns an edited deep copy of a real payload", () => {
    const labeled = loadExamplePayload("issues", "labeled", (p) => {
      p.issue.number = 99;
    });
    expect(labeled.action).toBe("labeled");
    expect(labeled.issue.number).toBe(99);
    expect(loadExamplePayload("issues", "labeled").issue.number).not.toBe(99);
    expect(() => loadExamplePayload("issues", "exploded")).toThrow(/no "issues.exploded" example/);
  });

  test("sendWebhook posts a signed delivery", async () => {
    let received: { headers: IncomingHttpHeaders; body: string; url?: string } | undefined;
    const server = createServer(async (req, res) => {
      received = { headers: req.headers, body: (await readBody(req)).toString(), url: req.url };
      res.writeHead(202).end("accepted");
    });
    const port = await listenOnLoopback(server);
    try {
      const payload = { action: "created", zen: "Keep it logically awesome." };
      const reply = await sendWebhook({ url: `http://127.0.0.1:${port}`, secret: "s3cret", name: "ping", id: "d-1", payload });
      expect(reply).toMatchObject({ status: 202, body: "accepted" });
      expect(received?.url).toBe("/api/github/webhooks");
      expect(received?.headers).toMatchObject({
        "x-github-event": "ping",
        "x-github-delivery": "d-1",
        "x-hub-signature-256": signPayload("s3cret", JSON.stringify(payload)),
        "content-type": "application/json",
      });
    } finally {
      await closeServer(server);
    }
  });
});
