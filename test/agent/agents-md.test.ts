import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENTS_MD_MAX_BYTES_PER_FILE, collectAgentsMd as collectFrom } from "../../src/agent/agents-md.js";
import { openWorkspaceFiles } from "../../src/workspace/open-workspace-files.js";

/** Through the host's file editor, as the runner does. */
const collectAgentsMd = async (dir: string) => collectFrom(await openWorkspaceFiles(dir));

describe("collectAgentsMd", () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "agents-"));
    outside = mkdtempSync(join(tmpdir(), "outside-"));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test("root first, then nested; node_modules and .git skipped", async () => {
    mkdirSync(join(root, "pkg/sub"), { recursive: true });
    mkdirSync(join(root, "node_modules/dep"), { recursive: true });
    writeFileSync(join(root, "AGENTS.md"), "root rules");
    writeFileSync(join(root, "pkg/sub/AGENTS.md"), "sub rules");
    writeFileSync(join(root, "node_modules/dep/AGENTS.md"), "dependency rules");
    expect((await collectAgentsMd(root)).map((f) => [f.path, f.text])).toEqual([["AGENTS.md", "root rules"], ["pkg/sub/AGENTS.md", "sub rules"]]);
  });

  test("symlinks are never followed: a link to a host file does not reach the model", async () => {
    writeFileSync(join(outside, "secret"), "HOST SECRET");
    symlinkSync(join(outside, "secret"), join(root, "AGENTS.md"));
    symlinkSync(outside, join(root, "linked-dir"));
    writeFileSync(join(outside, "AGENTS.md"), "HOST SECRET TOO");
    expect(await collectAgentsMd(root)).toEqual([]);
  });

  test("large files are truncated and say so", async () => {
    writeFileSync(join(root, "AGENTS.md"), "x".repeat(AGENTS_MD_MAX_BYTES_PER_FILE + 100));
    const [file] = await collectAgentsMd(root);
    expect(file!.text).toHaveLength(AGENTS_MD_MAX_BYTES_PER_FILE);
    expect(file!.truncated).toBe(true);
  });
});
