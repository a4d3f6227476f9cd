import { existsSync, readdirSync } from "node:fs";
import { chmod, cp, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { applyPatch, PatchApplyError, PatchError, PatchParseError } from "../../../src/agent/patch/index.js";
import { openWorkspaceFiles } from "../../../src/workspace/open-workspace-files.js";
import { createTempDirs, patchText, readTree, type TempDirs } from "../../helpers/tree-helpers.js";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/patches");
const CASES = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

let dirs: TempDirs;
beforeEach(async () => {
  dirs = await createTempDirs();
});
afterEach(async () => {
  await dirs.cleanup();
});

async function writeFiles(files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dirs.workspace, rel)), { recursive: true });
    await writeFile(path.join(dirs.workspace, rel), text);
  }
}

async function applyError(patch: string): Promise<PatchError> {
  const error: unknown = await applyPatch(await openWorkspaceFiles(dirs.workspace), patch).then(
    () => new Error("expected applyPatch to fail"),
    (thrown: unknown) => thrown,
  );
  if (error instanceof PatchError) return error;
  throw error;
}

describe("applyPatch fixtures: before/ + patch.txt = after/", () => {
  test("the fixture set covers every required case", () => {
    expect(CASES).toEqual(
      expect.arrayContaining([
        "add-file", "delete-file", "update-with-context", "multi-hunk", "rename-move",
        "fuzzy-trailing-whitespace", "fuzzy-indentation", "unicode-punctuation", "crlf-file-preserved",
        "no-trailing-newline", "eof-anchored-hunk", "nested-new-directory",
      ]),
    );
  });

  test.each(CASES)("%s", async (name) => {
    const before = path.join(FIXTURES, name, "before");
    const expected = await readTree(path.join(FIXTURES, name, "after"));
    // A fixture whose patch changes nothing would pass against an engine that does nothing.
    expect(await readTree(before)).not.toEqual(expected);
    // git keeps no empty directories, so a case may have no before/ at all.
    if (existsSync(before)) await cp(before, dirs.workspace, { recursive: true });

    await applyPatch(await openWorkspaceFiles(dirs.workspace), await readFile(path.join(FIXTURES, name, "patch.txt"), "utf8"));

    expect(await readTree(dirs.workspace)).toEqual(expected);
  });
});

describe("applyPatch results and errors", () => {
  test("reports added, modified (a move names its destination) and deleted paths like Codex", async () => {
    await writeFiles({ "a.txt": "a\n", "b.txt": "b\n", "gone.txt": "x\n" });
    const result = await applyPatch(
      await openWorkspaceFiles(dirs.workspace),
      patchText(
        "*** Begin Patch",
        "*** Add File: ./new//n.txt",
        "+n",
        "*** Update File: a.txt",
        "@@",
        "-a",
        "+A",
        "*** Update File: b.txt",
        "*** Move to: moved/b.txt",
        "*** Delete File: gone.txt",
        "*** End Patch",
      ),
    );
    expect(result).toEqual({
      added: ["new/n.txt"],
      modified: ["a.txt", "moved/b.txt"],
      deleted: ["gone.txt"],
      summary: "Success. Updated the following files:\nA new/n.txt\nM a.txt\nM moved/b.txt\nD gone.txt",
    });
    expect(await readTree(dirs.workspace)).toEqual({ "a.txt": "A\n", "moved/b.txt": "b\n", "new/n.txt": "n\n" });
  });

  test("a hunk that does not match says which hunk, shows the lines and asks for a re-read", async () => {
    await writeFiles({ "src/app.py": "def greet():\n    print('hi')\n\n\ndef main():\n    greet()\n" });
    const error = await applyError(
      patchText(
        "*** Begin Patch",
        "*** Update File: src/app.py",
        "@@ def greet():",
        "-    print('hi')",
        "+    print('hello')",
        "@@",
        " def main():",
        "-    greet(name)",
        "+    greet('you')",
        "*** End Patch",
      ),
    );
    expect(error).toBeInstanceOf(PatchApplyError);
    expect(error.message).toBe(
      "hunk 2 of src/app.py: could not find the lines below after line 2; " +
        "re-read the file and retry with context lines copied from it:\n def main():\n-    greet(name)",
    );
    expect(await readFile(path.join(dirs.workspace, "src/app.py"), "utf8")).toContain("print('hi')");
  });

  test("an '@@ header' that is not in the file is named", async () => {
    await writeFiles({ "a.py": "x = 1\n" });
    const error = await applyError(patchText("*** Begin Patch", "*** Update File: a.py", "@@ def nowhere():", "-x = 1", "+x = 2", "*** End Patch"));
    expect(error.message).toBe("hunk 1 of a.py: could not find the line '@@ def nowhere():'; re-read the file and retry");
  });

  test("hunks given out of file order are explained", async () => {
    await writeFiles({ "a.txt": "one\ntwo\nthree\n" });
    const error = await applyError(
      patchText("*** Begin Patch", "*** Update File: a.txt", "@@", "-three", "+3", "@@", "-one", "+1", "*** End Patch"),
    );
    expect(error.message).toContain("after line 3 (they appear earlier, at line 1: hunks must follow the order of the file)");
  });

  test("all or nothing: when a later operation fails, earlier ones leave no trace", async () => {
    await writeFiles({ "a.txt": "a\n", "b.txt": "b\n" });
    const error = await applyError(
      patchText(
        "*** Begin Patch",
        "*** Add File: created/c.txt",
        "+c",
        "*** Update File: a.txt",
        "@@",
        "-a",
        "+A",
        "*** Delete File: b.txt",
        "*** Update File: b.txt",
        "@@",
        "-b",
        "+B",
        "*** End Patch",
      ),
    );
    expect(error.message).toBe("b.txt: file does not exist (an earlier part of this patch deletes or moves it)");
    expect(await readTree(dirs.workspace)).toEqual({ "a.txt": "a\n", "b.txt": "b\n" });
  });

  test("updating or deleting a missing file is an error the model can act on", async () => {
    const update = await applyError(patchText("*** Begin Patch", "*** Update File: nope.txt", "@@", "-a", "+b", "*** End Patch"));
    expect(update.message).toBe("nope.txt: file does not exist; use '*** Add File:' to create it");
    const remove = await applyError(patchText("*** Begin Patch", "*** Delete File: nope.txt", "*** End Patch"));
    expect(remove.message).toBe("nope.txt: cannot delete a file that does not exist");
  });

  test("a malformed patch throws PatchParseError before touching the disk", async () => {
    const error = await applyError(patchText("*** Begin Patch", "*** Add File: a.txt", "+a"));
    expect(error).toBeInstanceOf(PatchParseError);
    expect(await readTree(dirs.workspace)).toEqual({});
  });

  test("a moved file keeps its permission bits", async () => {
    await writeFiles({ "run.sh": "#!/bin/sh\necho hi\n" });
    await chmod(path.join(dirs.workspace, "run.sh"), 0o755);
    await applyPatch(await openWorkspaceFiles(dirs.workspace), patchText("*** Begin Patch", "*** Update File: run.sh", "*** Move to: bin/run.sh", "*** End Patch"));
    expect((await stat(path.join(dirs.workspace, "bin/run.sh"))).mode & 0o777).toBe(0o755);
    expect(await readTree(dirs.workspace)).toEqual({ "bin/run.sh": "#!/bin/sh\necho hi\n" });
  });

  test("one patch cannot make a path both a file and a directory", async () => {
    const error = await applyError(patchText("*** Begin Patch", "*** Add File: a", "+x", "*** Add File: a/b", "+y", "*** End Patch"));
    expect(error.message).toBe("'a' cannot be a file and also the directory of 'a/b'");
    expect(await readTree(dirs.workspace)).toEqual({});
  });
});
