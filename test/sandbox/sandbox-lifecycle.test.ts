import { setTimeout as sleep } from "node:timers/promises";
import { createSandbox, SPAWN_FAILURE_EXIT_CODE, TIMEOUT_EXIT_CODE } from "../../src/sandbox/run-in-sandbox.js";
import type { SandboxOptions } from "../../src/sandbox/types.js";
import {
  createTempDirs,
  findHostProcesses,
  killHostProcesses,
  uniqueSleepDuration,
  waitForNoHostProcesses,
} from "./sandbox-test-helpers.js";

const tempDirs = createTempDirs();
let workspace: string;
// A directory with no cgroup controllers: runs rely on bwrap alone, as on a cgroup v2 host.
const NO_CGROUPS = "/nonexistent-cgroup-root";

beforeEach(async () => {
  workspace = await tempDirs.make();
});
afterAll(() => tempDirs.removeAll());

function sandboxFor(overrides: Partial<SandboxOptions> = {}) {
  return createSandbox({ workspace, network: false, ...overrides });
}

describe("createSandbox: timeouts", () => {
  test("a timeout kills background jobs and setsid children, and nothing survives on the host", async () => {
    const duration = uniqueSleepDuration();
    try {
      const sandbox = sandboxFor({ cgroupRoot: NO_CGROUPS });
      const result = await sandbox.run(`sleep ${duration} & setsid sleep ${duration} & echo started; wait`, { timeoutMs: 1_500 });
      expect(result).toMatchObject({ exitCode: TIMEOUT_EXIT_CODE, timedOut: true, output: "started\n" });
      expect(result.durationMs).toBeLessThan(10_000);
      expect(await waitForNoHostProcesses(duration, 1_000)).toEqual([]);
    } finally {
      await killHostProcesses(duration);
    }
  });

  test("background jobs die when the command ends", async () => {
    const duration = uniqueSleepDuration();
    try {
      const result = await sandboxFor({ cgroupRoot: NO_CGROUPS }).run(`setsid sleep ${duration} & echo left`);
      expect(result).toMatchObject({ exitCode: 0, timedOut: false, output: "left\n" });
      expect(await waitForNoHostProcesses(duration, 1_000)).toEqual([]);
    } finally {
      await killHostProcesses(duration);
    }
  });
});

describe("createSandbox: output", () => {
  test("200 MB of output come back truncated, fully counted, quickly", async () => {
    const result = await sandboxFor().run("yes 0123456789 | head -c 200000000; echo END", { outputLimitBytes: 100_000 });
    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.totalBytes).toBe(200_000_004);
    expect(result.output.length).toBeLessThan(100_100);
    expect(result.output).toMatch(/^0123456789\n/);
    expect(result.output).toMatch(/\[\.\.\. 199900004 bytes omitted \.\.\.\]\n.*END\n$/s);
    expect(result.durationMs).toBeLessThan(20_000);
  }, 60_000);

  test("stdout and stderr are combined in the order they were written", async () => {
    const result = await sandboxFor().run("for i in $(seq 200); do echo out$i; echo err$i >&2; done");
    const expected = Array.from({ length: 200 }, (_, i) => `out${i + 1}\nerr${i + 1}\n`).join("");
    expect(result.output).toBe(expected);
  });
});

describe("createSandbox: process limit", () => {
  test("2000 background processes are held to maxProcesses and all die afterwards", async () => {
    const duration = uniqueSleepDuration();
    let peak = 0;
    let running = true;
    const watch = (async () => {
      while (running) {
        peak = Math.max(peak, (await findHostProcesses(duration)).length);
        await sleep(100);
      }
    })();
    try {
      const result = await sandboxFor({ limits: { maxProcesses: 256 } }).run(
        `for i in $(seq 2000); do sleep ${duration} & done; wait`,
        { timeoutMs: 6_000 },
      );
      expect(result.output).toMatch(/fork: .*Resource temporarily unavailable/);
      expect(peak).toBeGreaterThan(100);
      expect(peak).toBeLessThanOrEqual(256);
    } finally {
      running = false;
      await watch;
      expect(await waitForNoHostProcesses(duration, 2_000)).toEqual([]);
      await killHostProcesses(duration);
    }
  }, 30_000);
});

describe("createSandbox: failures are results", () => {
  test("a missing bwrap becomes exit code 127 with the reason", async () => {
    const result = await sandboxFor({ bwrapPath: "/nonexistent/bwrap" }).run("echo hi");
    expect(result.exitCode).toBe(SPAWN_FAILURE_EXIT_CODE);
    expect(result.output).toMatch(/\/nonexistent\/bwrap is not an executable file.*apt-get install bubblewrap/s);
  });

  test("a NUL byte in the command becomes a result, not an exception", async () => {
    const result = await sandboxFor().run("echo a\0b");
    expect(result.exitCode).toBe(SPAWN_FAILURE_EXIT_CODE);
  });
});
