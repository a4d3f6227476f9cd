import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";
import { startScriptedModel, type ScriptStep, type ScriptedModel } from "../fakes/fake-openai.js";
import { runGitOrThrow } from "../fakes/github/git.js";
import { freePort, generatePrivateKey, startBot, waitFor, type BotProcess } from "../helpers/bot-process.js";
import { sendWebhook } from "../helpers/webhooks.js";
import { closedPayload, commentPayload, findPull, labeledPayload, openedPayload, OWNER, PROJECT_FILES, SECRET, successfulRun } from "./widgets-project.js";

describe("label an issue, get a tested pull request (real server process)", () => {
  let fake: FakeGitHub;
  let model: ScriptedModel | undefined;
  let bot: BotProcess | undefined;
  let dataDir: string;
  const privateKey = generatePrivateKey();

  beforeEach(async () => {
    fake = await startFakeGitHub();
    dataDir = await mkdtemp(join(tmpdir(), "codex-e2e-data-"));
  });

  afterEach(async () => {
    await bot?.kill();
    await model?.close();
    bot = undefined;
    model = undefined;
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function boot(script: ScriptStep[], port?: number): Promise<BotProcess> {
    model ??= await startScriptedModel(script, { apiKey: "sk-e2e" });
    const p = port ?? (await freePort());
    bot = await startBot({
      APP_ID: "1", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, PORT: String(p),
      GHE_HOST: fake.host, GHE_PROTOCOL: "http",
      OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-e2e",
      CODEX_DATA_DIR: dataDir, CODEX_PUBLIC_URL: `http://127.0.0.1:${p}`,
    });
    return bot;
  }

  test("opens one PR that fixes the issue, with the status comment, reaction and log", async () => {
    const repo = await fake.createRepo({ owner: OWNER, name: "widgets", files: PROJECT_FILES });
    fake.setPermission(OWNER, "widgets", "maintainer", "write");
    fake.addIssue(OWNER, "widgets", { number: 12, title: "Date parsing drops the timezone", body: "`parseDate` loses the +02:00.", user: "reporter" });
    const running = await boot(successfulRun());

    const payload = labeledPayload(fake, "widgets", repo.cloneUrl, { number: 12, title: "Date parsing drops the timezone", body: "`parseDate` loses the +02:00." });
    // A delivery signed with the wrong secret is rejected and starts nothing.
    const forged = await sendWebhook({ url: running.url, secret: "wrong-secret", name: "issues", payload });
    expect(forged.status).toBe(400);
    const reply = await sendWebhook({ url: running.url, secret: SECRET, name: "issues", payload });
    expect(reply.status).toBe(200);
    // The webhook is answered before the work is done: nothing is pushed yet.
    expect(Object.keys(await fake.branches(OWNER, "widgets"))).toEqual(["main"]);

    const pr = await waitFor("the pull request", () => findPull(fake, "widgets", 13));
    const branch = "codex/issue-12-date-parsing-drops-the-timezone";
    expect(pr.head).toBe(branch);
    expect(pr.title).toBe("Keep the timezone when parsing dates");
    expect(pr.body).toContain("Fixes #12");
    expect(pr.body).toContain("`src/date.js` (modified)");
    expect(pr.body).toMatch(/`node --test` → exit 0 \(\*\*passed\*\*\)/);
    expect(pr.body).toMatch(/tokens/);
    expect(pr.draft).toBe(false);

    const status = await waitFor("final status", () => {
      const mine = fake.comments(OWNER, "widgets", 12).filter((c) => c.user === "codex-bot[bot]");
      return mine.length === 1 && mine[0]!.body.includes("Opened #13") ? mine : undefined;
    });
    expect(status[0]!.body).toContain("Read the parser");
    expect(status[0]!.body).toMatch(/\[log\]\(http:\/\/127\.0\.0\.1:\d+\/codex\/logs\/[0-9a-f]{32}\)/);
    expect(fake.reactions(OWNER, "widgets").map((r) => r.content)).toContain("eyes");

    // The pushed branch passes the repository's own tests, and the commit credits the maintainer.
    const checkout = await mkdtemp(join(tmpdir(), "codex-e2e-check-"));
    await runGitOrThrow(["clone", "--quiet", "--branch", branch, repo.bareDir, checkout], tmpdir());
    const tests = await execa("node", ["--test"], { cwd: checkout, reject: false, all: true });
    expect({ exitCode: tests.exitCode, output: tests.all }).toMatchObject({ exitCode: 0 });
    const commit = await runGitOrThrow(["log", "-1", "--format=%an <%ae>%n%B"], checkout);
    expect(commit).toMatch(/^codex-bot\[bot\] <\d+\+codex-bot\[bot\]@users\.noreply\.127\.0\.0\.1>/);
    expect(commit).toContain("Co-authored-by: maintainer <4242+maintainer@users.noreply.127.0.0.1>");
    await rm(checkout, { recursive: true, force: true });

    // The log page is served, and the token appears nowhere the model or a reader could see it.
    const logUrl = /\((http:\/\/127\.0\.0\.1:\d+\/codex\/logs\/[0-9a-f]{32})\)/.exec(status[0]!.body)![1]!;
    const log = await (await fetch(logUrl)).text();
    expect(log).toContain("verify: exit 0");
    for (const token of fake.tokens) {
      expect(JSON.stringify(model!.requests)).not.toContain(token);
      expect(log).not.toContain(token);
      expect(running.output()).not.toContain(token);
    }
    expect(model!.errors).toEqual([]);
    expect(fake.unhandled).toEqual([]);
  }, 180_000);

  test("a server killed mid-task resumes after restart and opens exactly one PR", async () => {
    const repo = await fake.createRepo({ owner: OWNER, name: "gadgets", files: PROJECT_FILES });
    fake.setPermission(OWNER, "gadgets", "maintainer", "admin");
    const issue = { number: 5, title: "Date parsing drops the timezone", body: "Keep the offset." };
    fake.addIssue(OWNER, "gadgets", { ...issue, user: "maintainer" });
    let killed = false;
    const script: ScriptStep[] = [
      { toolCalls: [{ name: "shell", arguments: { command: "ls" } }] },
      // The second model call of the first attempt never gets its answer: the server dies.
      { toolCalls: [{ name: "shell", arguments: { command: "ls" } }], expect: () => { killed = true; void bot?.kill(); } },
      ...successfulRun(),
    ];
    const first = await boot(script);
    const port = Number(new URL(first.url).port);
    await sendWebhook({ url: first.url, secret: SECRET, name: "issues", payload: labeledPayload(fake, "gadgets", repo.cloneUrl, issue) });
    await waitFor("the kill", () => (killed ? true : undefined), 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\nbot output:\n${first.output().slice(-4000)}\nmodel requests: ${model!.requests.length}`);
    });
    await first.process.catch(() => undefined);

    await boot([], port);
    await waitFor("the pull request", () => findPull(fake, "gadgets", 6));
    const status = await waitFor("final status", () => {
      const mine = fake.comments(OWNER, "gadgets", 5).filter((c) => c.user === "codex-bot[bot]");
      return mine.some((c) => c.body.includes("Opened #6")) ? mine : undefined;
    });
    expect(status).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === "POST" && /\/pulls$/.test(r.path))).toHaveLength(1);
    expect(model!.remaining).toBe(0);
    expect(model!.errors).toEqual([]);
  }, 240_000);

  test("a pull request opened by a contributor gets one review whose inline comment GitHub accepts", async () => {
    const repo = await fake.createRepo({ owner: OWNER, name: "calc", files: PROJECT_FILES });
    const sha = await fake.pushBranch(OWNER, "calc", "feature", { "src/date.js": "export function parseDate(text) {\n  const [date, time] = text.split(\"T\");\n  return { date, zone: time.slice(8) };\n}\n" }, "Parse zone");
    const pull = await fake.openPullRequest(OWNER, "calc", { head: "feature", title: "Parse the zone", body: "Reads the zone.", user: "contributor" });
    const finding = { title: "Crashes on dates without a time", body: "`time` is undefined for \"2024-01-02\".", priority: 1, confidence: 0.9, path: "src/date.js", start_line: 3, end_line: 3, suggestion: "  return { date, zone: time ? time.slice(8) : null };" };
    const running = await boot([{ text: JSON.stringify({ summary: "Parses the zone.", findings: [finding] }) }]);
    const reply = await sendWebhook({ url: running.url, secret: SECRET, name: "pull_request", payload: openedPayload("calc", repo.cloneUrl, pull.number, { ref: "feature", sha }) });
    expect(reply.status).toBe(200);
    const check = await waitFor("the check run", () => fake.checkRuns(OWNER, "calc").find((c) => c.status === "completed"));
    expect(check).toMatchObject({ name: "codex review", headSha: sha, conclusion: "neutral" });
    const reviews = fake.reviews(OWNER, "calc", pull.number);
    expect(reviews).toHaveLength(1);
    expect(fake.reviewComments(OWNER, "calc", pull.number)).toEqual([expect.objectContaining({ path: "src/date.js", line: 3, side: "RIGHT", body: expect.stringContaining("```suggestion") })]);
    expect(model!.errors).toEqual([]);
    expect(fake.unhandled).toEqual([]);
  }, 180_000);

  test("label → PR → `@codex` follow-up on the same branch → merge → branch deleted", async () => {
    const repo = await fake.createRepo({ owner: OWNER, name: "tools", files: PROJECT_FILES });
    fake.setPermission(OWNER, "tools", "maintainer", "maintain");
    const issue = { number: 3, title: "Date parsing drops the timezone", body: "Keep the offset." };
    fake.addIssue(OWNER, "tools", { ...issue, user: "maintainer" });
    const followUp: ScriptStep[] = [
      { toolCalls: [{ name: "apply_patch", arguments: { input: "*** Begin Patch\n*** Add File: test/empty.test.js\n+import { test } from \"node:test\";\n+import assert from \"node:assert\";\n+import { parseDate } from \"../src/date.js\";\n+test(\"empty\", () => assert.equal(parseDate(\"\").zone, null));\n*** End Patch" } }] },
      { text: "Keep the timezone when parsing dates\n\nKeeps the UTC offset, and now also covers the empty string." },
    ];
    const running = await boot([...successfulRun(), ...followUp]);
    await sendWebhook({ url: running.url, secret: SECRET, name: "issues", payload: labeledPayload(fake, "tools", repo.cloneUrl, issue) });
    await waitFor("the pull request", () => findPull(fake, "tools", 4));
    const branch = "codex/issue-3-date-parsing-drops-the-timezone";
    const firstHead = (await fake.branches(OWNER, "tools"))[branch]!;

    const reply = await sendWebhook({ url: running.url, secret: SECRET, name: "issue_comment", payload: commentPayload(fake, "tools", repo.cloneUrl, 4, "@codex also handle the empty-string case") });
    expect(reply.status).toBe(200);
    const secondHead = await waitFor("the follow-up commit", async () => {
      const head = (await fake.branches(OWNER, "tools"))[branch];
      return head && head !== firstHead ? head : undefined;
    });
    expect((await runGitOrThrow(["log", "--format=%P", "-1", secondHead], repo.bareDir)).trim()).toBe(firstHead);
    expect(fake.requests.filter((r) => r.method === "POST" && /\/pulls$/.test(r.path))).toHaveLength(1);
    await waitFor("the reply", () => fake.comments(OWNER, "tools", 4).find((c) => c.body.startsWith("Pushed")));
    expect(findPull(fake, "tools", 4)!.body).toContain("`test/empty.test.js` (added)");

    await fake.mergePullRequest(OWNER, "tools", 4);
    await sendWebhook({ url: running.url, secret: SECRET, name: "pull_request", payload: closedPayload("tools", 4, branch) });
    await waitFor("the branch deletion", async () => ((await fake.branches(OWNER, "tools"))[branch] ? undefined : true));
    expect(model!.errors).toEqual([]);
    expect(fake.unhandled).toEqual([]);
  }, 240_000);
});

