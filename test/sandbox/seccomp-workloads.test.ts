// The seccomp filter leaves real work alone: installs and test runs of the usual toolchains pass
// in real sandboxes under it (Node and npm, Python with pip and pytest, Go, git, gcc/g++ with make),
// each run checking that the filter is on. The toolchains are Debian's, from /usr (.ci/run installs
// them); only npm ci reaches a network, the registry's, from the setup sandbox.
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { createSandbox } from "../../src/sandbox/run-in-sandbox.js";
import type { SandboxOptions } from "../../src/sandbox/types.js";
import { createTempDirs } from "./sandbox-test-helpers.js";

const FIXTURES = new URL("../fixtures/seccomp-workloads/", import.meta.url).pathname;
const WORKLOAD_TIMEOUT_MS = 300_000;
const FILTER_ON = "grep -q '^Seccomp:.2$' /proc/self/status || { echo 'no seccomp filter'; exit 99; }";

const tempDirs = createTempDirs();
afterAll(() => tempDirs.removeAll());

/** A workspace holding a copy of the fixture `name`. */
async function workspaceWith(name: string): Promise<string> {
  const workspace = await tempDirs.make();
  await cp(join(FIXTURES, name), workspace, { recursive: true });
  return workspace;
}

async function run(workspace: string, command: string, options: Partial<SandboxOptions> = {}) {
  const result = await createSandbox({ workspace, network: false, ...options }).run(`${FILTER_ON}; ${command}`, { timeoutMs: WORKLOAD_TIMEOUT_MS });
  return { exitCode: result.exitCode, output: result.output };
}

test(
  "npm ci in the setup sandbox (network), then npm test in the agent sandbox, with the system's node",
  async () => {
    const workspace = await workspaceWith("node");
    const install = await run(workspace, "node --version && npm ci --no-audit --no-fund", { network: true });
    expect(install).toMatchObject({ exitCode: 0, output: expect.stringMatching(/^v\d+\.[^]*added 2 packages/) });
    expect(await run(workspace, "npm test --silent")).toEqual({ exitCode: 0, output: "node tests passed\n" });
  },
  WORKLOAD_TIMEOUT_MS,
);

test(
  "pip installs a local package into a venv, and pytest runs its tests",
  async () => {
    const workspace = await workspaceWith("python");
    // --system-site-packages: Debian's pytest and wheel, as there is no index to install them from.
    const command = [
      "python3 -m venv --system-site-packages venv",
      "venv/bin/pip install --quiet --no-index --no-build-isolation ./pkg",
      "venv/bin/python -m pytest -q -p no:cacheprovider tests",
    ].join(" && ");
    const result = await run(workspace, command);
    expect(result).toMatchObject({ exitCode: 0, output: expect.stringMatching(/3 passed/) });
  },
  WORKLOAD_TIMEOUT_MS,
);

test(
  "go test builds and runs a module's tests, offline",
  async () => {
    const workspace = await workspaceWith("go");
    const env = { GOFLAGS: "-mod=mod", GOPROXY: "off", GOCACHE: "/workspace/.cache/go-build", GOPATH: "/workspace/.cache/go" };
    const result = await run(workspace, "go test -count=1 ./...", { env });
    expect(result).toMatchObject({ exitCode: 0, output: expect.stringMatching(/^ok\s+example\.com\/tinycalc/m) });
  },
  WORKLOAD_TIMEOUT_MS,
);

test(
  "git: init, commit, branch, merge, log",
  async () => {
    const workspace = await tempDirs.make();
    const command = [
      "git init -q -b main repo && cd repo",
      "git config user.email t@example.com && git config user.name T",
      "echo a > a.txt && git add a.txt && git commit -qm first",
      "git switch -qc topic && echo b > b.txt && git add b.txt && git commit -qm second",
      "git switch -q main && git merge -q --no-edit topic && git gc -q",
      "git log --format=%s",
    ].join(" && ");
    expect(await run(workspace, command)).toEqual({ exitCode: 0, output: "second\nfirst\n" });
  },
  WORKLOAD_TIMEOUT_MS,
);

test(
  "make builds and runs a C and a C++ program with gcc and g++ (threads, fork)",
  async () => {
    const workspace = await workspaceWith("c");
    const result = await run(workspace, "make --no-print-directory -s");
    expect(result).toEqual({ exitCode: 0, output: "c: thread 42, child exit 3\nc++: async 42, cores known\n" });
  },
  WORKLOAD_TIMEOUT_MS,
);
