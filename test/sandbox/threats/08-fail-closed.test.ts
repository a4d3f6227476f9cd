// Threat 8: the sandbox silently stops protecting (bwrap missing or broken, namespaces refused,
// the network left on, slirp4netns missing) and commands run anyway. The self-test at start
// finds each of these and refuses tasks; a run that cannot be isolated does not run.
import { existsSync } from "node:fs";
import { chmod, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { findBwrap } from "../../../src/sandbox/find-bwrap.js";
import { createSandbox, SPAWN_FAILURE_EXIT_CODE } from "../../../src/sandbox/run-in-sandbox.js";
import { runSandboxSelfTest } from "../../../src/sandbox/self-test.js";
import { attachSetupNetwork, findSetupNetworkTools } from "../../../src/sandbox/setup-network.js";
import { createTempDirs, handOver, holdPoint, makeReadable, SANDBOX_MODES } from "../sandbox-test-helpers.js";
import { scaled } from "../../helpers/time-scale.js";

const tempDirs = createTempDirs();
afterAll(() => tempDirs.removeAll());

/** An executable script `name` in a fresh directory that any user may run it from; returns the directory. */
async function fakeTool(name: string, script: string): Promise<string> {
  const dir = await makeReadable(await tempDirs.make());
  await writeFile(join(dir, name), script);
  await chmod(join(dir, name), 0o755);
  return dir;
}

const realBwrap = findBwrap() ?? "/usr/bin/bwrap";

// A bwrap that rewrites its arguments with `edit` (a bash snippet on $a, appending to args).
function bwrapEditing(edit: string): string {
  return `#!/bin/bash
if [ "$1" = --version ]; then exec ${realBwrap} --version; fi
args=(); for a in "$@"; do ${edit}; done
exec ${realBwrap} "\${args[@]}"
`;
}

describe.each(SANDBOX_MODES)("$name", (mode) => {
  const hostUser = mode.hostUser;

  describe("the self-test", () => {
    test("passes on this host with no warnings, the setup network available, and names the cgroup hierarchy that bounds memory and processes", async () => {
      const result = await runSandboxSelfTest({ hostUser });
      const hierarchy = existsSync("/sys/fs/cgroup/cgroup.controllers") ? "v2" : "v1";
      expect(result).toMatchObject({
        ok: true,
        warnings: [],
        setupNetwork: { ok: true },
        cgroups: { ok: true, hierarchy, memory: true, processes: true },
        enforcement: { mechanism: `cgroup ${hierarchy}`, memory: expect.stringMatching(/memory controller.*the whole sandbox$/), processes: expect.stringMatching(/pids controller \(pids\.max\): the whole sandbox$/) },
      });
    });

    test("without bwrap on PATH, tells the operator to install bubblewrap", async () => {
      const result = await runSandboxSelfTest({ env: { PATH: await tempDirs.make() }, hostUser });
      expect(result).toEqual({ ok: false, reason: expect.stringContaining("install the Debian package `bubblewrap`") });
    });

    test("when bwrap cannot create namespaces, passes on its error and a hint", async () => {
      const dir = await fakeTool(
        "bwrap",
        `#!/bin/sh
  if [ "$1" = --version ]; then echo "bubblewrap 0.8.0"; exit 0; fi
  echo "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2
  exit 1
  `,
      );
      const result = await runSandboxSelfTest({ env: { PATH: dir }, hostUser });
      const reason = result.ok ? "" : result.reason;
      expect(reason).toContain("No permissions to creating new namespace");
      expect(reason).toContain("user.max_user_namespaces");
      expect(reason).toContain("--privileged");
    });

    test("an old bubblewrap is named with the version needed", async () => {
      const dir = await fakeTool("bwrap", '#!/bin/sh\necho "bubblewrap 0.4.1"\n');
      const result = await runSandboxSelfTest({ env: { PATH: dir }, hostUser });
      expect(result).toEqual({ ok: false, reason: expect.stringMatching(/bubblewrap 0\.4\.1 is too old.*0\.8 or later/) });
    });

    test("a bwrap that leaves the host network on is refused", async () => {
      const dir = await fakeTool("bwrap", bwrapEditing('args+=("$a"); [ "$a" = --unshare-all ] && args+=(--share-net)'));
      const result = await runSandboxSelfTest({ env: { PATH: dir }, hostUser });
      expect(result).toEqual({ ok: false, reason: expect.stringContaining("instead of only lo") });
    });

    test("a bwrap that lets a variable through is refused", async () => {
      const dir = await fakeTool("bwrap", bwrapEditing('args+=("$a"); [ "$a" = --clearenv ] && args+=(--setenv GITHUB_TOKEN leaked)'));
      const result = await runSandboxSelfTest({ env: { PATH: dir }, hostUser });
      expect(result).toEqual({ ok: false, reason: expect.stringContaining("variables outside the allow-list reached the sandbox: GITHUB_TOKEN") });
    });

    // The one difference between the modes: `ulimit -u` binds an unprivileged host user, never host root.
    test("without cgroups, passes with a warning saying what holds the process limit, and names rlimits as what bounds each limit", async () => {
      const result = await runSandboxSelfTest({ cgroupRoot: "/nonexistent-cgroup-root", hostUser });
      const processes = hostUser ? /^ulimit -u: binds the unprivileged sandbox user/ : /^NOT ENFORCED: ulimit -u does not bind host root/;
      expect(result).toMatchObject({
        ok: true,
        warnings: [expect.stringMatching(/^no cgroup bounds the sandbox \(no cgroup file system at \/nonexistent-cgroup-root/)],
        setupNetwork: { ok: true },
        cgroups: { ok: false },
        enforcement: { mechanism: "rlimits only", memory: expect.stringMatching(/^ulimit -v: each process/), processes: expect.stringMatching(processes) },
      });
      if (result.ok) expect(result.warnings[0]).toMatch(processes.source.replace("^", ""));
    });

    test("without slirp4netns, reports that setup commands will fail and which package to install", async () => {
      const result = await runSandboxSelfTest({ slirp4netnsPath: "/nonexistent/slirp4netns", hostUser });
      expect(result).toMatchObject({
        ok: true,
        warnings: [expect.stringMatching(/^setup commands \(network\) will fail: .*apt-get install slirp4netns/)],
        setupNetwork: { ok: false, reason: expect.stringContaining("Debian package `slirp4netns`") },
      });
    });

    test("a slirp4netns that attaches but configures nothing is found out", async () => {
      const dir = await fakeTool("slirp4netns", "#!/bin/sh\necho 1 >&3; exec 3>&-; read -r _ <&4\n");
      const result = await runSandboxSelfTest({ slirp4netnsPath: join(dir, "slirp4netns"), hostUser });
      expect(result).toMatchObject({ ok: true, setupNetwork: { ok: false, reason: expect.stringContaining("no tap0 interface") } });
    });
  });

  describe("a run that cannot be isolated does not run", () => {
    let workspace: string;
    beforeEach(async () => {
      workspace = await handOver(await tempDirs.make(), mode);
    });
    const marker = "echo ran > ran.txt";

    test("a missing bwrap becomes exit code 127 with the reason", async () => {
      const result = await createSandbox({ workspace, network: false, bwrapPath: "/nonexistent/bwrap", hostUser }).run(marker);
      expect(result.exitCode).toBe(SPAWN_FAILURE_EXIT_CODE);
      expect(result.output).toMatch(/\/nonexistent\/bwrap is not an executable file.*apt-get install bubblewrap/s);
      expect(existsSync(join(workspace, "ran.txt"))).toBe(false);
    });

    test("setup without slirp4netns fails, naming the package, and never falls back to the host network", async () => {
      const result = await createSandbox({ workspace, network: true, slirp4netnsPath: "/nonexistent/slirp4netns", hostUser }).run(marker);
      expect(result.exitCode).toBe(SPAWN_FAILURE_EXIT_CODE);
      expect(result.output).toMatch(/apt-get install slirp4netns.*never falls back to the host's network/s);
      expect(existsSync(join(workspace, "ran.txt"))).toBe(false);
    });

    test("setup whose slirp4netns cannot attach fails with its message, and the command never runs", async () => {
      const dir = await fakeTool("slirp4netns", "#!/bin/sh\necho 'open(\"/dev/net/tun\"): Permission denied' >&2; exit 1\n");
      const result = await createSandbox({ workspace, network: true, slirp4netnsPath: join(dir, "slirp4netns"), hostUser }).run(marker);
      expect(result.exitCode).toBe(SPAWN_FAILURE_EXIT_CODE);
      expect(result.output).toContain("slirp4netns could not attach to the setup sandbox: open(\"/dev/net/tun\"): Permission denied");
      expect(existsSync(join(workspace, "ran.txt"))).toBe(false);
    });

    test("slirp4netns is never attached to the host's own network namespace", async () => {
      const tools = findSetupNetworkTools();
      if (typeof tools === "string") throw new Error(tools);
      const ready = new PassThrough();
      ready.write("ready\n");
      // A launcher that claims to be ready but is this very process, in the host's namespace.
      const attached = await attachSetupNetwork({ pid: process.pid, ready, go: new PassThrough(), exited: new Promise(() => {}) }, tools, hostUser);
      expect(attached).toEqual({ problem: "the setup sandbox's launcher is not in a network namespace of its own" });
    });

    test("a NUL byte in the command becomes a result, not an exception", async () => {
      const result = await createSandbox({ workspace, network: false, hostUser }).run("echo a\0b");
      expect(result.exitCode).toBe(SPAWN_FAILURE_EXIT_CODE);
    });

    test("a workspace whose disk use cannot be measured counts as over the cap", async () => {
      // The command says it runs, then waits until the workspace is gone under it.
      const hold = holdPoint(workspace);
      const run = createSandbox({ workspace, network: false, hostUser }).run(`${hold.prepare} ${hold.announce} ${hold.waitUntilRemoved}`, { timeoutMs: scaled(20_000) });
      await hold.reached(run);
      await rm(workspace, { recursive: true, force: true });
      const result = await run;
      expect(result.timedOut).toBe(false);
      expect(result.diskExceeded).toBe(true);
      expect(result.output).toMatch(/\[sandbox\] The workspace's disk use could not be measured \(.*No such file or directory.*\)/);
    });
  });
});
