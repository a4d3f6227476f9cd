import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";
import { startScriptedModel, type ScriptStep, type ScriptedModel } from "../fakes/fake-openai.js";
import { createRunnerHarness, type Harness } from "../helpers/runner-harness.js";

const FILES = {
  "package.json": JSON.stringify({ name: "calc", type: "module", scripts: { test: "node --test" } }) + "\n",
  "src/add.js": "export const add = (a, b) => a - b;\n",
  "test/add.test.js": 'import { test } from "node:test";\nimport assert from "node:assert";\nimport { add } from "../src/add.js";\ntest("adds", () => assert.equal(add(2, 3), 5));\n',
  ".github/codex.yml": "setup: []\n",
};
const FIX = "*** Begin Patch\n*** Update File: src/add.js\n@@\n-export const add = (a, b) => a - b;\n+export const add = (a, b) => a + b;\n*** End Patch";

/**
 * Each task asks GitHub for its tokens itself: one repository, only what that kind of task uses.
 * The fake refuses any request a token was not granted (404 for another repository, 403 for a
 * missing permission), so a task that finishes here also shows the narrowed tokens suffice.
 */
describe("task tokens: one repository, only the permissions the task uses", () => {
  let fake: FakeGitHub;
  let model: ScriptedModel;
  let harness: Harness;

  async function setUp(script: ScriptStep[]) {
    fake = await startFakeGitHub();
    model = await startScriptedModel(script, { apiKey: "sk-test" });
    harness = await createRunnerHarness(fake, model);
  }
  afterEach(async () => {
    await harness.close();
    await model.close();
    await fake.close();
  });

  const tokenRequests = () => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/app/installations/1/access_tokens")).map((r) => r.body);

  test("a code task: the API client may comment and open the pull request, the git token may push; both only to calc", async () => {
    await setUp([{ toolCalls: [{ name: "apply_patch", arguments: { input: FIX } }] }, { text: "Fix add\n\nIt subtracted." }]);
    const { cloneUrl } = await fake.createRepo({ owner: "o", name: "calc", files: FILES });
    fake.addIssue("o", "calc", { number: 1, title: "add() subtracts", body: "Fix add.", user: "reporter" });
    await harness.run(await harness.enqueue("o", "calc", cloneUrl, { number: 1, title: "add() subtracts", body: "Fix add." }));

    expect(await harness.store.countByStatus("succeeded")).toBe(1);
    expect(fake.issues("o", "calc").filter((i) => i.pull)).toHaveLength(1);
    expect(tokenRequests()).toEqual([
      { repositories: ["calc"], permissions: { metadata: "read", contents: "read", issues: "write", pull_requests: "write", checks: "read" } },
      { repositories: ["calc"], permissions: { contents: "write" } },
    ]);
    expect(fake.unhandled).toEqual([]);
  });

  test("a review task: the API client may review and run the check, the git token may only fetch; both only to lib", async () => {
    await setUp([{ text: JSON.stringify({ summary: "Looks fine.", findings: [] }) }]);
    const { cloneUrl } = await fake.createRepo({ owner: "o", name: "lib", files: { "src/a.js": "export const a = 1;\n", ".github/codex.yml": "setup: []\n" } });
    const headSha = await fake.pushBranch("o", "lib", "feature", { "src/a.js": "export const a = 2;\n" }, "Change a");
    const { number } = await fake.openPullRequest("o", "lib", { head: "feature", title: "Change a", body: "", user: "author" });
    await harness.enqueueReview("o", "lib", cloneUrl, { number, headSha });
    await harness.runNext();

    expect(await harness.store.countByStatus("succeeded")).toBe(1);
    expect(fake.reviews("o", "lib", number)).toHaveLength(1);
    expect(fake.checkRuns("o", "lib").at(-1)).toMatchObject({ status: "completed" });
    expect(tokenRequests()).toEqual([
      { repositories: ["lib"], permissions: { metadata: "read", contents: "read", pull_requests: "write", checks: "write" } },
      { repositories: ["lib"], permissions: { contents: "read" } },
    ]);
    expect(fake.unhandled).toEqual([]);
  });
});
