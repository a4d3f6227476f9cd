// Threat 5: the host never runs what the agent or a setup script wrote. Inside the sandbox they
// can make a repository of their own in the work tree (`git init`, a `filter.x.clean` in its
// config, `* filter=x` in its attributes, a dirty tracked file). Host git would take it for a
// submodule and run that filter as the bot's user when it stages the change or lists setup
// outputs. Each case runs the whole code task (real git, real bubblewrap) and checks that the
// filter's marker, a host path the sandbox cannot reach, was never written.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "../../fakes/fake-github.js";
import { startScriptedModel, type ScriptStep, type ScriptedModel } from "../../fakes/fake-openai.js";
import { runGitOrThrow } from "../../fakes/github/git.js";
import { createRunnerHarness, type Harness } from "../../helpers/runner-harness.js";
import { plantFilterRepoScript } from "../../workspace/scratch-workspace.js";
import { SANDBOX_MODES } from "../sandbox-test-helpers.js";
import { pushGitlink } from "../../workspace/workspace-helpers.js";

const FILES = {
  "package.json": '{ "name": "app", "private": true }\n',
  "package-lock.json": '{ "name": "app", "lockfileVersion": 3 }\n',
  ".gitignore": "node_modules/\n",
  "src/a.js": "export const a = 1;\n",
};
const shell = (command: string): ScriptStep => ({ toolCalls: [{ name: "shell", arguments: { command } }] });
const editA: ScriptStep = { toolCalls: [{ name: "apply_patch", arguments: { input: "*** Begin Patch\n*** Update File: src/a.js\n@@\n-export const a = 1;\n+export const a = 2;\n*** End Patch" } }] };

describe.each(SANDBOX_MODES)("$name", (mode) => {
  describe("threat 5: nested repositories in the work tree never run on the host", () => {
    let fake: FakeGitHub;
    let model: ScriptedModel;
    let harness: Harness;
    let bareDir: string;
    let cloneUrl: string;
    let marker: string;

    beforeEach(() => {
      marker = join(tmpdir(), `codex-threat5-${process.pid}-${Math.random().toString(36).slice(2)}`);
    });
    async function setUp(script: ScriptStep[], options: { setup?: string; gitlink?: string } = {}) {
      fake = await startFakeGitHub();
      const config = options.setup ? `setup: ${JSON.stringify(options.setup)}\n` : "setup: []\n";
      ({ bareDir, cloneUrl } = await fake.createRepo({ owner: "o", name: "app", files: { ...FILES, ".github/codex.yml": config } }));
      if (options.gitlink) await pushGitlink(bareDir, "main", options.gitlink);
      fake.addIssue("o", "app", { number: 1, title: "Bump a", body: "a should be 2", user: "maintainer" });
      model = await startScriptedModel(script, { apiKey: "sk-test" });
      harness = await createRunnerHarness(fake, model, { sandboxUser: mode.hostUser });
    }
    afterEach(async () => {
      await harness.close();
      await model.close();
      await fake.close();
    });

    async function runTask() {
      const task = await harness.enqueue("o", "app", cloneUrl, { number: 1, title: "Bump a", body: "a should be 2" });
      await harness.run(task);
      return readFile(join(harness.dataDir, "logs", `${task.logId}.log`), "utf8");
    }
    const pushedTree = async () => {
      const branch = Object.keys(await fake.branches("o", "app")).find((b) => b.startsWith("codex/"));
      expect(branch).toBeDefined();
      return runGitOrThrow(["ls-tree", "-r", `refs/heads/${branch}`], bareDir);
    };

    test("the agent plants a repository in a submodule's directory: its filter never runs, the gitlink is unchanged", async () => {
      await setUp([shell(`${plantFilterRepoScript("sub", marker)} && echo planted-ok`), editA, { text: "Bump a\n\nSets a to 2." }], { gitlink: "sub" });
      const log = await runTask();
      expect(JSON.stringify(model.requests[1]!.body)).toContain("planted-ok");
      expect(existsSync(marker)).toBe(false);
      expect(log).toMatch(/removed nested git directories[\s\S]*sub\/\.git/);
      const main = (await runGitOrThrow(["ls-tree", "refs/heads/main", "sub"], bareDir)).trim();
      expect((await pushedTree()).split("\n")).toContain(main);
      expect(await fake.readFile("o", "app", "src/a.js", Object.keys(await fake.branches("o", "app")).find((b) => b.startsWith("codex/"))!)).toBe("export const a = 2;\n");
    });

    test("the agent makes a nested repository in a repository without submodules: pushed as plain files, never as a gitlink", async () => {
      await setUp([shell(`${plantFilterRepoScript("vendor/lib", marker, "commit")} && echo planted-ok`), editA, { text: "Bump a\n\nSets a to 2." }]);
      await runTask();
      expect(JSON.stringify(model.requests[1]!.body)).toContain("planted-ok");
      expect(existsSync(marker)).toBe(false);
      const tree = await pushedTree();
      expect(tree).not.toMatch(/^160000 /m);
      expect(tree).toMatch(/^100644 blob [0-9a-f]+\tvendor\/lib\/tracked$/m);
    });

    test("a setup script plants the repository: listing what setup made never runs its filter", async () => {
      await setUp([editA, { text: "Bump a\n\nSets a to 2." }], { gitlink: "sub", setup: `${plantFilterRepoScript("sub", marker)} && cd .. && mkdir -p node_modules/dep` });
      const log = await runTask();
      expect(existsSync(marker)).toBe(false);
      expect(log).toMatch(/setup: removed nested git directories[\s\S]*sub\/\.git/);
      expect(log).toMatch(/setup: cached as [0-9a-f]{32}/);
      expect((await pushedTree()).split("\n").filter((line) => line.startsWith("160000 "))).toHaveLength(1);
    });
  });
});
