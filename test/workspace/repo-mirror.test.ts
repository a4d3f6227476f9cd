import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, stat, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostGit } from "../../src/workspace/host-git.js";
import { MissingBranchError } from "../../src/workspace/repo-mirror.js";
import { cloneIntoWorkspace, type CloneRequest, type TaskWorkspace } from "../../src/workspace/task-workspace.js";
import { startFakeGitHub, type CreatedRepo, type FakeGitHub } from "../fakes/fake-github.js";
import { runGitOrThrow } from "../fakes/github/git.js";
import { filesContaining, inode, listFiles, pushCommit } from "./workspace-helpers.js";

describe("workspaces from a per-repository mirror (real git, fake GitHub over HTTP)", () => {
  let fake: FakeGitHub;
  let repo: CreatedRepo;
  let dataDir: string;
  const workspaces: TaskWorkspace[] = [];

  beforeEach(async () => {
    fake = await startFakeGitHub();
    repo = await fake.createRepo({ owner: "Octo", name: "calc", files: { "README.md": "# calc\n", "src/add.js": "export const add = (a, b) => a + b;\n" } });
    dataDir = await mkdtemp(join(tmpdir(), "codex-mirror-"));
  });

  afterEach(async () => {
    await Promise.all(workspaces.splice(0).map((ws) => ws.remove()));
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const mirrorDir = () => join(dataDir, "mirrors", fake.host.replace(":", "_"), "octo", "calc.git");
  const request = (overrides: Partial<CloneRequest> = {}): CloneRequest => ({
    cloneUrl: repo.cloneUrl, branch: "main", token: fake.issueToken(),
    parentDir: join(dataDir, "workspaces"), mirrorsDir: join(dataDir, "mirrors"), ...overrides,
  });
  async function clone(overrides: Partial<CloneRequest> = {}): Promise<TaskWorkspace> {
    const ws = await cloneIntoWorkspace(request(overrides));
    workspaces.push(ws);
    return ws;
  }
  const gitIn = (ws: TaskWorkspace) => hostGit(ws, ws.workTree);
  const tip = async () => (await fake.branches("Octo", "calc")).main!;
  const objectFiles = async () => (await listFiles(join(mirrorDir(), "objects"))).filter((f) => !f.includes("/info/"));

  test("the first workspace builds the mirror; the next one reuses it and starts from the new tip", async () => {
    const first = await clone();
    expect(first.baseSha).toBe(await tip());
    expect(first.repo).toEqual({ host: fake.host.replace(":", "_"), owner: "octo", repo: "calc" });
    const mirrorInode = await inode(mirrorDir());
    const firstObjects = await objectFiles();
    expect(firstObjects.length).toBeGreaterThan(0);

    const newTip = await pushCommit(repo.bareDir, "main", { "src/add.js": "export const add = (a, b) => b + a;\n" });
    const second = await clone();
    expect(second.baseSha).toBe(newTip);
    expect(await gitIn(second).raw(["show", "HEAD:src/add.js"])).toBe("export const add = (a, b) => b + a;\n");
    // Reused, not rebuilt: same directory, everything the first fetch wrote is still there, and
    // the second added only the new commit's objects (commit, two trees, one blob).
    expect(await inode(mirrorDir())).toBe(mirrorInode);
    const secondObjects = await objectFiles();
    expect(secondObjects).toEqual(expect.arrayContaining(firstObjects));
    expect(secondObjects.length - firstObjects.length).toBe(4);
  });

  test("the mirror holds every branch and forgets deleted ones", async () => {
    await runGitOrThrow(["update-ref", "refs/heads/topic", "refs/heads/main"], repo.bareDir);
    await clone();
    const mirrorBranches = async () => (await hostGit({ gitDir: mirrorDir() }, mirrorDir()).raw(["for-each-ref", "--format=%(refname)", "refs/heads"])).trim().split("\n");
    expect(await mirrorBranches()).toEqual(["refs/heads/main", "refs/heads/topic"]);
    await runGitOrThrow(["update-ref", "-d", "refs/heads/topic"], repo.bareDir);
    await clone();
    expect(await mirrorBranches()).toEqual(["refs/heads/main"]);
  });

  test("the task's origin is the real repository, and its git directory stands alone", async () => {
    const ws = await clone();
    expect((await gitIn(ws).raw(["config", "remote.origin.url"])).trim()).toBe(repo.cloneUrl);
    expect((await gitIn(ws).raw(["config", "core.bare"])).trim()).toBe("false");
    expect(existsSync(join(ws.gitDir, "objects", "info", "alternates"))).toBe(false);
    expect((await gitIn(ws).raw(["status", "--porcelain"])).trim()).toBe("");
    // Hardlinked from the mirror, so deleting the mirror takes nothing from the task.
    const objectFiles = await listFiles(join(ws.gitDir, "objects"));
    expect((await stat(objectFiles[0]!)).nlink).toBeGreaterThan(1);
    await rm(join(dataDir, "mirrors"), { recursive: true, force: true });
    expect((await gitIn(ws).raw(["log", "--format=%s"])).split("\n")).toContain("Initial commit");
    expect((await gitIn(ws).raw(["fsck", "--no-dangling"])).trim()).toBe("");
  });

  test("no file in the mirror or the task's git directory holds the token", async () => {
    const token = fake.issueToken();
    const ws = await clone({ token });
    await pushCommit(repo.bareDir, "main", { "b.txt": "b\n" });
    await runGitOrThrow(["update-ref", "refs/heads/topic", "refs/heads/main"], repo.bareDir);
    await clone({ token });
    const header = Buffer.from(`x-access-token:${token}`).toString("base64");
    expect(await filesContaining(join(dataDir, "mirrors"), [token, header])).toEqual([]);
    expect(await filesContaining(ws.gitDir, [token, header])).toEqual([]);
    expect(await hostGit({ gitDir: mirrorDir() }, mirrorDir()).raw(["config", "--list", "--local"])).not.toMatch(/url|extraheader/i);
  });

  test("two workspaces at once from the same mirror both succeed", async () => {
    const [a, b] = await Promise.all([clone(), clone()]);
    expect(a.baseSha).toBe(await tip());
    expect(b.baseSha).toBe(a.baseSha);
    const newTip = await pushCommit(repo.bareDir, "main", { "d.txt": "d\n" });
    const [c, d] = await Promise.all([clone(), clone()]);
    expect([c.baseSha, d.baseSha]).toEqual([newTip, newTip]);
    expect((await gitIn(d).raw(["status", "--porcelain"])).trim()).toBe("");
  });

  test.each([
    ["its HEAD is deleted", (dir: string) => rm(join(dir, "HEAD"))],
    ["its objects directory is deleted", (dir: string) => rm(join(dir, "objects"), { recursive: true })],
    ["every object file is truncated", async (dir: string) => {
      for (const file of (await listFiles(join(dir, "objects"))).filter((f) => !f.includes("/info/"))) await truncate(file, 10);
    }],
    ["the branch tip's commit object is gone", async (dir: string) => {
      const tipSha = (await hostGit({ gitDir: dir }, dir).raw(["rev-parse", "refs/heads/main"])).trim();
      await rm(join(dir, "objects", tipSha.slice(0, 2), tipSha.slice(2)));
    }],
  ])("a mirror is rebuilt when %s", async (_what, corrupt) => {
    await clone();
    await corrupt(mirrorDir());
    const ws = await clone();
    expect(ws.baseSha).toBe(await tip());
    expect((await gitIn(ws).raw(["show", "HEAD:README.md"]))).toBe("# calc\n");
    expect((await hostGit({ gitDir: mirrorDir() }, mirrorDir()).raw(["fsck", "--no-dangling"])).trim()).toBe("");
  });

  test("a fetch that fails (the network, not the mirror) keeps the mirror for the next task", async () => {
    await clone();
    const mirrorInode = await inode(mirrorDir());
    fake.failNext("GET", /info\/refs$/, 503);
    fake.failNext("GET", /info\/refs$/, 503);
    await expect(clone()).rejects.toThrow(/503|unable to access|error/i);
    expect(await inode(mirrorDir())).toBe(mirrorInode);
    expect((await readdir(join(dataDir, "mirrors", fake.host.replace(":", "_"), "octo"))).sort()).toEqual(["calc.git"]);
    expect((await clone()).baseSha).toBe(await tip());
  });

  test("a branch the repository does not have is reported as such, without rebuilding", async () => {
    await clone();
    const mirrorInode = await inode(mirrorDir());
    await expect(clone({ branch: "nope" })).rejects.toThrow(MissingBranchError);
    expect(await inode(mirrorDir())).toBe(mirrorInode);
  });

  test("an invalid token fails the clone and leaves no workspace behind", async () => {
    await expect(clone({ token: "ghs_not-issued" })).rejects.toThrow();
    expect(await readdir(join(dataDir, "workspaces"))).toEqual([]);
  });
});
