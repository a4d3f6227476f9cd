import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";
import { startScriptedModel, type ScriptedModel } from "../fakes/fake-openai.js";
import { FAKE_INSTALL, FAKE_INSTALL_FILES } from "../helpers/fake-install-project.js";
import { createRunnerHarness, type Harness } from "../helpers/runner-harness.js";

const SETUP = FAKE_INSTALL;
const FILES = FAKE_INSTALL_FILES;

describe("two tasks on one repository: the second starts from the mirror and the dependency cache", () => {
  let fake: FakeGitHub;
  let model: ScriptedModel;
  let harness: Harness;

  afterEach(async () => {
    await harness.close();
    await model.close();
    await fake.close();
  });

  test("the second task restores node_modules instead of running setup, and the agent sees it", async () => {
    fake = await startFakeGitHub();
    const { cloneUrl } = await fake.createRepo({ owner: "octo", name: "app", files: FILES });
    for (const number of [1, 2]) fake.addIssue("octo", "app", { number, title: `Issue ${number}`, body: "Look around.", user: "reporter" });
    model = await startScriptedModel([
      { text: "Nothing to do." },
      { toolCalls: [{ name: "shell", arguments: { command: "cat node_modules/dep/index.js" } }] },
      { text: "Nothing to do either." },
    ], { apiKey: "sk-test" });
    harness = await createRunnerHarness(fake, model);
    const logOf = (logId: string) => readFile(join(harness.dataDir, "logs", `${logId}.log`), "utf8");

    const first = await harness.enqueue("octo", "app", cloneUrl, { number: 1, title: "Issue 1", body: "Look around." });
    await harness.run(first);
    const firstLog = await logOf(first.logId);
    expect(firstLog).toContain(`setup: $ ${SETUP}`);
    expect(firstLog).toMatch(/setup: cached as [0-9a-f]{32}/);

    const second = await harness.enqueue("octo", "app", cloneUrl, { number: 2, title: "Issue 2", body: "Look around." });
    await harness.run(second);
    const secondLog = await logOf(second.logId);
    expect(secondLog).toMatch(/setup: restored from cache [0-9a-f]{32}/);
    expect(secondLog).not.toContain("setup: $");
    expect(JSON.stringify(model.requests[2]!.body)).toContain("module.exports = 42;");
    expect(await harness.store.countByStatus("failed")).toBe(0);
  });

  test("a follow-up on the bot's own branch installs but never stores: a branch cannot poison the default branch's installs", async () => {
    fake = await startFakeGitHub();
    const { cloneUrl } = await fake.createRepo({ owner: "octo", name: "app", files: FILES });
    const branch = "codex/issue-1-look";
    await fake.pushBranch("octo", "app", branch, { "package.json": '{ "name": "app", "private": true, "scripts": { "postinstall": "echo trojan" } }\n' });
    const pull = await fake.openPullRequest("octo", "app", { head: branch, title: "Look", body: "Fixes #1", user: "codex-bot[bot]" });
    model = await startScriptedModel([{ text: "Nothing to do." }], { apiKey: "sk-test" });
    harness = await createRunnerHarness(fake, model);
    await harness.store.recordBotPullRequest({ owner: "octo", repo: "app", number: pull.number, issueNumber: 1, headRef: branch, installationId: 1 });
    const task = (await harness.store.enqueue({
      kind: "code", installationId: 1, owner: "octo", repo: "app", number: pull.number,
      request: {
        trigger: "comment", issueTitle: "Look", instruction: "look again", issueBody: "", sender: { login: "maintainer", id: 7 }, cloneUrl, defaultBranch: "main", htmlUrl: "",
        pull: { number: pull.number, headRef: branch, baseRef: "main" },
      },
    }))!;
    await harness.run(task);
    const log = await readFile(join(harness.dataDir, "logs", `${task.logId}.log`), "utf8");
    expect(log).toContain(`setup: $ ${SETUP}`);
    expect(log).toContain("setup: not cached: only a task on the default branch's own commit stores the dependency cache");
    expect(await readdir(join(harness.dataDir, "cache")).catch(() => [])).toEqual([]);
  });
});
