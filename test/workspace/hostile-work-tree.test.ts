import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { lstat, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { removeNestedGitDirs } from "../../src/workspace/nested-git.js";
import { listSetupOutputs } from "../../src/workspace/setup-outputs.js";
import { stageAll } from "../../src/workspace/task-workspace.js";
import { runGitOrThrow } from "../fakes/github/git.js";
import { createScratchWorkspace, plantFilterRepoScript, type ScratchWorkspace } from "./scratch-workspace.js";

const sh = (script: string, cwd: string) => promisify(execFile)("sh", ["-c", script], { cwd, env: { PATH: process.env.PATH!, HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" } });

describe("a work tree the sandbox wrote, read by host git", () => {
  let ws: ScratchWorkspace;
  let marker: string;
  beforeEach(() => {
    marker = join(tmpdir(), `codex-filter-ran-${process.pid}-${Math.random().toString(36).slice(2)}`);
  });
  afterEach(async () => ws?.remove());

  test("a planted repository in a submodule's directory never runs its filter when the change is staged", async () => {
    ws = await createScratchWorkspace({ "a.txt": "a\n" }, ["sub"]);
    await sh(plantFilterRepoScript("sub", marker), ws.workTree);
    await writeFile(join(ws.workTree, "a.txt"), "b\n");
    const staged = stageAll(ws);
    await staged.catch(() => undefined);
    expect(existsSync(marker)).toBe(false);
    const { changes, removedGitDirs } = await staged;
    expect(removedGitDirs).toEqual(["sub/.git"]);
    // The gitlink is as it was: only the ordinary file changed.
    expect(changes).toEqual([expect.objectContaining({ status: "M", path: "a.txt", mode: "100644" })]);
  });

  test("a planted repository in a submodule's directory never runs its filter when setup outputs are listed", async () => {
    ws = await createScratchWorkspace({ "a.txt": "a\n" }, ["sub"]);
    await sh(plantFilterRepoScript("sub", marker), ws.workTree);
    const outputs = await listSetupOutputs(ws);
    expect(existsSync(marker)).toBe(false);
    expect(outputs.removedGitDirs).toEqual(["sub/.git"]);
    expect(outputs.changed).toEqual([]);
  });

  test("a nested repository in a repository without submodules is staged as plain files, not as a gitlink", async () => {
    ws = await createScratchWorkspace({ "a.txt": "a\n" });
    await sh(plantFilterRepoScript("vendor/lib", marker, "commit"), ws.workTree);
    const { changes } = await stageAll(ws);
    expect(existsSync(marker)).toBe(false);
    expect(changes.map((c) => [c.path, c.mode])).toEqual([["vendor/lib/.gitattributes", "100644"], ["vendor/lib/tracked", "100644"]]);
  });

  test("attributes in the work tree change nothing: the staged blob is the bytes on disk", async () => {
    ws = await createScratchWorkspace({ "a.txt": "a\n" });
    const utf16 = Buffer.from("\ufefftoken ghs_secret\n", "utf16le");
    await writeFile(join(ws.workTree, ".gitattributes"), "[attr]evil ident text eol=crlf\n* evil\n*.txt working-tree-encoding=UTF-16\n");
    await writeFile(join(ws.workTree, "id.c"), "/* $Id: planted $ */\n");
    await writeFile(join(ws.workTree, "wide.txt"), utf16);
    const { changes } = await stageAll(ws);
    const blob = async (path: string) => Buffer.from(await runGitOrThrow(["cat-file", "-p", changes.find((c) => c.path === path)!.object!], ws.gitDir, { GIT_DIR: ws.gitDir }), "latin1");
    expect((await blob("id.c")).toString()).toBe("/* $Id: planted $ */\n");
    expect(await readFile(join(ws.workTree, "wide.txt"))).toEqual(utf16);
    expect((await runGitOrThrow(["cat-file", "-s", changes.find((c) => c.path === "wide.txt")!.object!], ws.gitDir, { GIT_DIR: ws.gitDir })).trim()).toBe(String(utf16.length));
  });
});

describe("removeNestedGitDirs", () => {
  let ws: ScratchWorkspace;
  afterEach(async () => ws?.remove());

  test("removes nested .git directories, files and links in any case, follows no link, and leaves the rest", async () => {
    ws = await createScratchWorkspace({});
    const outside = join(ws.gitDir, "..", "outside");
    await mkdir(join(outside, ".git"), { recursive: true });
    await mkdir(join(ws.workTree, "a/b/.git/objects"), { recursive: true });
    await mkdir(join(ws.workTree, "c"), { recursive: true });
    await writeFile(join(ws.workTree, "c/.git"), "gitdir: /somewhere\n");
    await mkdir(join(ws.workTree, "d/.GIT"), { recursive: true });
    await symlink(outside, join(ws.workTree, "linked"));
    await symlink(join(outside, ".git"), join(ws.workTree, "e.git-link"));
    await mkdir(join(ws.workTree, "f"), { recursive: true });
    await symlink(join(outside, ".git"), join(ws.workTree, "f/.git"));
    await mkdir(join(ws.workTree, ".git")); // the sandbox's mount point for the real git directory
    await writeFile(join(ws.workTree, "a/keep.txt"), "kept\n");

    const removed = await removeNestedGitDirs(ws.workTree);
    expect(removed.sort()).toEqual(["a/b/.git", "c/.git", "d/.GIT", "f/.git"]);
    expect(existsSync(join(ws.workTree, ".git"))).toBe(false);
    expect(await readFile(join(ws.workTree, "a/keep.txt"), "utf8")).toBe("kept\n");
    expect((await lstat(join(ws.workTree, "linked"))).isSymbolicLink()).toBe(true);
    expect((await lstat(join(ws.workTree, "e.git-link"))).isSymbolicLink()).toBe(true);
    expect((await lstat(join(outside, ".git"))).isDirectory()).toBe(true);
  });
});
