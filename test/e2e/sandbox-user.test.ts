// A whole code task with bubblewrap run as the dedicated sandbox user (CODEX_SANDBOX_USER's
// default, which .ci/run creates): the setup and the agent's commands write the work tree as that
// user, the agent's patches become theirs too, the dependency cache stays the bot's, and host git
// still commits and pushes a work tree another uid owns. Real git, bubblewrap and slirp4netns.
import { readFileSync } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { passwdLookup, resolveSandboxUser } from "../../src/config/sandbox-user.js";
import { createSandbox } from "../../src/sandbox/index.js";
import type { HostUser, SandboxOptions } from "../../src/sandbox/types.js";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";
import { startScriptedModel, type ScriptStep, type ScriptedModel } from "../fakes/fake-openai.js";
import { FAKE_INSTALL, FAKE_INSTALL_FILES } from "../helpers/fake-install-project.js";
import { createRunnerHarness, type Harness } from "../helpers/runner-harness.js";

const SETUP = FAKE_INSTALL;
const FILES = { ...FAKE_INSTALL_FILES,
  "src/a.js": "export const a = 1;\n",
};
const shell = (command: string): ScriptStep => ({ toolCalls: [{ name: "shell", arguments: { command } }] });
const addB: ScriptStep = { toolCalls: [{ name: "apply_patch", arguments: { input: "*** Begin Patch\n*** Add File: src/new/b.js\n+export const b = 1;\n*** End Patch" } }] };

// The user the product runs bubblewrap as by default, as the bot (root) resolves it at start.
const sandboxUser = resolveSandboxUser(undefined, 0, passwdLookup(readFileSync("/etc/passwd", "utf8")));
const hostUser = sandboxUser.hostUser as HostUser;

/** Owner uid of every entry under `dir` (links not followed), by path relative to it. */
async function ownersUnder(dir: string): Promise<Record<string, number>> {
  const owners: Record<string, number> = {};
  for (const name of await readdir(dir, { recursive: true })) owners[name] = (await lstat(join(dir, name))).uid;
  return owners;
}

describe("a code task with bubblewrap run as the sandbox user", () => {
  let fake: FakeGitHub;
  let model: ScriptedModel;
  let harness: Harness;
  let sandboxes: SandboxOptions[];
  /** Owners in the work tree after each command, seen from the host while the task runs. */
  let ownersAfter: Record<string, Record<string, number>>;

  beforeEach(async () => {
    fake = await startFakeGitHub();
    sandboxes = [];
    ownersAfter = {};
  });
  afterEach(async () => {
    await harness.close();
    await model.close();
    await fake.close();
  });

  async function startHarness(script: ScriptStep[], env: Record<string, string> = {}) {
    model = await startScriptedModel(script, { apiKey: "sk-test" });
    harness = await createRunnerHarness(fake, model, {
      sandboxUser: hostUser,
      createSandbox: (options) => {
        sandboxes.push(options);
        const sandbox = createSandbox(options);
        return {
          run: async (command, runOptions) => {
            const result = await sandbox.run(command, runOptions);
            ownersAfter[command] = await ownersUnder(options.workspace);
            return result;
          },
        };
      },
    }, env);
  }

  test("setup and agent write as the sandbox user, the agent's new files and directories are theirs, and host git pushes the change", async () => {
    expect(sandboxUser.mode).toBe("dedicated");
    const { cloneUrl } = await fake.createRepo({ owner: "o", name: "app", files: FILES });
    fake.addIssue("o", "app", { number: 1, title: "Add b", body: "add b", user: "maintainer" });
    const write = "echo 'export const c = 1;' > src/new/deeper/c.js; echo more >> src/new/b.js; echo made > made.txt; echo ok";
    await startHarness([addB, shell(`mkdir src/new/deeper && ${write}`), { text: "Add b\n\nAdds b and c." }]);
    const task = await harness.enqueue("o", "app", cloneUrl, { number: 1, title: "Add b", body: "add b" });
    await harness.run(task);

    expect(sandboxes.length).toBeGreaterThanOrEqual(2);
    for (const options of sandboxes) expect(options.hostUser).toEqual(hostUser);
    // The setup's files, the checkout, the patch's file and directory, and what the agent made.
    const owners = ownersAfter[`mkdir src/new/deeper && ${write}`]!;
    for (const path of ["node_modules/dep/index.js", "src/a.js", "src/new", "src/new/b.js", "src/new/deeper/c.js", "made.txt"]) {
      expect([path, owners[path]]).toEqual([path, hostUser.uid]);
    }
    expect(JSON.stringify(model.requests[2]!.body)).toContain("ok");
    const branch = Object.keys(await fake.branches("o", "app")).find((b) => b.startsWith("codex/"));
    expect(branch).toBeDefined();
    expect(await fake.readFile("o", "app", "src/new/b.js", branch)).toBe("export const b = 1;\nmore\n");
    expect(await fake.readFile("o", "app", "src/new/deeper/c.js", branch)).toBe("export const c = 1;\n");
    expect(await fake.readFile("o", "app", "made.txt", branch)).toBe("made\n");
    // The work tree is gone: the bot (root) removed what another uid owned.
    expect(await readdir(join(harness.dataDir, "workspaces"))).toEqual([]);
  });

  test("a review reads the pull request's checkout as the sandbox user, and still cannot write it", async () => {
    const { cloneUrl } = await fake.createRepo({ owner: "o", name: "app", files: { ...FILES, ".github/codex.yml": "setup: []\n" } });
    const headSha = await fake.pushBranch("o", "app", "feature", { "src/a.js": "export const a = 3;\n" }, "Three");
    const pull = await fake.openPullRequest("o", "app", { head: "feature", title: "Three", body: "a is 3", user: "author" });
    await startHarness([shell("cat src/a.js; echo x > src/a.js"), { text: JSON.stringify({ summary: "Sets a to 3.", findings: [] }) }]);
    await harness.enqueueReview("o", "app", cloneUrl, { number: pull.number, headSha });
    await harness.runNext();

    expect(sandboxes.map((options) => options.hostUser)).toEqual([hostUser]);
    const seen = JSON.stringify(model.requests[1]!.body);
    expect(seen).toContain("export const a = 3;");
    expect(seen).toContain("Read-only file system");
    expect(fake.reviews("o", "app", pull.number)).toHaveLength(1);
  });

  test("the dependency cache is the bot's and read-only, and what it restores is the sandbox user's to change", async () => {
    const { cloneUrl } = await fake.createRepo({ owner: "o", name: "app", files: FILES });
    for (const number of [1, 2]) fake.addIssue("o", "app", { number, title: `Issue ${number}`, body: "look", user: "maintainer" });
    const change = "echo changed >> node_modules/dep/index.js && cat node_modules/dep/index.js";
    await startHarness([{ text: "Nothing to do." }, shell(change), { text: "Nothing to do either." }]);
    await harness.run(await harness.enqueue("o", "app", cloneUrl, { number: 1, title: "Issue 1", body: "look" }));
    const second = await harness.enqueue("o", "app", cloneUrl, { number: 2, title: "Issue 2", body: "look" });
    await harness.run(second);

    expect(await readFile(join(harness.dataDir, "logs", `${second.logId}.log`), "utf8")).toMatch(/setup: restored from cache [0-9a-f]{32}/);
    expect(JSON.stringify(model.requests[2]!.body)).toContain("module.exports = 42;\\nchanged");
    expect(ownersAfter[change]!["node_modules/dep/index.js"]).toBe(hostUser.uid);
    const cacheDir = join(harness.dataDir, "cache", "deps");
    const entries = await readdir(cacheDir, { recursive: true });
    expect(entries.some((e) => e.endsWith("node_modules/dep/index.js"))).toBe(true);
    for (const entry of entries) {
      const info = await lstat(join(cacheDir, entry));
      expect([entry, info.uid]).toEqual([entry, 0]);
      if (entry.includes("/tree/")) expect([entry, info.mode & 0o222]).toEqual([entry, 0]);
    }
    expect((await lstat(join(harness.dataDir, "cache"))).mode & 0o777).toBe(0o700);
  });

  test("the agent network's proxy answers the sandbox user: a request it refuses gets the proxy's 403, not a closed socket", async () => {
    const config = 'setup: []\nagent_network:\n  allow: ["registry.npmjs.org"]\n';
    const { cloneUrl } = await fake.createRepo({ owner: "o", name: "app", files: { ...FILES, ".github/codex.yml": config } });
    fake.addIssue("o", "app", { number: 1, title: "Add b", body: "add b", user: "maintainer" });
    // Refused before any DNS question (a method not allowed): nothing leaves this machine.
    await startHarness([shell("id -u; curl -sS -o /dev/null -w 'status %{http_code}' -X POST -d x http://registry.npmjs.org/upload"), addB, { text: "Add b\n\nAdds b." }], { CODEX_AGENT_NETWORK_MAX: "registry.npmjs.org" });
    const task = await harness.enqueue("o", "app", cloneUrl, { number: 1, title: "Add b", body: "add b" });
    await harness.run(task);
    const agentSandbox = sandboxes.find((options) => options.agentNetwork !== undefined);
    expect(agentSandbox?.hostUser).toEqual(hostUser);
    expect(JSON.stringify(model.requests[1]!.body)).toContain("status 403");
  });
});
