import { existsSync } from "node:fs";
import { link, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { applyPatch, PatchApplyError } from "../../src/agent/patch/index.js";
import { openWorkspaceFiles } from "../../src/workspace/open-workspace-files.js";
import { MAX_PATCHABLE_FILE_BYTES } from "../../src/workspace/workspace-fs.js";
import { createTempDirs, patchText, readTree, type TempDirs } from "../helpers/tree-helpers.js";

// The workspace is written by an untrusted agent and this code runs on the host: no patch
// may read or write anything outside the workspace, or inside the host-managed .git.

let dirs: TempDirs;
beforeEach(async () => {
  dirs = await createTempDirs();
  await writeFile(path.join(dirs.outside, "secret.txt"), "secret\n");
});
afterEach(async () => {
  await dirs.cleanup();
});

async function refusal(patch: string, workspace = dirs.workspace): Promise<string> {
  const error: unknown = await openWorkspaceFiles(workspace).then((files) => applyPatch(files, patch)).then(
    () => new Error("expected applyPatch to refuse the patch"),
    (thrown: unknown) => thrown,
  );
  if (error instanceof PatchApplyError) return error.message;
  throw error;
}

const addFile = (file: string): string => patchText("*** Begin Patch", `*** Add File: ${file}`, "+pwned", "*** End Patch");
const updateSecret = (file: string): string =>
  patchText("*** Begin Patch", `*** Update File: ${file}`, "@@", "-secret", "+pwned", "*** End Patch");
const deleteFile = (file: string): string => patchText("*** Begin Patch", `*** Delete File: ${file}`, "*** End Patch");

async function expectOutsideUntouched(): Promise<void> {
  expect(await readTree(dirs.outside)).toEqual({ "secret.txt": "secret\n" });
}

test("an absolute path is refused", async () => {
  const target = path.join(dirs.outside, "pwned.txt");
  expect(await refusal(addFile(target))).toBe(
    `refusing path '${target}': absolute paths are not allowed; use a path relative to the repository root`,
  );
  expect(await refusal(updateSecret(path.join(dirs.outside, "secret.txt")))).toMatch(/absolute paths are not allowed/);
  await expectOutsideUntouched();
});

test.each(["../outside/pwned.txt", "a/../../outside/pwned.txt", "./../outside/pwned.txt"])("'%s' is refused", async (file) => {
  expect(await refusal(addFile(file))).toBe(
    `refusing path '${file}': '..' is not allowed; use a path relative to the repository root`,
  );
  await expectOutsideUntouched();
  expect(await readTree(dirs.workspace)).toEqual({});
});

test("a move whose destination escapes is refused before anything is written", async () => {
  await writeFile(path.join(dirs.workspace, "a.txt"), "a\n");
  const patch = patchText("*** Begin Patch", "*** Update File: a.txt", "*** Move to: ../outside/a.txt", "*** End Patch");
  expect(await refusal(patch)).toMatch(/^refusing path '\.\.\/outside\/a\.txt'/);
  expect(await readTree(dirs.workspace)).toEqual({ "a.txt": "a\n" });
  await expectOutsideUntouched();
});

describe("a symlink to a file outside the workspace", () => {
  beforeEach(async () => {
    await symlink(path.join(dirs.outside, "secret.txt"), path.join(dirs.workspace, "link.txt"));
  });

  test.each([
    ["update", updateSecret("link.txt")],
    ["add over it", addFile("link.txt")],
    ["delete", deleteFile("link.txt")],
  ])("%s is refused and the outside file is unchanged", async (_name, patch) => {
    expect(await refusal(patch)).toBe(
      "refusing to patch 'link.txt': 'link.txt' is a symbolic link; patches never follow symbolic links",
    );
    await expectOutsideUntouched();
    expect(existsSync(path.join(dirs.workspace, "link.txt"))).toBe(true);
  });
});

test("a symlinked parent directory is refused for reads and writes", async () => {
  await symlink(dirs.outside, path.join(dirs.workspace, "dir"));
  const expected = "refusing to patch 'dir/secret.txt': 'dir' is a symbolic link; patches never follow symbolic links";
  expect(await refusal(updateSecret("dir/secret.txt"))).toBe(expected);
  expect(await refusal(addFile("dir/sub/new.txt"))).toMatch(/'dir' is a symbolic link/);
  await expectOutsideUntouched();
});

test("a symlink deeper in the path is refused too", async () => {
  await mkdir(path.join(dirs.workspace, "src"));
  await symlink(dirs.outside, path.join(dirs.workspace, "src", "lib"));
  expect(await refusal(addFile("src/lib/new.txt"))).toMatch(/'src\/lib' is a symbolic link/);
  await expectOutsideUntouched();
});

test("a workspace directory that is itself a symlink is refused", async () => {
  const linkedWorkspace = path.join(path.dirname(dirs.workspace), "linked-workspace");
  await symlink(dirs.outside, linkedWorkspace);
  expect(await refusal(updateSecret("secret.txt"), linkedWorkspace)).toBe(
    `workspace ${linkedWorkspace} is not a directory (symbolic links are refused)`,
  );
  await expectOutsideUntouched();
});

test.each([
  [".git/config", updateSecret(".git/config")],
  [".git/hooks/pre-commit", addFile(".git/hooks/pre-commit")],
  ["sub/.GIT/config", addFile("sub/.GIT/config")],
])("%s is refused: the host manages the git directory", async (file, patch) => {
  await mkdir(path.join(dirs.workspace, ".git"));
  await writeFile(path.join(dirs.workspace, ".git", "config"), "secret\n");
  expect(await refusal(patch)).toBe(`refusing path '${file}': '.git' is managed by the host and cannot be patched`);
  expect(await readTree(dirs.workspace)).toEqual({ ".git/config": "secret\n" });
});

test("a hard link to a file outside is not written through", async () => {
  await link(path.join(dirs.outside, "secret.txt"), path.join(dirs.workspace, "hard.txt"));
  expect(await refusal(updateSecret("hard.txt"))).toBe("refusing to patch 'hard.txt': it has 2 hard links");
  expect(await refusal(addFile("hard.txt"))).toBe("refusing to patch 'hard.txt': it has 2 hard links");
  await expectOutsideUntouched();
});

test("a directory is not a file to update, delete or overwrite", async () => {
  await mkdir(path.join(dirs.workspace, "dir"));
  const expected = "refusing to patch 'dir': it is not a regular file";
  expect(await refusal(updateSecret("dir"))).toBe(expected);
  expect(await refusal(deleteFile("dir"))).toBe(expected);
  expect(await refusal(addFile("dir"))).toBe(expected);
});

test("a file larger than the limit is not patched", async () => {
  await writeFile(path.join(dirs.workspace, "big.txt"), `secret\n${"x".repeat(MAX_PATCHABLE_FILE_BYTES)}`);
  expect(await refusal(updateSecret("big.txt"))).toBe(
    "refusing to patch 'big.txt': it is 10.0 MiB; apply_patch edits files up to 10 MiB",
  );
});

test("binary and non-UTF-8 files are not patched (rewriting them would corrupt them)", async () => {
  await writeFile(path.join(dirs.workspace, "nul.bin"), Buffer.from("secret\n\0\n"));
  await writeFile(path.join(dirs.workspace, "latin1.txt"), Buffer.from([0x73, 0xe9, 0x0a]));
  expect(await refusal(updateSecret("nul.bin"))).toBe("refusing to patch 'nul.bin': it looks like a binary file");
  expect(await refusal(updateSecret("latin1.txt"))).toBe("refusing to patch 'latin1.txt': it is not UTF-8 text");
  expect(await readFile(path.join(dirs.workspace, "latin1.txt"))).toEqual(Buffer.from([0x73, 0xe9, 0x0a]));
});
