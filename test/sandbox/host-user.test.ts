import { chown, stat } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createSandbox } from "../../src/sandbox/run-in-sandbox.js";
import type { HostUser, SandboxOptions } from "../../src/sandbox/types.js";
import {
  createTempDirs,
  findHostProcesses,
  killHostProcesses,
  uniqueSleepDuration,
  waitForNoHostProcesses,
} from "./sandbox-test-helpers.js";

// `nobody` on Debian. Switching users needs root, which is how the bot runs.
const NOBODY: HostUser = { uid: 65534, gid: 65534 };
const describeAsRoot = process.getuid?.() === 0 ? describe : describe.skip;

const tempDirs = createTempDirs();
let workspace: string;

beforeEach(async () => {
  workspace = await tempDirs.make();
  await chown(workspace, NOBODY.uid, NOBODY.gid);
});
afterAll(() => tempDirs.removeAll());

function sandboxFor(overrides: Partial<SandboxOptions> = {}) {
  return createSandbox({ workspace, network: false, hostUser: NOBODY, ...overrides });
}

describeAsRoot("createSandbox with hostUser", () => {
  test("runs as root inside but as the host user outside", async () => {
    const result = await sandboxFor().run("id -u; echo made > file");
    expect(result).toMatchObject({ exitCode: 0, output: "0\n" });
    expect((await stat(join(workspace, "file"))).uid).toBe(NOBODY.uid);
  });

  test("joins its cgroups although it is not root", async () => {
    const result = await sandboxFor().run("echo ok");
    expect(result).toMatchObject({ exitCode: 0, output: "ok\n" });
  });

  test("without cgroups, ulimit -u holds for an unprivileged host user", async () => {
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
      const sandbox = sandboxFor({ cgroupRoot: "/nonexistent-cgroup-root", limits: { maxProcesses: 40 } });
      const result = await sandbox.run(`for i in $(seq 200); do sleep ${duration} & done; wait`, { timeoutMs: 4_000 });
      expect(result.output).toMatch(/fork: .*(Resource temporarily unavailable|Interrupted system call)/);
      expect(peak).toBeGreaterThan(10);
      expect(peak).toBeLessThanOrEqual(40);
    } finally {
      running = false;
      await watch;
      expect(await waitForNoHostProcesses(duration)).toEqual([]);
      await killHostProcesses(duration);
    }
  }, 30_000);
});
