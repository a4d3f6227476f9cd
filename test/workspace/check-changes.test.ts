import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { checkOutgoingChanges } from "../../src/workspace/check-changes.js";
import { stageAll } from "../../src/workspace/task-workspace.js";
import { runGitOrThrow } from "../fakes/github/git.js";
import { createScratchWorkspace, type ScratchWorkspace } from "./scratch-workspace.js";

describe("checkOutgoingChanges: what may leave the sandbox (real git, staged objects)", () => {
  let ws: ScratchWorkspace;
  const policy = { allowWorkflowChanges: false, maxFileBytes: 1024, secrets: ["ghs_installation_token_value"] };
  const write = async (path: string, content: string | Buffer) => {
    await mkdir(join(ws.workTree, path, ".."), { recursive: true });
    await writeFile(join(ws.workTree, path), content);
  };
  const check = async (p = policy) => checkOutgoingChanges(ws, (await stageAll(ws)).changes, p);
  afterEach(async () => ws.remove());

  test("an ordinary change passes", async () => {
    ws = await createScratchWorkspace({ "a.txt": "a\n" });
    await write("a.txt", "hello\n");
    expect(await check()).toEqual([]);
  });

  test("workflow files are refused unless allowed, even deletions", async () => {
    ws = await createScratchWorkspace({ ".github/workflows/old.yml": "on: push\n" });
    await write(".github/workflows/ci.yml", "on: push\n");
    await rm(join(ws.workTree, ".github/workflows/old.yml"));
    expect(await check()).toEqual([expect.stringMatching(/ci\.yml.*workflow/), expect.stringMatching(/old\.yml.*workflow/)]);
    expect(await check({ ...policy, allowWorkflowChanges: true })).toEqual([]);
  });

  test("files over the size cap are refused", async () => {
    ws = await createScratchWorkspace({});
    await write("big.bin", Buffer.alloc(2048));
    expect(await check()).toEqual([expect.stringMatching(/big\.bin.*2048 bytes.*1024-byte limit/)]);
  });

  test("a known secret in a file or a symlink target is refused", async () => {
    ws = await createScratchWorkspace({});
    await write("leak.txt", "token=ghs_installation_token_value\n");
    await symlink("/ghs_installation_token_value", join(ws.workTree, "link"));
    expect(await check()).toEqual([expect.stringMatching(/leak\.txt.*secret/), expect.stringMatching(/link.*secret/)]);
  });

  test("a secret in UTF-16 or base64, at any alignment, is refused too", async () => {
    ws = await createScratchWorkspace({});
    // Were work-tree attributes honoured, git would store this file as UTF-8, with the token readable.
    await write(".gitattributes", "*.txt working-tree-encoding=UTF-16LE\n");
    await write("notes.txt", Buffer.from("ghs_installation_token_value\n", "utf16le"));
    await write("be.bin", Buffer.from("ghs_installation_token_value", "utf16le").swap16());
    for (const prefix of ["", "x", "xy"]) await write(`b64-${prefix.length}.txt`, `k=${Buffer.from(`${prefix}ghs_installation_token_value!`).toString("base64")}\n`);
    await write("clean.txt", Buffer.from("ghs_installation_token_valuf\n", "utf16le"));
    expect((await check()).sort()).toEqual(["b64-0.txt", "b64-1.txt", "b64-2.txt", "be.bin", "notes.txt"].map((f) => expect.stringContaining(`\`${f}\` contains a secret value`)));
  });

  test("a gitlink the agent's tree would add is refused", async () => {
    ws = await createScratchWorkspace({ "a.txt": "a\n" });
    // Staged behind stageAll's back, as only a nested repository could make host git do.
    const env = { GIT_DIR: ws.gitDir, GIT_WORK_TREE: ws.workTree };
    await runGitOrThrow(["update-index", "--add", "--cacheinfo", `160000,${ws.baseSha},vendor/lib`], ws.workTree, env);
    const changes = (await runGitOrThrow(["diff", "--cached", "--raw", "--no-abbrev", ws.baseSha], ws.workTree, env)).trim();
    expect(changes).toMatch(/^:000000 160000 /);
    const [, mode, , object] = changes.split(" ");
    expect(await checkOutgoingChanges(ws, [{ status: "A", path: "vendor/lib", mode: mode!, object: object! }], policy)).toEqual([expect.stringMatching(/vendor\/lib.*submodule/)]);
  });
});
