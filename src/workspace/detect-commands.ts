import { constants } from "node:fs";
import { lstat, open } from "node:fs/promises";
import { join } from "node:path";

/** True when `name` is a regular file in the work tree (a symlink does not count). */
async function hasFile(workTree: string, name: string): Promise<boolean> {
  return (await lstat(join(workTree, name)).catch(() => null))?.isFile() ?? false;
}

async function readSmallFile(workTree: string, name: string): Promise<string | null> {
  if (!(await hasFile(workTree, name))) return null;
  const handle = await open(join(workTree, name), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buffer = Buffer.alloc(256 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}

/** Dependency installs for the setup phase, guessed from lockfiles when the config names none. */
export async function detectSetupCommands(workTree: string): Promise<string[]> {
  if (await hasFile(workTree, "package-lock.json")) return ["npm ci --no-audit --no-fund"];
  if (await hasFile(workTree, "pnpm-lock.yaml")) return ["pnpm install --frozen-lockfile"];
  if (await hasFile(workTree, "yarn.lock")) return ["yarn install --frozen-lockfile"];
  if (await hasFile(workTree, "package.json")) return ["npm install --no-audit --no-fund"];
  // Into the work tree: HOME in the sandbox is a fresh tmpfs for every command, so `pip install
  // --user` would be gone before the agent ran; a .venv also lands in the dependency cache.
  if (await hasFile(workTree, "requirements.txt")) return ["python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"];
  if (await hasFile(workTree, "go.mod")) return ["go mod download"];
  if (await hasFile(workTree, "Cargo.lock")) return ["cargo fetch --locked"];
  return [];
}

/** npm's placeholder test script fails on purpose; it is not a test suite. */
const NPM_PLACEHOLDER_TEST = /no test specified/;

/** The verification command, guessed from the project's files when the config names none. */
export async function detectTestCommand(workTree: string): Promise<string | undefined> {
  const pkg = await readSmallFile(workTree, "package.json");
  if (pkg) {
    try {
      const test = (JSON.parse(pkg) as { scripts?: Record<string, string> }).scripts?.test;
      if (test && !NPM_PLACEHOLDER_TEST.test(test)) return "npm test";
    } catch {
      // An unparsable package.json is the agent's or the repo's problem, not a reason to fail here.
    }
  }
  if ((await hasFile(workTree, "pytest.ini")) || (await hasFile(workTree, "pyproject.toml")) || (await hasFile(workTree, "setup.cfg"))) {
    // The detected setup installs into .venv (see detectSetupCommands); its python sees those packages.
    return (await hasFile(workTree, ".venv/pyvenv.cfg")) ? ".venv/bin/python -m pytest -q" : "python3 -m pytest -q";
  }
  if (await hasFile(workTree, "go.mod")) return "go test ./...";
  if (await hasFile(workTree, "Cargo.toml")) return "cargo test";
  const makefile = await readSmallFile(workTree, "Makefile");
  if (makefile && /^test:/m.test(makefile)) return "make test";
  return undefined;
}
