// The sandbox on a cgroup v2 host. Runs only in the cgroup v2 VM (.ci/cgroup-v2-vm, a step of
// .ci/run), where the test run sits in a cgroup of its own below the root, like a systemd unit
// with Delegate=yes; jest.config.js leaves this folder out elsewhere.
import { existsSync } from "node:fs";
import { chown, mkdir, readFile, readdir, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { checkCgroupsAtStart } from "../../src/sandbox/require-cgroups.js";
import { createSandbox } from "../../src/sandbox/run-in-sandbox.js";
import type { SandboxOptions } from "../../src/sandbox/types.js";
import { createTempDirs, findHostProcesses, holdPoint, killHostProcesses, uniqueSleepDuration, waitForNoHostProcesses } from "../sandbox/sandbox-test-helpers.js";
import { scaled } from "../helpers/time-scale.js";

const CGROUP = "/sys/fs/cgroup";
const MIB = 1024 * 1024;
const NOBODY = { uid: 65534, gid: 65534 };
const tempDirs = createTempDirs();
let workspace: string;

beforeAll(() => {
  // Not a test of its own: without the unified hierarchy every test below would mean nothing.
  if (!existsSync(join(CGROUP, "cgroup.controllers"))) throw new Error("these tests need a cgroup v2 host: run them through .ci/cgroup-v2-vm");
});
beforeEach(async () => {
  workspace = await tempDirs.make();
});
afterAll(() => tempDirs.removeAll());

function sandboxFor(overrides: Partial<SandboxOptions> = {}) {
  return createSandbox({ workspace, network: false, ...overrides });
}

/** The cgroup path (from the v2 line of /proc/PID/cgroup) of each host process with `arg` in its argv. */
async function cgroupsOf(arg: string): Promise<string[]> {
  const pids = await findHostProcesses(arg);
  return Promise.all(pids.map(async (pid) => /^0::(\/.*)$/m.exec(await readFile(`/proc/${pid}/cgroup`, "utf8"))?.[1] ?? ""));
}

/** Runs `sleep <unique>` in a sandbox, and while it sleeps returns what the host sees of its cgroup. */
async function whileSleeping(options: Partial<SandboxOptions>, look: (cgroup: string) => Promise<unknown>) {
  const duration = uniqueSleepDuration();
  const hold = holdPoint(workspace);
  try {
    const run = sandboxFor(options).run(`${hold.prepare} sleep ${duration} & ${hold.shell} kill %1`, { timeoutMs: scaled(60_000) });
    await hold.reached(run);
    const [cgroup = ""] = await cgroupsOf(duration);
    const seen = await look(cgroup);
    await hold.release();
    return { result: await run, cgroup, seen };
  } finally {
    await killHostProcesses(duration);
  }
}

async function limitsIn(cgroup: string) {
  const read = (file: string) => readFile(join(CGROUP, cgroup, file), "utf8").then((text) => text.trim(), () => "absent");
  return { memory: await read("memory.max"), swap: await read("memory.swap.max"), pids: await read("pids.max") };
}

test("each sandbox runs in a cgroup of its own below the bot's, with memory.max, memory.swap.max = 0 and pids.max", async () => {
  const { result, cgroup, seen } = await whileSleeping({ limits: { maxMemoryBytes: 96 * MIB, maxProcesses: 33 } }, limitsIn);
  const own = /^0::(\/.*)$/m.exec(await readFile("/proc/self/cgroup", "utf8"))?.[1] ?? "";
  expect(result.exitCode).toBe(0);
  // The bot's processes moved into a leaf (no internal processes), the sandboxes are its siblings.
  expect(own).toMatch(/\/codex-bot$/);
  expect(cgroup).toMatch(new RegExp(`^${own.replace(/\/codex-bot$/, "")}/codex-sandbox-${process.pid}-[0-9a-f-]{36}$`));
  expect(seen).toEqual({ memory: String(96 * MIB), swap: "0", pids: "33" });
});

test("CODEX_CGROUP_PARENT puts the sandboxes in the cgroup the operator delegated", async () => {
  const parent = `/codex-test-parent-${process.pid}`;
  await mkdir(join(CGROUP, parent));
  try {
    const { result, cgroup } = await whileSleeping({ cgroupParent: parent }, async () => undefined);
    expect(result.exitCode).toBe(0);
    expect(cgroup).toMatch(new RegExp(`^${parent}/codex-sandbox-`));
    expect(await readFile(join(CGROUP, parent, "cgroup.subtree_control"), "utf8")).toMatch(/memory.*pids|pids.*memory/);
  } finally {
    await removeTree(join(CGROUP, parent));
  }
});

test("a parent that holds processes of its own is refused with the reason, and the start check says how to fix it", async () => {
  const parent = `/codex-test-busy-${process.pid}`;
  await mkdir(join(CGROUP, parent));
  const duration = uniqueSleepDuration();
  const { execa } = await import("execa");
  const sleeper = execa("sh", ["-c", `echo $$ > ${join(CGROUP, parent, "cgroup.procs")}; exec sleep ${duration}`], { reject: false });
  try {
    await waitForCgroupProcess(parent);
    const check = await checkCgroupsAtStart({ parent }, false);
    expect(check).toEqual({ ok: false, message: expect.stringMatching(new RegExp(`CODEX_CGROUP_PARENT ${parent} holds processes of its own.*CODEX_ALLOW_RLIMIT_ONLY=1`)) });
    expect(await checkCgroupsAtStart({ parent }, true)).toEqual({ ok: true, support: { ok: false, reason: expect.stringContaining("holds processes") } });
    // A sandbox still runs, bounded by rlimits alone.
    expect((await sandboxFor({ cgroupParent: parent }).run("ulimit -v")).output).not.toBe("unlimited\n");
  } finally {
    sleeper.kill("SIGKILL");
    await sleeper;
    await removeTree(join(CGROUP, parent));
  }
});

test("a parent without the memory controller is refused, naming it and Delegate=yes", async () => {
  const parent = `/codex-test-nomem-${process.pid}`;
  await mkdir(join(CGROUP, parent));
  await mkdir(join(CGROUP, parent, "inner"));
  try {
    // Only pids is passed down to `inner`.
    await writeFile(join(CGROUP, parent, "cgroup.subtree_control"), "+pids");
    const check = await checkCgroupsAtStart({ parent: `${parent}/inner` }, false);
    expect(check).toEqual({ ok: false, message: expect.stringMatching(/has no memory controller.*Delegate=yes/) });
  } finally {
    await removeTree(join(CGROUP, parent));
  }
});

test("the whole sandbox is bounded: three processes of 60 MB under 128 MB cannot all hold, and the report says memory", async () => {
  const allocate = "s=$(head -c 60000000 /dev/zero | tr '\\0' x)";
  const child = (n: number) => `(${allocate}; echo "kept \${#s}"; until [ -e /workspace/go ]; do read -t 0.05 -u $tick || :; done) &`;
  const result = await sandboxFor({ limits: { maxMemoryBytes: 128 * MIB } }).run(
    `exec {tick}<> <(:); ${child(1)} ${child(2)} ${child(3)} wait -n; : > /workspace/go; wait`,
    { timeoutMs: scaled(60_000) },
  );
  expect(result.output.match(/kept 60000000/g)?.length ?? 0).toBeLessThan(3);
  expect(result.output).toMatch(/\[sandbox\] The sandbox reached its memory limit \(maxMemoryBytes, 134217728 bytes\); the kernel killed [1-9]\d* process/);
  // No per-process address-space cap where the cgroup bounds the total (WebAssembly needs the room).
  expect((await sandboxFor().run("ulimit -v")).output).toBe("unlimited\n");
});

test("as an unprivileged host user, the sandbox joins its cgroup (through setpriv) and pids.max holds", async () => {
  await chown(workspace, NOBODY.uid, NOBODY.gid);
  const duration = uniqueSleepDuration();
  try {
    const result = await sandboxFor({ hostUser: NOBODY, limits: { maxProcesses: 25 } }).run(`sh -c 'for i in $(seq 100); do sleep ${duration} & done'; id -u`, { timeoutMs: scaled(60_000) });
    expect(result.output).toMatch(/Cannot fork/);
    expect(result.output).toMatch(/\[sandbox\] The sandbox reached its process limit \(maxProcesses, 25\)/);
    expect(await waitForNoHostProcesses(duration)).toEqual([]);
  } finally {
    await killHostProcesses(duration);
  }
  const { cgroup } = await whileSleeping({ hostUser: NOBODY }, async () => undefined);
  expect(cgroup).toMatch(/\/codex-sandbox-/);
});

test("cgroup.kill ends what a command left behind, double-forked and in a new session, and the cgroup is emptied", async () => {
  const duration = uniqueSleepDuration();
  try {
    const result = await sandboxFor().run(`(setsid sh -c 'sleep ${duration} & sleep ${duration} &' &); echo started`);
    expect(result.output).toBe("started\n");
    expect(await waitForNoHostProcesses(duration)).toEqual([]);
    const own = /^0::(\/.*)$/m.exec(await readFile("/proc/self/cgroup", "utf8"))?.[1] ?? "";
    const parent = join(CGROUP, own.replace(/\/codex-bot$/, ""));
    // This process's sandbox cgroups only: other test files run sandboxes under the same parent meanwhile.
    const ours = (await readdir(parent)).filter((name) => name.startsWith(`codex-sandbox-${process.pid}-`));
    expect(ours.length).toBeGreaterThan(0);
    for (const entry of ours) {
      expect((await readFile(join(parent, entry, "cgroup.procs"), "utf8")).trim()).toBe("");
    }
  } finally {
    await killHostProcesses(duration);
  }
});

async function waitForCgroupProcess(cgroup: string): Promise<void> {
  for (let poll = 0; poll < 400; poll++) {
    if ((await readFile(join(CGROUP, cgroup, "cgroup.procs"), "utf8")).trim() !== "") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no process joined ${cgroup}`);
}

/** Removes a cgroup and its children, deepest first; a cgroup must be empty to go. */
async function removeTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeTree(join(dir, entry.name));
  }
  if (existsSync(join(dir, "cgroup.kill"))) await writeFile(join(dir, "cgroup.kill"), "1").catch(() => undefined);
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await rmdir(dir).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
