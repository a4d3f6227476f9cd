import { lstat, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { runSetupPhase } from "../../src/tasks/steps/setup-phase.js";
import { TaskLog } from "../../src/tasks/task-log.js";
import { dependencyCacheKey } from "../../src/workspace/dependency-cache-key.js";
import { KEEP_ENTRIES_PER_REPO, listDependencyCache } from "../../src/workspace/dependency-cache.js";
import { cloneIntoWorkspace, type TaskWorkspace } from "../../src/workspace/task-workspace.js";
import { startFakeGitHub, type CreatedRepo, type FakeGitHub } from "../fakes/fake-github.js";
import { listFiles, pushCommit } from "./workspace-helpers.js";

const INSTALL = "mkdir -p node_modules/left-pad && echo 'module.exports = 1;' > node_modules/left-pad/index.js && echo built > .build-stamp";
const FILES = { "package.json": '{ "name": "app" }\n', "package-lock.json": '{ "lockfileVersion": 3 }\n', ".gitignore": "node_modules/\n" };

describe("setup phase with the dependency cache (real git, real bubblewrap)", () => {
  let fake: FakeGitHub;
  let repo: CreatedRepo;
  let dataDir: string;
  let runs: string[];
  const workspaces: TaskWorkspace[] = [];
  let logId = 0;

  beforeEach(async () => {
    fake = await startFakeGitHub();
    repo = await fake.createRepo({ owner: "octo", name: "app", files: FILES });
    dataDir = await mkdtemp(join(tmpdir(), "codex-setup-cache-"));
    runs = [];
  });

  afterEach(async () => {
    await Promise.all(workspaces.splice(0).map((ws) => ws.remove()));
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const repoCache = () => join(dataDir, "cache", "deps", "octo", "app");

  async function workspace(): Promise<TaskWorkspace> {
    const ws = await cloneIntoWorkspace({
      cloneUrl: repo.cloneUrl, branch: "main", token: fake.issueToken(), parentDir: join(dataDir, "workspaces"), mirrorsDir: join(dataDir, "mirrors"),
    });
    workspaces.push(ws);
    return ws;
  }

  /** The real sandbox, counting the commands it is asked to run. */
  function countingSandbox(ws: TaskWorkspace): Sandbox {
    const real = createSandbox({ workspace: ws.workTree, network: false });
    return { run: (command, options) => (runs.push(command), real.run(command, options)) };
  }

  /** One task's setup phase; returns its result and its log text. */
  async function setUp(ws: TaskWorkspace, commands = [INSTALL], store = true) {
    const id = `task-${++logId}`;
    const log = new TaskLog(dataDir, id, () => []);
    const result = await runSetupPhase({ sandbox: countingSandbox(ws), workspace: ws, commands, timeoutMs: 60_000, log, cache: { rootDir: join(dataDir, "cache", "deps"), repo: ws.repo, store } });
    return { result, log: await readFile(join(dataDir, "logs", `${id}.log`), "utf8") };
  }

  test("the first task installs and stores; the second restores the same files and skips setup", async () => {
    const first = await workspace();
    const key = (await dependencyCacheKey(first, first.repo, [INSTALL]))!;
    const one = await setUp(first);
    expect(one.result).toEqual({ ok: true });
    expect(one.log).toContain(`setup: cached as ${key}`);
    expect(runs).toHaveLength(1);
    expect(await listDependencyCache(repoCache())).toEqual([key]);

    const second = await workspace();
    const two = await setUp(second);
    expect(two.result).toEqual({ ok: true, restoredFrom: key });
    expect(two.log).toContain(`setup: restored from cache ${key}`);
    expect(two.log).not.toContain("setup: $");
    expect(runs).toHaveLength(1);
    expect(await readFile(join(second.workTree, "node_modules/left-pad/index.js"), "utf8")).toBe("module.exports = 1;\n");
    expect(await readFile(join(second.workTree, ".build-stamp"), "utf8")).toBe("built\n");
  });

  test("a changed lockfile misses the cache and installs again", async () => {
    await setUp(await workspace());
    await pushCommit(repo.bareDir, "main", { "package-lock.json": '{ "lockfileVersion": 3, "packages": {} }\n' });
    const { result, log } = await setUp(await workspace());
    expect(result.restoredFrom).toBeUndefined();
    expect(log).toContain(`setup: $ ${INSTALL}`);
    expect(runs).toHaveLength(2);
    expect(await listDependencyCache(repoCache())).toHaveLength(2);
  });

  test("a lockfile in a subdirectory counts; a change elsewhere in the repository still hits", async () => {
    await pushCommit(repo.bareDir, "main", { "api/requirements-dev.txt": "pytest==8.0\n" });
    const ws = await workspace();
    const before = await dependencyCacheKey(ws, ws.repo, [INSTALL]);
    await setUp(ws);
    await pushCommit(repo.bareDir, "main", { "README.md": "# app\n" });
    expect((await setUp(await workspace())).result.restoredFrom).toBe(before);
    await pushCommit(repo.bareDir, "main", { "api/requirements-dev.txt": "pytest==8.1\n" });
    const changed = await workspace();
    expect(await dependencyCacheKey(changed, changed.repo, [INSTALL])).not.toBe(before);
  });

  test("a changed manifest misses the cache: lifecycle scripts are part of what an install runs", async () => {
    const ws = await workspace();
    const before = await dependencyCacheKey(ws, ws.repo, [INSTALL]);
    await setUp(ws);
    await pushCommit(repo.bareDir, "main", { "package.json": '{ "name": "app", "scripts": { "postinstall": "echo trojan > node_modules/left-pad/index.js" } }\n' });
    const changed = await workspace();
    expect(await dependencyCacheKey(changed, changed.repo, [INSTALL])).not.toBe(before);
    expect((await setUp(changed)).result.restoredFrom).toBeUndefined();
    await pushCommit(repo.bareDir, "main", { "packages/web/package.json": '{ "name": "web" }\n' });
    const nested = await workspace();
    expect(await dependencyCacheKey(nested, nested.repo, [INSTALL])).not.toBe(await dependencyCacheKey(changed, changed.repo, [INSTALL]));
  });

  test("a task that may not store (not the default branch's own commit) restores but never writes an entry", async () => {
    const { result, log } = await setUp(await workspace(), [INSTALL], false);
    expect(result).toEqual({ ok: true });
    expect(log).toContain("setup: not cached: only a task on the default branch's own commit stores the dependency cache");
    expect(await readdir(join(dataDir, "cache")).catch(() => [])).toEqual([]);
    const trusted = await workspace();
    const key = (await dependencyCacheKey(trusted, trusted.repo, [INSTALL]))!;
    await setUp(trusted);
    expect((await setUp(await workspace(), [INSTALL], false)).result.restoredFrom).toBe(key);
  });

  test("different setup commands miss the cache", async () => {
    await setUp(await workspace());
    const { result } = await setUp(await workspace(), [`${INSTALL} && echo again`]);
    expect(result.restoredFrom).toBeUndefined();
    expect(runs).toHaveLength(2);
  });

  test("without a lockfile nothing is cached", async () => {
    repo = await fake.createRepo({ owner: "octo", name: "plain", files: { "package.json": "{}\n" } });
    await setUp(await workspace());
    const { result } = await setUp(await workspace());
    expect(result.restoredFrom).toBeUndefined();
    expect(runs).toHaveLength(2);
    expect(await readdir(join(dataDir, "cache")).catch(() => [])).toEqual([]);
  });

  test("a failed setup, or one that changed tracked files, is not cached", async () => {
    expect((await setUp(await workspace(), [`${INSTALL} && exit 3`])).result.ok).toBe(false);
    const { log } = await setUp(await workspace(), [`${INSTALL} && echo '{}' > package.json`]);
    expect(log).toContain("setup: not cached: the setup changed tracked files");
    expect(await listDependencyCache(repoCache())).toEqual([]);
  });

  test("the entry is read-only and the task gets a copy: changing it in the sandbox leaves the entry as it was", async () => {
    await setUp(await workspace());
    const [key] = await listDependencyCache(repoCache());
    const entry = join(repoCache(), key!);
    for (const file of [entry, ...(await listFiles(entry))]) expect((await lstat(file)).mode & 0o222).toBe(0);

    const ws = await workspace();
    expect((await setUp(ws)).result.restoredFrom).toBe(key);
    const restored = join(ws.workTree, "node_modules/left-pad/index.js");
    const cached = join(entry, "tree/node_modules/left-pad/index.js");
    expect((await stat(restored)).ino).not.toBe((await stat(cached)).ino);
    const sandbox = createSandbox({ workspace: ws.workTree, network: false });
    const edit = await sandbox.run("echo tampered > node_modules/left-pad/index.js && touch node_modules/new-file && echo ok");
    expect(edit.output).toBe("ok\n");
    expect(await readFile(cached, "utf8")).toBe("module.exports = 1;\n");
    expect(await readdir(join(entry, "tree/node_modules"))).toEqual(["left-pad"]);
    // Nor can a task reach the entry itself: the sandbox mounts the work tree, not the data dir.
    expect((await sandbox.run(`test -e ${entry} && echo reachable || echo unreachable`)).output).toBe("unreachable\n");
  });

  test(`only the ${KEEP_ENTRIES_PER_REPO} most recently used entries are kept`, async () => {
    const keys: string[] = [];
    for (let i = 0; i < KEEP_ENTRIES_PER_REPO + 1; i++) {
      const ws = await workspace();
      const commands = [`${INSTALL} # variant ${i}`];
      keys.push((await dependencyCacheKey(ws, ws.repo, commands))!);
      await setUp(ws, commands);
    }
    expect((await listDependencyCache(repoCache())).sort()).toEqual(keys.slice(1).sort());
  });
});
