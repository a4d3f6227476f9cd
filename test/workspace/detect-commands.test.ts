import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectSetupCommands, detectTestCommand } from "../../src/workspace/detect-commands.js";

describe("detectSetupCommands", () => {
  let workTree: string;
  beforeEach(async () => (workTree = await mkdtemp(join(tmpdir(), "codex-detect-"))));
  afterEach(() => rm(workTree, { recursive: true, force: true }));

  test("python installs into a .venv in the work tree, which outlives the command (HOME does not)", async () => {
    await writeFile(join(workTree, "requirements.txt"), "requests==2.32.0\n");
    expect(await detectSetupCommands(workTree)).toEqual(["python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"]);
  });

  test("pytest runs with the .venv's python once setup made one", async () => {
    await writeFile(join(workTree, "pyproject.toml"), "[project]\nname = 'x'\n");
    expect(await detectTestCommand(workTree)).toBe("python3 -m pytest -q");
    await mkdir(join(workTree, ".venv"));
    await writeFile(join(workTree, ".venv", "pyvenv.cfg"), "home = /usr/bin\n");
    expect(await detectTestCommand(workTree)).toBe(".venv/bin/python -m pytest -q");
  });

  test("npm with a lockfile uses npm ci", async () => {
    await writeFile(join(workTree, "package-lock.json"), "{}\n");
    expect(await detectSetupCommands(workTree)).toEqual(["npm ci --no-audit --no-fund"]);
  });
});
