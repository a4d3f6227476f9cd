// The operator's CODEX_SANDBOX_* limits, lowered by a repository's `limits:`, are the limits a
// task's real sandbox runs under: small values bind, and the result says which limit bit.
import { parseRepoConfig, type RepoConfig } from "../../src/config/repo-config.js";
import { readServerConfig } from "../../src/config/server-config.js";
import { createSandbox } from "../../src/sandbox/run-in-sandbox.js";
import { sandboxLimitWarnings, taskSandboxLimits } from "../../src/tasks/task-sandbox-limits.js";
import { createTempDirs, killHostProcesses, uniqueSleepDuration, waitForNoHostProcesses } from "../sandbox/sandbox-test-helpers.js";
import { scaled } from "../helpers/time-scale.js";

const tempDirs = createTempDirs();
afterAll(() => tempDirs.removeAll());
// bash holds a 200 MB string in memory.
const ALLOCATE_200_MB = "s=$(head -c 200000000 /dev/zero | tr '\\0' x); echo \"allocated ${#s}\"";

function repoConfig(yaml: string): RepoConfig {
  const parsed = parseRepoConfig(yaml);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  return parsed.config;
}

async function taskSandbox(env: Record<string, string>, yaml: string) {
  const limits = taskSandboxLimits(readServerConfig(env), repoConfig(yaml));
  return createSandbox({ workspace: await tempDirs.make(), network: false, limits });
}

test("the limits are in bytes for the sandbox; memory bounds the cgroup and, without one, each process", () => {
  expect(taskSandboxLimits(readServerConfig({}), repoConfig("limits: { tmp_mb: 16 }"))).toEqual({
    maxMemoryBytes: 8192 * 1024 * 1024, maxVirtualMemoryBytes: 8192 * 1024 * 1024, maxProcesses: 512,
    maxWorkspaceBytes: 20480 * 1024 * 1024, tmpfsSizeBytes: 16 * 1024 * 1024,
  });
});

test("a repository's 20 processes bind: of 60 sleeps the sandbox cannot fork past 20, and says so", async () => {
  const duration = uniqueSleepDuration();
  try {
    const sandbox = await taskSandbox({}, "limits: { processes: 20 }");
    // dash gives up at the first fork that fails, and the sleeps it started die with the sandbox.
    const result = await sandbox.run(`sh -c 'for i in $(seq 60); do sleep ${duration} & done'`, { timeoutMs: scaled(20_000) });
    expect(result.output).toMatch(/Cannot fork/);
    expect(result.output).toMatch(/\[sandbox\] The sandbox reached its process limit \(maxProcesses, 20\)/);
    expect(await waitForNoHostProcesses(duration)).toEqual([]);
  } finally {
    await killHostProcesses(duration);
  }
}, scaled(30_000));

test("the operator's 64 MB binds: a 200 MB allocation is killed and the result says memory", async () => {
  // The repository asks for more; it gets the operator's 64 MB, with a warning for the task log.
  const env = { CODEX_SANDBOX_MEMORY_MB: "64" };
  expect(sandboxLimitWarnings(readServerConfig(env), repoConfig("limits: { memory_mb: 4096 }"))).toEqual([
    "`limits.memory_mb: 4096` is above this server's CODEX_SANDBOX_MEMORY_MB (64); using 64",
  ]);
  const result = await (await taskSandbox(env, "limits: { memory_mb: 4096 }")).run(ALLOCATE_200_MB, { timeoutMs: scaled(20_000) });
  expect(result.exitCode).not.toBe(0);
  expect(result.output).not.toContain("allocated");
  expect(result.output).toMatch(/\[sandbox\] The sandbox reached its memory limit \(maxMemoryBytes, 67108864 bytes\)/);
}, scaled(30_000));

test("memory bounds the sandbox's total: one 60 MB process fits in 128 MB, three at once do not", async () => {
  const env = { CODEX_SANDBOX_MEMORY_MB: "128" };
  const allocate = "s=$(head -c 60000000 /dev/zero | tr '\\0' x)";
  expect((await (await taskSandbox(env, "")).run(`${allocate}; echo "kept \${#s}"`)).output).toBe("kept 60000000\n");

  const sandbox = await taskSandbox(env, "");
  // Each holds its 60 MB until all three do (then the limit did not bind) or one was killed: the
  // shell's `wait -n` returns at the first child to end and lets the others go.
  // A pipe nobody writes: `read -t` on it waits without forking a process (as holdPoint does).
  const tick = "exec {tick}<> <(:);";
  const allHeld = "[ -e /workspace/held1 ] && [ -e /workspace/held2 ] && [ -e /workspace/held3 ]";
  const child = (i: number) => `( ${allocate}; : > /workspace/held${i}; until [ -e /workspace/go ] || { ${allHeld}; }; do read -t 0.05 -u $tick || :; done; echo "kept \${#s}" ) &`;
  const result = await sandbox.run(`${tick} ${child(1)} ${child(2)} ${child(3)} wait -n; : > /workspace/go; wait`, { timeoutMs: scaled(20_000) });
  expect(result.timedOut).toBe(false);
  expect(result.output.match(/kept 60000000/g)?.length ?? 0).toBeLessThan(3);
  expect(result.output).toMatch(/\[sandbox\] The sandbox reached its memory limit \(maxMemoryBytes, 134217728 bytes\)/);
}, scaled(30_000));
