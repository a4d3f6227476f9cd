import { execa } from "execa";
import { DEFAULT_SANDBOX_LIMITS } from "../../src/sandbox/limits.js";
import { buildSandboxPrelude } from "../../src/sandbox/prelude.js";
import { encodeSecrets } from "../../src/sandbox/sandbox-env.js";

/** Runs the prelude with plain bash on the host, as bwrap would inside, with extra fds 3 and 4 open. */
async function runPrelude(command: string, limits = DEFAULT_SANDBOX_LIMITS, limitVirtualMemory = true, secrets?: Record<string, string>) {
  const prelude = buildSandboxPrelude(limits, { limitVirtualMemory, secretsFd: secrets ? 5 : undefined });
  const result = await execa("/bin/bash", ["-c", prelude, "sandbox", command], {
    stdio: ["ignore", "pipe", "pipe", "pipe", "pipe", secrets ? encodeSecrets(secrets) : "ignore"],
    reject: false,
    env: {},
    extendEnv: false,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe("buildSandboxPrelude", () => {
  test("closes descriptors inherited from the launcher", async () => {
    const result = await runPrelude("ls /proc/self/fd | sort -n | tr '\\n' ' '");
    // 3 is ls's own handle on /proc/self/fd; the launcher's 3 and 4 are gone.
    expect(result.stdout).toBe("0 1 2 3 ");
  });

  // Whether they can be raised again depends on capabilities: see sandbox-limits.test.ts.
  test("sets soft and hard limits", async () => {
    const limits = { ...DEFAULT_SANDBOX_LIMITS, maxProcesses: 300, maxFileSizeBytes: 2048 * 1024, maxOpenFiles: 100 };
    const result = await runPrelude("ulimit -Hu; ulimit -Hf; ulimit -Hv; ulimit -Hn; ulimit -Sn", limits);
    expect(result.stdout).toMatch(/^300\n2048\n8388608\n100\n100$/);
  });

  test("leaves the address space alone when a memory cgroup does the bounding", async () => {
    const result = await runPrelude("ulimit -v", DEFAULT_SANDBOX_LIMITS, false);
    expect(result.stdout).toBe("unlimited");
  });

  test("sends stderr down stdout, in order", async () => {
    const result = await runPrelude("echo one; echo two >&2; echo three");
    expect(result).toMatchObject({ stdout: "one\ntwo\nthree", stderr: "" });
  });

  test("passes the command as a single argument, not through quoting", async () => {
    const result = await runPrelude(`printf '%s\\n' "it's" '$HOME' "a  b"; exit 7`);
    expect(result).toMatchObject({ exitCode: 7, stdout: "it's\n$HOME\na  b" });
  });

  test("exports the secrets it reads from its descriptor, exactly, then closes it", async () => {
    const secrets = { NPM_TOKEN: "line one\nline 'two' $HOME `x`", EMPTY: "" };
    const result = await runPrelude(`printf '%s|' "$NPM_TOKEN" "\${EMPTY-unset}"; ls /proc/self/fd | sort -n | tr '\\n' ' '`, DEFAULT_SANDBOX_LIMITS, true, secrets);
    expect(result.stdout).toBe("line one\nline 'two' $HOME `x`||0 1 2 3 ");
  });
});
