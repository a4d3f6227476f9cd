// A killed bot leaves its pooled sandbox cgroups behind; the next process removes the empty ones
// whose creator is gone, and never a live process's.
import { existsSync } from "node:fs";
import { mkdir, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { sweepStaleSandboxCgroups } from "../../src/sandbox/cgroup.js";
import { createSandbox } from "../../src/sandbox/run-in-sandbox.js";
import { createTempDirs } from "./sandbox-test-helpers.js";

const tempDirs = createTempDirs();
afterAll(() => tempDirs.removeAll());

/** The parent directories this host's sandbox cgroups are made in (one per v1 controller, or the v2 one). */
async function sandboxParents(): Promise<string[]> {
  const workspace = await tempDirs.make();
  // A run leaves its cgroup in the pool, named with this process's pid: find it from the outside.
  const result = await createSandbox({ workspace, network: false }).run("echo ok");
  expect(result.output).toBe("ok\n");
  const roots = existsSync("/sys/fs/cgroup/cgroup.controllers") ? ["/sys/fs/cgroup"] : ["/sys/fs/cgroup/pids", "/sys/fs/cgroup/memory"];
  const { readdir } = await import("node:fs/promises");
  const parents: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (names.some((entry) => entry.isDirectory() && entry.name.startsWith(`codex-sandbox-${process.pid}-`))) parents.push(dir);
    if (depth > 0) for (const entry of names) if (entry.isDirectory() && !entry.name.startsWith("codex-sandbox-")) await walk(join(dir, entry.name), depth - 1);
  };
  for (const root of roots) await walk(root, 3);
  return parents;
}

test("empty sandbox cgroups of a process that is gone are removed; a live process's are kept", async () => {
  const parents = await sandboxParents();
  expect(parents.length).toBeGreaterThan(0);
  // pid_max is at most 2^22: this pid cannot be alive.
  const deadName = "codex-sandbox-4194305-left-by-a-killed-bot";
  const liveName = `codex-sandbox-${process.pid}-kept-for-the-pool`;
  for (const parent of parents) {
    await mkdir(join(parent, deadName));
    await mkdir(join(parent, liveName));
  }
  try {
    for (const parent of parents) await sweepStaleSandboxCgroups(parent);
    for (const parent of parents) {
      expect([parent, existsSync(join(parent, deadName))]).toEqual([parent, false]);
      expect([parent, existsSync(join(parent, liveName))]).toEqual([parent, true]);
    }
  } finally {
    for (const parent of parents) {
      await rmdir(join(parent, liveName)).catch(() => undefined);
      await rmdir(join(parent, deadName)).catch(() => undefined);
    }
  }
});
