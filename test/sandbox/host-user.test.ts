import { constants, existsSync } from "node:fs";
import { access, chown, stat } from "node:fs/promises";
import { join } from "node:path";
import { createSandbox } from "../../src/sandbox/run-in-sandbox.js";
import type { HostUser, SandboxOptions } from "../../src/sandbox/types.js";
import {
  createTempDirs,
  findHostProcesses,
  holdPoint,
  killHostProcesses,
  uniqueSleepDuration,
  waitForNoHostProcesses,
} from "./sandbox-test-helpers.js";
import { scaled } from "../helpers/time-scale.js";

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
    const hold = holdPoint(workspace);
    try {
      const sandbox = sandboxFor({ cgroupRoot: "/nonexistent-cgroup-root", limits: { maxProcesses: 40 } });
      // dash stops at the first fork that fails, and its sleeps sleep on: at the hold point the
      // sandbox holds the most it ever did (see 06-limits).
      const forkAll = `sh -c 'for i in $(seq 200); do sleep ${duration} & done'`;
      const count = 'procs=(/proc/[0-9]*); echo "processes: ${#procs[@]}";';
      const run = sandbox.run(`${hold.prepare} ${forkAll}; ${count} ${hold.shell}`, { timeoutMs: scaled(20_000) });
      await hold.reached(run);
      const onHost = (await findHostProcesses(duration)).length;
      await hold.release();
      const result = await run;
      expect(result.output).toMatch(/Cannot fork/);
      const inside = Number(/processes: (\d+)/.exec(result.output)?.[1]);
      expect(inside).toBeGreaterThan(10);
      expect(inside).toBeLessThanOrEqual(40);
      expect(onHost).toBeLessThanOrEqual(40);
      expect(await waitForNoHostProcesses(duration)).toEqual([]);
    } finally {
      await killHostProcesses(duration);
    }
  }, scaled(30_000));

  test("setup's network runs slirp4netns as the host user too: it works, or fails closed saying why", async () => {
    // slirp4netns opens /dev/net/tun as that user: Debian makes it 0666, some hosts 0600.
    const tunOpen = await access("/dev/net/tun", constants.R_OK | constants.W_OK).then(
      async () => ((await stat("/dev/net/tun")).mode & 0o006) === 0o006,
      () => false,
    );
    const result = await sandboxFor({ network: true }).run("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort; echo ran > ran.txt");
    if (tunOpen) {
      expect(result).toMatchObject({ exitCode: 0, output: "lo\ntap0\n" });
    } else {
      expect(result.exitCode).toBe(127);
      expect(result.output).toMatch(/open\("\/dev\/net\/tun"\): Permission denied[\s\S]*--device \/dev\/net\/tun/);
      expect(existsSync(join(workspace, "ran.txt"))).toBe(false);
    }
  });
});
