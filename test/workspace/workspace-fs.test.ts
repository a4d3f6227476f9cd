import { chown, lstat, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { PatchApplyError } from "../../src/agent/patch/errors.js";
import { toWorkspacePath } from "../../src/agent/patch/workspace-path.js";
import {
  listWorkspaceDirectory,
  openWorkspace,
  readWorkspaceFile,
  readWorkspaceFileHead,
  writeWorkspaceFile,
} from "../../src/workspace/workspace-fs.js";
import { createTempDirs, type TempDirs } from "../helpers/tree-helpers.js";

let dirs: TempDirs;
beforeEach(async () => {
  dirs = await createTempDirs();
  await writeFile(path.join(dirs.workspace, "a.txt"), "original\n");
});
afterEach(async () => {
  await dirs.cleanup();
});

// A parent directory swapped for a symlink between our lstat and open() makes the opened
// descriptor point somewhere else. We cannot win that race on demand in a test, so we show
// the check by telling the code the workspace lives elsewhere: the descriptor then points
// "outside", exactly as it would after a swap.
const linuxOnly = process.platform === "linux" ? test : test.skip;

linuxOnly("a descriptor that points outside the workspace is refused before anything is written", async () => {
  const workspace = { ...(await openWorkspace(dirs.workspace)), realRoot: dirs.outside };
  const rel = toWorkspacePath("a.txt");
  await expect(writeWorkspaceFile(workspace, rel, "pwned\n")).rejects.toThrow(
    new PatchApplyError("refusing to patch 'a.txt': it changed while being opened (a directory was replaced by a link)"),
  );
  await expect(readWorkspaceFile(workspace, rel)).rejects.toThrow(/it changed while being opened/);
  expect(await readFile(path.join(dirs.workspace, "a.txt"), "utf8")).toBe("original\n");
});

linuxOnly("reading a head or listing a directory through a descriptor that points outside gives nothing", async () => {
  await mkdir(path.join(dirs.workspace, "docs"));
  await writeFile(path.join(dirs.workspace, "docs", "AGENTS.md"), "rules\n");
  const honest = await openWorkspace(dirs.workspace);
  const swapped = { ...honest, realRoot: dirs.outside };
  expect(await readWorkspaceFileHead(honest, toWorkspacePath("docs/AGENTS.md"), 100)).toEqual({ text: "rules\n", truncated: false });
  expect(await listWorkspaceDirectory(honest, toWorkspacePath("docs"))).toEqual([{ name: "AGENTS.md", kind: "file" }]);
  expect(await readWorkspaceFileHead(swapped, toWorkspacePath("docs/AGENTS.md"), 100)).toBeUndefined();
  expect(await listWorkspaceDirectory(swapped, toWorkspacePath("docs"))).toEqual([]);
  expect(await listWorkspaceDirectory(swapped)).toEqual([]);
});

test("a listing names links as links and lists nothing through a linked directory", async () => {
  await writeFile(path.join(dirs.outside, "secret.txt"), "secret\n");
  await symlink(dirs.outside, path.join(dirs.workspace, "linked"));
  await symlink(path.join(dirs.outside, "secret.txt"), path.join(dirs.workspace, "link.txt"));
  const workspace = await openWorkspace(dirs.workspace);
  expect(await listWorkspaceDirectory(workspace)).toEqual([
    { name: "a.txt", kind: "file" },
    { name: "link.txt", kind: "other" },
    { name: "linked", kind: "other" },
  ]);
  expect(await listWorkspaceDirectory(workspace, toWorkspacePath("linked"))).toEqual([]);
  expect(await readWorkspaceFileHead(workspace, toWorkspacePath("link.txt"), 100)).toBeUndefined();
  expect(await readWorkspaceFileHead(workspace, toWorkspacePath("linked/secret.txt"), 100)).toBeUndefined();
});

test("writes go through when the descriptor is where it should be", async () => {
  const workspace = await openWorkspace(dirs.workspace);
  await writeWorkspaceFile(workspace, toWorkspacePath("a.txt"), "new\n");
  expect(await readWorkspaceFile(workspace, toWorkspacePath("a.txt"))).toEqual({ text: "new\n", mode: expect.any(Number) });
});

describe("toWorkspacePath", () => {
  test.each([
    ["./src//app.py", "src/app.py"],
    ["src/./app.py", "src/app.py"],
    ["docs/.github/x.yml", "docs/.github/x.yml"],
    [".gitignore", ".gitignore"],
  ])("'%s' becomes '%s'", (raw, expected) => {
    expect(toWorkspacePath(raw)).toBe(expected);
  });

  test.each([
    ["/etc/passwd", "absolute paths are not allowed"],
    ["C:/Windows/x", "absolute paths are not allowed"],
    ["~/.bashrc", "absolute paths are not allowed"],
    ["src\\..\\..\\x", "use '/' to separate directories"],
    ["a\0b", "it contains a NUL byte"],
    ["./", "it names no file"],
    ["a/../b", "'..' is not allowed"],
    [".git", "'.git' is managed by the host"],
    ["vendor/lib/.Git/HEAD", "'.git' is managed by the host"],
  ])("'%s' is refused: %s", (raw, reason) => {
    expect(() => toWorkspacePath(raw)).toThrow(PatchApplyError);
    expect(() => toWorkspacePath(raw)).toThrow(reason);
  });
});

// The bot (root) edits a work tree that belongs to the sandbox user: what it creates must be that
// user's, or the sandbox could not change the file nor add to the directory afterwards.
const asRoot = process.getuid?.() === 0 ? test : test.skip;
asRoot("files and directories a patch creates belong to the work tree's owner; existing ones keep theirs", async () => {
  const owner = { uid: 65534, gid: 65534 };
  await chown(dirs.workspace, owner.uid, owner.gid);
  const workspace = await openWorkspace(dirs.workspace);
  await writeWorkspaceFile(workspace, toWorkspacePath("src/new/b.txt"), "b\n");
  await writeWorkspaceFile(workspace, toWorkspacePath("a.txt"), "changed\n");
  for (const rel of ["src", "src/new", "src/new/b.txt"]) {
    const info = await lstat(path.join(dirs.workspace, rel));
    expect([rel, info.uid, info.gid]).toEqual([rel, owner.uid, owner.gid]);
  }
  // a.txt was made by the test (root) before the tree was handed over; writing it hands it over too.
  expect((await lstat(path.join(dirs.workspace, "a.txt"))).uid).toBe(owner.uid);
});

asRoot("in a work tree the bot owns itself, nothing changes hands", async () => {
  const workspace = await openWorkspace(dirs.workspace);
  expect(workspace.owner).toBeUndefined();
  await writeWorkspaceFile(workspace, toWorkspacePath("d/c.txt"), "c\n");
  expect((await lstat(path.join(dirs.workspace, "d/c.txt"))).uid).toBe(0);
});
