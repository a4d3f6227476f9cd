// Threat 6: a command exhausts the host: processes, memory, one huge file, many files, or
// simply never ends. Each is capped, ends with a result that says what happened, leaves nothing
// running, and the host stays usable.
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { createSandbox, TIMEOUT_EXIT_CODE } from "../../../src/sandbox/run-in-sandbox.js";
import type { SandboxOptions } from "../../../src/sandbox/types.js";
import {
  allocationLoopCommand,
  createTempDirs,
  findHostProcesses,
  handOver,
  holdPoint,
  killHostProcesses,
  SANDBOX_MODES,
  uniqueSleepDuration,
  waitForHostProcesses,
  waitForNoHostProcesses,
} from "../sandbox-test-helpers.js";
import { scaled } from "../../helpers/time-scale.js";

const tempDirs = createTempDirs();
let workspace: string;
// A directory with no cgroup controllers: runs rely on bwrap and rlimits alone, as on a cgroup v2 host.
const NO_CGROUPS = "/nonexistent-cgroup-root";
const KIB = 1024;
const MIB = 1024 * KIB;
// bash holds a 200 MB string in memory.
const ALLOCATE_200_MB = "s=$(head -c 200000000 /dev/zero | tr '\\0' x); echo \"allocated ${#s}\"";

afterAll(() => tempDirs.removeAll());

describe.each(SANDBOX_MODES)("$name", (mode) => {
  const sandboxFor = (overrides: Partial<SandboxOptions> = {}) => createSandbox({ workspace, network: false, hostUser: mode.hostUser, ...overrides });
  beforeEach(async () => {
    workspace = await handOver(await tempDirs.make(), mode);
  });

  async function expectHostHealthy(): Promise<void> {
    expect((await execa("true", { reject: false })).exitCode).toBe(0);
    expect((await sandboxFor().run("echo ok")).output).toBe("ok\n");
  }

  describe("processes", () => {
    test("2000 background processes are held to maxProcesses, the result says so, and all die afterwards", async () => {
      const duration = uniqueSleepDuration();
      const hold = holdPoint(workspace);
      try {
        // dash gives up at the first fork that fails (bash would retry for seconds) and every sleep
        // it started sleeps on, so at the hold point the sandbox holds the most it ever did; bash
        // counts them with a glob, which needs no process.
        const forkAll = `sh -c 'for i in $(seq 2000); do sleep ${duration} & done'`;
        const count = "procs=(/proc/[0-9]*); echo \"processes: ${#procs[@]}\";";
        const run = sandboxFor({ limits: { maxProcesses: 256 } }).run(`${hold.prepare} ${forkAll}; ${count} ${hold.shell}`, { timeoutMs: scaled(20_000) });
        await hold.reached(run);
        const onHost = (await findHostProcesses(duration)).length;
        await hold.release();
        const result = await run;
        expect(result).toMatchObject({ exitCode: 0, timedOut: false });
        expect(result.output).toMatch(/Cannot fork/);
        expect(result.output).toMatch(/\[sandbox\] The sandbox reached its process limit \(maxProcesses, 256\)/);
        const inside = Number(/processes: (\d+)/.exec(result.output)?.[1]);
        expect(inside).toBeGreaterThan(100);
        expect(inside).toBeLessThanOrEqual(256);
        expect(onHost).toBeLessThanOrEqual(256);
        expect(await waitForNoHostProcesses(duration)).toEqual([]);
      } finally {
        await killHostProcesses(duration);
      }
    }, scaled(30_000));

    test("a fork bomb is contained, ended by the timeout, leaves nothing behind, and the host stays healthy", async () => {
      // Recursing pipelines: every level forks two more shells and waits for them.
      const bomb = `bomb() { bomb | bomb; }; bomb # ${uniqueSleepDuration()}`;
      try {
        const result = await sandboxFor({ limits: { maxProcesses: 64 } }).run(bomb, { timeoutMs: scaled(2_000) });
        expect(result).toMatchObject({ exitCode: TIMEOUT_EXIT_CODE, timedOut: true });
        expect(result.output).toMatch(/\[sandbox\] The sandbox reached its process limit \(maxProcesses, 64\)/);
        // Every shell of the bomb carries the command as an argument.
        expect(await waitForNoHostProcesses(bomb)).toEqual([]);
        await expectHostHealthy();
      } finally {
        await killHostProcesses(bomb);
      }
    }, scaled(30_000));
  });

  describe("processes without cgroups (where the modes differ by design)", () => {
    // The kernel exempts host root from RLIMIT_NPROC in every namespace: without the pids cgroup,
    // only an unprivileged host user is held by `ulimit -u` (limits.ts, and the self-test warns).
    test(mode.hostUser ? "`ulimit -u` holds the processes" : "`ulimit -u` does not bind host root", async () => {
      const duration = uniqueSleepDuration();
      try {
        const sandbox = sandboxFor({ cgroupRoot: NO_CGROUPS, limits: { maxProcesses: 20 } });
        const forkAll = `sh -c 'for i in $(seq 60); do sleep ${duration} & done'`;
        const result = await sandbox.run(`${forkAll}; procs=(/proc/[0-9]*); echo "processes: \${#procs[@]}"`, { timeoutMs: scaled(20_000) });
        const inside = Number(/processes: (\d+)/.exec(result.output)?.[1]);
        if (mode.hostUser) {
          expect(result.output).toMatch(/Cannot fork/);
          expect(inside).toBeLessThanOrEqual(20);
        } else {
          expect(result.output).not.toMatch(/Cannot fork/);
          expect(inside).toBeGreaterThan(60);
        }
        expect(await waitForNoHostProcesses(duration)).toEqual([]);
      } finally {
        await killHostProcesses(duration);
      }
    }, scaled(30_000));
  });

  describe("memory", () => {
    test("an allocation loop is stopped by maxMemoryBytes, with a result that says so", async () => {
      const result = await sandboxFor({ limits: { maxMemoryBytes: 128 * MIB } }).run(allocationLoopCommand(), { timeoutMs: scaled(20_000) });
      expect(result.timedOut).toBe(false);
      expect(result.exitCode).not.toBe(0);
      expect(result.output).toMatch(/\[sandbox\] The sandbox reached its memory limit \(maxMemoryBytes, 134217728 bytes\)/);
      await expectHostHealthy();
    }, scaled(30_000));

    test("without cgroups, maxVirtualMemoryBytes stops a large allocation", async () => {
      const sandbox = sandboxFor({ cgroupRoot: NO_CGROUPS, limits: { maxVirtualMemoryBytes: 128 * MIB } });
      const result = await sandbox.run(ALLOCATE_200_MB);
      expect(result.exitCode).not.toBe(0);
      expect(result.output).not.toContain("allocated");
    }, scaled(30_000));

    test("with default limits the same allocation succeeds (so the tests above can fail)", async () => {
      const result = await sandboxFor().run(ALLOCATE_200_MB);
      expect(result.output).toBe("allocated 200000000\n");
    }, scaled(30_000));

    test("with the memory cgroup, the address space is not capped: V8 reserves more than it uses", async () => {
      expect((await sandboxFor().run("ulimit -v")).output).toBe("unlimited\n");
    });

    const testIfNode = existsSync("/usr/bin/node") ? test : test.skip;
    testIfNode("Node's WebAssembly works under the default limits", async () => {
      const result = await sandboxFor().run(`node -e 'new WebAssembly.Memory({ initial: 1 }); console.log("wasm ok")'`);
      expect(result.output).toBe("wasm ok\n");
    });
  });

  describe("file size", () => {
    test("a file cannot grow past maxFileSizeBytes", async () => {
      const result = await sandboxFor({ limits: { maxFileSizeBytes: 1 * MIB } }).run("head -c 3000000 /dev/zero > big");
      expect(result.exitCode).not.toBe(0);
      expect((await stat(join(workspace, "big"))).size).toBe(1 * MIB);
    });

    test("a 10 GB file, written, allocated or truncated, fails clearly and stays within the cap", async () => {
      const cap = 8 * MIB;
      const result = await sandboxFor({ limits: { maxFileSizeBytes: cap } }).run(
        "head -c 10G /dev/zero > written; echo written=$?; fallocate -l 10G allocated; echo allocated=$?; truncate -s 10G sparse; echo sparse=$?",
      );
      expect(result.output).toMatch(/File size limit exceeded|File too large/);
      expect(result.output).toMatch(/written=(153|1)\n/);
      expect(result.output).not.toMatch(/(allocated|sparse)=0/);
      for (const name of await readdir(workspace)) {
        expect((await stat(join(workspace, name))).size).toBeLessThanOrEqual(cap);
      }
    });

    test("open files are capped and the command cannot raise the cap", async () => {
      const result = await sandboxFor({ limits: { maxOpenFiles: 64 } }).run("ulimit -n; ulimit -n 100000; ulimit -Hn");
      expect(result.output).toMatch(/^64\n.*cannot modify limit.*\n64\n$/s);
    });
  });

  describe("disk", () => {
    test("many files each under the file-size cap put the workspace over maxWorkspaceBytes: the result says so", async () => {
      const sandbox = sandboxFor({ limits: { maxFileSizeBytes: 512 * KIB, maxWorkspaceBytes: 1 * MIB } });
      const result = await sandbox.run("for i in 1 2 3 4; do head -c 400000 /dev/urandom > part$i; done; echo wrote");
      expect(result.diskExceeded).toBe(true);
      expect(result.output).toMatch(/^wrote\n\[sandbox\] The workspace uses 1\.\d MiB of disk, over the sandbox's cap of 1\.0 MiB \(maxWorkspaceBytes\)/);
    });

    test("a command that keeps writing files is stopped while it runs, not when the disk is full", async () => {
      const sandbox = sandboxFor({ limits: { maxFileSizeBytes: 1 * MIB, maxWorkspaceBytes: 4 * MIB } });
      // It never ends by itself: only the workspace watch, measuring while it runs, can stop it before the timeout.
      const result = await sandbox.run("i=0; while :; do i=$((i + 1)); head -c 500000 /dev/urandom > f$i; sleep 0.05; done", { timeoutMs: scaled(20_000) });
      expect(result).toMatchObject({ diskExceeded: true, timedOut: false });
      expect(result.output).toContain("(maxWorkspaceBytes)");
    }, scaled(30_000));

    test("under the cap nothing is reported", async () => {
      const result = await sandboxFor({ limits: { maxWorkspaceBytes: 4 * MIB } }).run("head -c 100000 /dev/urandom > small; echo ok");
      expect(result).toMatchObject({ diskExceeded: false, output: "ok\n" });
    });

    test("/tmp and HOME cannot grow past tmpfsSizeBytes", async () => {
      const result = await sandboxFor({ limits: { tmpfsSizeBytes: 1 * MIB } }).run(
        "head -c 3000000 /dev/zero > /tmp/fill; echo tmp=$?; head -c 3000000 /dev/zero > ~/fill; echo home=$?",
      );
      expect(result.output).toMatch(/No space left on device/);
      expect(result.output).toMatch(/tmp=1\n/);
      expect(result.output).toMatch(/home=1\n/);
    });
  });

  describe("wall time", () => {
    // Each test first sees the command's processes on the host, so that "nothing survives" cannot
    // pass because nothing had started; the timeout leaves ample time to get there (bwrap starts in
    // milliseconds), and a test that does not get there fails saying so instead of passing.
    const TIMEOUT_MS = scaled(3_000);

    test("`sleep infinity` ends at the timeout with a clear result, and nothing survives", async () => {
      const marker = uniqueSleepDuration();
      try {
        const run = sandboxFor().run(`(exec -a ${marker} sleep infinity) & sleep infinity`, { timeoutMs: TIMEOUT_MS });
        await waitForHostProcesses(marker, 1, run);
        expect(await run).toMatchObject({ exitCode: TIMEOUT_EXIT_CODE, timedOut: true });
        expect(await waitForNoHostProcesses(marker)).toEqual([]);
      } finally {
        await killHostProcesses(marker);
      }
    });

    test("a timeout kills background jobs and setsid children even without cgroups", async () => {
      const duration = uniqueSleepDuration();
      try {
        const sandbox = sandboxFor({ cgroupRoot: NO_CGROUPS });
        const run = sandbox.run(`sleep ${duration} & setsid sleep ${duration} & echo started; wait`, { timeoutMs: TIMEOUT_MS });
        await waitForHostProcesses(duration, 2, run);
        expect(await run).toMatchObject({ exitCode: TIMEOUT_EXIT_CODE, timedOut: true, output: "started\n" });
        expect(await waitForNoHostProcesses(duration)).toEqual([]);
      } finally {
        await killHostProcesses(duration);
      }
    });

    test("background jobs, setsid ones included, die when the command ends", async () => {
      const duration = uniqueSleepDuration();
      const hold = holdPoint(workspace);
      try {
        const sandbox = sandboxFor({ cgroupRoot: NO_CGROUPS });
        const run = sandbox.run(`${hold.prepare} setsid sleep ${duration} & sleep ${duration} & ${hold.shell} echo left`, { timeoutMs: scaled(20_000) });
        await waitForHostProcesses(duration, 2, run);
        await hold.release();
        expect(await run).toMatchObject({ exitCode: 0, timedOut: false, output: "left\n" });
        expect(await waitForNoHostProcesses(duration)).toEqual([]);
      } finally {
        await killHostProcesses(duration);
      }
    });

    test("the setup phase's timeout kills its command too", async () => {
      const duration = uniqueSleepDuration();
      try {
        const run = sandboxFor({ network: true }).run(`setsid sleep ${duration} & sleep ${duration}`, { timeoutMs: TIMEOUT_MS });
        await waitForHostProcesses(duration, 2, run);
        expect(await run).toMatchObject({ exitCode: TIMEOUT_EXIT_CODE, timedOut: true });
        expect(await waitForNoHostProcesses(duration)).toEqual([]);
      } finally {
        await killHostProcesses(duration);
      }
    });
  });
});
