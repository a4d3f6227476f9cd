import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";
import { startScriptedModel, type ScriptStep, type ScriptedModel } from "../fakes/fake-openai.js";
import { runGitOrThrow } from "../fakes/github/git.js";
import { createRunnerHarness, type Harness } from "../helpers/runner-harness.js";
import { checkSuiteIdFor } from "../fakes/github/check-runs.js";
import type { PullTarget } from "../../src/tasks/task-types.js";

const FILES = {
  "src/trim.js": "export const trim = (s) => s.trim();\n",
  "test/trim.test.js": 'import { test } from "node:test";\nimport assert from "node:assert";\nimport { trim } from "../src/trim.js";\ntest("trims", () => assert.equal(trim(" a "), "a"));\n',
  "package.json": JSON.stringify({ type: "module", scripts: { test: "node --test" } }) + "\n",
};
const BRANCH = "codex/issue-1-trim";
const addFile = (path: string, line: string): ScriptStep => ({ toolCalls: [{ name: "apply_patch", arguments: { input: `*** Begin Patch\n*** Add File: ${path}\n+${line}\n*** End Patch` } }] });
const finding = { title: "Empty input crashes", body: "trim(undefined) throws.", priority: 1, confidence: 0.9, path: "src/trim.js", start_line: 1, end_line: 1, suggestion: null };

describe("follow-ups on a pull request's own branch", () => {
  let fake: FakeGitHub;
  let model: ScriptedModel;
  let harness: Harness;
  let cloneUrl: string;
  let pullNumber: number;
  let firstHead: string;
  let bareDir: string;

  async function setUp(script: ScriptStep[], config = "setup: []\n") {
    fake = await startFakeGitHub();
    const repo = await fake.createRepo({ owner: "o", name: "strs", files: { ...FILES, ".github/codex.yml": config } });
    cloneUrl = repo.cloneUrl;
    bareDir = repo.bareDir;
    fake.addIssue("o", "strs", { number: 1, title: "Trim", body: "Add trim", user: "maintainer" });
    firstHead = await fake.pushBranch("o", "strs", BRANCH, { "src/trim.js": "export const trim = (s) => s.trim();\nexport const empty = \"\";\n" }, "Add empty");
    pullNumber = (await fake.openPullRequest("o", "strs", { head: BRANCH, title: "Add trim helpers", body: "Adds helpers.\n\nFixes #1", user: "codex-bot[bot]" })).number;
    model = await startScriptedModel(script, { apiKey: "sk-test" });
    harness = await createRunnerHarness(fake, model);
    await harness.store.recordBotPullRequest({ owner: "o", repo: "strs", number: pullNumber, issueNumber: 1, headRef: BRANCH, installationId: 1 });
  }
  afterEach(async () => {
    await harness.close();
    await model.close();
    await fake.close();
  });

  async function enqueueFollowUp(instruction: string, extra: Partial<PullTarget> = {}) {
    return (await harness.store.enqueue({
      kind: "code", installationId: 1, owner: "o", repo: "strs", number: pullNumber,
      request: {
        trigger: "comment", issueTitle: "Add trim helpers", instruction, issueBody: "", sender: { login: "maintainer", id: 7 }, cloneUrl, defaultBranch: "main", htmlUrl: "",
        pull: { number: pullNumber, headRef: BRANCH, baseRef: "main", ...extra },
      },
    }, { queueBehindRunning: true }))!;
  }
  const drain = async () => {
    while (await harness.runNext());
  };

  test("`@codex <instruction>`: a new commit on the same branch, no new PR, the description rewritten, a reply", async () => {
    await setUp([addFile("src/pad.js", "export const pad = (s) => ` ${s} `;"), { text: "Add trim and pad helpers\n\nAdds trim, empty and now pad." }]);
    await enqueueFollowUp("also add a pad helper");
    await drain();
    const head = (await fake.branches("o", "strs"))[BRANCH]!;
    expect(head).not.toBe(firstHead);
    expect((await runGitOrThrow(["log", "--format=%P", "-1", head], bareDir)).trim()).toBe(firstHead);
    expect(fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/pulls"))).toHaveLength(0);
    const pr = fake.issues("o", "strs").find((i) => i.number === pullNumber)!;
    expect(pr.title).toBe("Add trim and pad helpers");
    expect(pr.body).toContain("Fixes #1");
    expect(pr.body).toContain("`src/trim.js` (modified)");
    expect(pr.body).toContain("`src/pad.js` (added)");
    const reply = fake.comments("o", "strs", pullNumber).find((c) => c.body.startsWith("Pushed"));
    expect(reply?.body).toMatch(/^Pushed [0-9a-f]{7}\. Adds trim, empty and now pad\.[\s\S]*`src\/pad\.js`[\s\S]*tests pass/);
    expect(await fake.readFile("o", "strs", "src/trim.js", BRANCH)).toContain("empty");
  });

  test("a request from a review thread is answered in that thread", async () => {
    await setUp([addFile("src/guard.js", "export const guard = 1;"), { text: "Guard empty input\n\nDone." }]);
    // A reviewer's inline comment on the PR, made through the fake's real review route.
    const posted = await fetch(`${fake.apiUrl}/repos/o/strs/pulls/${pullNumber}/reviews`, {
      method: "POST", headers: { authorization: `token ${fake.issueToken()}`, "content-type": "application/json" },
      body: JSON.stringify({ event: "COMMENT", body: "", comments: [{ path: "src/trim.js", line: 2, side: "RIGHT", body: "Guard against undefined." }] }),
    });
    expect(posted.status).toBe(200);
    const root = fake.reviewComments("o", "strs", pullNumber)[0]!;
    await enqueueFollowUp("fix this", { thread: { commentId: root.id, path: "src/trim.js", line: 2, startLine: null, diffHunk: root.diffHunk, rootBody: root.body } });
    await drain();
    const replies = fake.reviewComments("o", "strs", pullNumber).filter((c) => c.id !== root.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatch(/^Pushed [0-9a-f]{7}\./);
    expect(replies[0]).toMatchObject({ inReplyToId: root.id });
    expect(JSON.stringify(model.requests[0]!.body)).toContain("Guard against undefined.");
  });

  test("a protected branch is never pushed to", async () => {
    await setUp([]);
    fake.protectBranch("o", "strs", BRANCH);
    await enqueueFollowUp("change it");
    await drain();
    expect((await fake.branches("o", "strs"))[BRANCH]).toBe(firstHead);
    expect(fake.comments("o", "strs", pullNumber).at(-1)!.body).toMatch(/does not push to `codex\/issue-1-trim`/);
    expect(model.requests).toHaveLength(0);
  });

  test("auto_fix: review → fix → re-review stops at max_fix_rounds and hands over with a summary", async () => {
    const json = (findings: object[]): ScriptStep => ({ text: JSON.stringify({ summary: "s", findings }) });
    await setUp([json([finding]), addFile("src/note.js", "export const note = 1;"), { text: "Try to fix empty input\n\nAttempted." }, json([finding])], "setup: []\nauto_fix: true\nmax_fix_rounds: 1\n");
    await harness.enqueueReview("o", "strs", cloneUrl, { number: pullNumber, headSha: firstHead });
    await drain();
    expect(await harness.store.countAutoFixRounds("o", "strs", pullNumber)).toBe(1);
    expect(fake.reviews("o", "strs", pullNumber)).toHaveLength(1);
    const handOver = fake.comments("o", "strs", pullNumber).find((c) => c.body.startsWith("codex stopped fixing"));
    expect(handOver?.body).toMatch(/after 1 automatic round\(s\)[\s\S]*P1 Empty input crashes \(`src\/trim\.js:1`\)/);
    expect(model.remaining).toBe(0);
    expect(model.errors).toEqual([]);
  });

  test("`@codex stop` aborts a running task: nothing is pushed and the status says so", async () => {
    const controller = new AbortController();
    await setUp([{ toolCalls: [{ name: "shell", arguments: { command: "ls" } }], expect: () => controller.abort(new Error("stopped by @maintainer")) }, { text: "never used" }]);
    const task = await enqueueFollowUp("do a long thing");
    await harness.run(task, controller.signal);
    expect((await fake.branches("o", "strs"))[BRANCH]).toBe(firstHead);
    expect((await harness.store.get(task.id))!.status).toBe("cancelled");
    expect(fake.comments("o", "strs", pullNumber).at(-1)!.body).toMatch(/codex stopped[\s\S]*stopped by @maintainer/);
  });

  test("fix_ci: the task reads the failed checks' output and pushes a fix on the branch", async () => {
    const readsFailure = (request: unknown) => {
      if (!JSON.stringify(request).includes("TypeError: s.trim is not a function")) throw new Error("the CI output did not reach the model");
    };
    await setUp([{ ...addFile("src/guard.js", "export const guard = (s) => s ?? \"\";"), expect: readsFailure }, { text: "Guard against undefined input\n\nCI failed on undefined." }]);
    const ci = await fetch(`${fake.apiUrl}/repos/o/strs/check-runs`, {
      method: "POST", headers: { authorization: `token ${fake.issueToken()}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "ci / test", head_sha: firstHead, conclusion: "failure", output: { title: "1 failing", summary: "trim.test.js", text: "TypeError: s.trim is not a function" } }),
    });
    expect(ci.status).toBe(201);
    await enqueueFollowUp("CI failed on this pull request.", { ciFailure: { headSha: firstHead, checkSuiteId: checkSuiteIdFor(firstHead) } });
    await drain();
    expect(model.errors).toEqual([]);
    expect((await fake.branches("o", "strs"))[BRANCH]).not.toBe(firstHead);
    expect(await fake.readFile("o", "strs", "src/guard.js", BRANCH)).toContain("guard");
  });
});
