import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { createSandbox } from "../../src/sandbox/run-in-sandbox.js";
import type { SandboxOptions } from "../../src/sandbox/types.js";
import { createTempDirs } from "./sandbox-test-helpers.js";

const tempDirs = createTempDirs();
let workspace: string;
const NO_CGROUPS = "/nonexistent-cgroup-root";
const MIB = 1024 * 1024;
// bash holds a 300 MB string in memory.
const ALLOCATE_300_MB = "s=$(head -c 300000000 /dev/zero | tr '\\0' x); echo \"allocated ${#s}\"";

beforeEach(async () => {
  workspace = await tempDirs.make();
});
afterAll(() => tempDirs.removeAll());

function sandboxFor(overrides: Partial<SandboxOptions> = {}) {
  return createSandbox({ workspace, network: false, ...overrides });
}

describe("createSandbox: resource limits", () => {
  test("a file cannot grow past maxFileSizeBytes", async () => {
    const result = await sandboxFor({ limits: { maxFileSizeBytes: 1 * MIB } }).run("head -c 3000000 /dev/zero > big");
    expect(result.exitCode).not.toBe(0);
    expect((await stat(join(workspace, "big"))).size).toBe(1 * MIB);
  });

  test("open files are capped and the command cannot raise the cap", async () => {
    const result = await sandboxFor({ limits: { maxOpenFiles: 64 } }).run("ulimit -n; ulimit -n 100000; ulimit -Hn");
    expect(result.output).toMatch(/^64\n.*cannot modify limit.*\n64\n$/s);
  });

  test("without cgroups, maxVirtualMemoryBytes stops a large allocation", async () => {
    const sandbox = sandboxFor({ cgroupRoot: NO_CGROUPS, limits: { maxVirtualMemoryBytes: 128 * MIB } });
    const result = await sandbox.run(ALLOCATE_300_MB);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).not.toContain("allocated");
  }, 30_000);

  test("with the memory cgroup, maxMemoryBytes bounds the sandbox", async () => {
    const result = await sandboxFor({ limits: { maxMemoryBytes: 64 * MIB } }).run(ALLOCATE_300_MB);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).not.toContain("allocated");
  }, 30_000);

  test("with the memory cgroup, the address space is not capped: V8 reserves more than it uses", async () => {
    const result = await sandboxFor().run("ulimit -v");
    expect(result.output).toBe("unlimited\n");
  });

  const testIfNode = existsSync("/usr/bin/node") ? test : test.skip;
  testIfNode("Node's WebAssembly works under the default limits", async () => {
    const result = await sandboxFor().run(`node -e 'new WebAssembly.Memory({ initial: 1 }); console.log("wasm ok")'`);
    expect(result.output).toBe("wasm ok\n");
  });

  test("with default limits the same allocation succeeds (so the two tests above can fail)", async () => {
    const result = await sandboxFor().run(ALLOCATE_300_MB);
    expect(result.output).toBe("allocated 300000000\n");
  }, 30_000);

  test("a tmpfs cannot grow past tmpfsSizeBytes", async () => {
    const result = await sandboxFor({ limits: { tmpfsSizeBytes: 1 * MIB } }).run(
      "head -c 3000000 /dev/zero > /tmp/fill; echo tmp=$?; head -c 3000000 /dev/zero > ~/fill; echo home=$?",
    );
    expect(result.output).toMatch(/No space left on device/);
    expect(result.output).toMatch(/tmp=1\n/);
    expect(result.output).toMatch(/home=1\n/);
  });
});
