// Threat 7: a command prints without end, to exhaust the bot's memory or the model's context.
// Output is kept head and tail up to a cap, counted in full, and the bot's memory stays flat.
import { join } from "node:path";
import { execa } from "execa";
import { createSandbox } from "../../../src/sandbox/run-in-sandbox.js";
import type { ExecResult, SandboxOptions } from "../../../src/sandbox/types.js";
import { createTempDirs, handOver, SANDBOX_MODES } from "../sandbox-test-helpers.js";
import { scaled } from "../../helpers/time-scale.js";

const tempDirs = createTempDirs();
let workspace: string;
const MB = 1_000_000;

afterAll(() => tempDirs.removeAll());

describe.each(SANDBOX_MODES)("$name", (mode) => {
  const sandboxFor = (overrides: Partial<SandboxOptions> = {}) => createSandbox({ workspace, network: false, hostUser: mode.hostUser, ...overrides });
  beforeEach(async () => {
    workspace = await handOver(await tempDirs.make(), mode);
  });

  test("200 MB of output come back truncated and fully counted", async () => {
    const result = await sandboxFor().run("yes 0123456789 | head -c 200000000; echo END", { outputLimitBytes: 100_000 });
    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.totalBytes).toBe(200_000_004);
    expect(result.output.length).toBeLessThan(100_100);
    expect(result.output).toMatch(/^0123456789\n/);
    expect(result.output).toMatch(/\[\.\.\. 199900004 bytes omitted \.\.\.\]\n.*END\n$/s);
  }, scaled(60_000));

  test("a command printing without end is cut by its timeout, its output capped", async () => {
    // One long line, no newline ever: nothing a line-based reader could split on.
    const result = await sandboxFor().run("cat /dev/zero", { timeoutMs: scaled(3_000) });
    expect(result).toMatchObject({ timedOut: true, truncated: true });
    // The default cap is 1 MB: more than that went through, and only that came back.
    expect(result.totalBytes).toBeGreaterThan(1 * MB);
    expect(result.output.length).toBeLessThan(1_000_100);
  });

  describe("the bot's memory stays flat however much goes through", () => {
    // The real run path in a child process whose memory the kernel caps at what it used before the
    // command plus HEADROOM (see run-with-capped-memory.ts). Reading through the default 1 MB cap
    // grows it by about 70 MB (V8 frees garbage Buffers in batches); keeping the output would not fit.
    const HEADROOM = 256 * 1024 * 1024;
    const VOLUME = 1_500_000_000;
    const child = join(import.meta.dirname, "..", "run-with-capped-memory.ts");
    const hooks = join(import.meta.dirname, "..", "..", "helpers", "ts-source-hooks.ts");

    function runInCappedChild(command: string, ...flags: string[]) {
      const hostUser = mode.hostUser ? [`--host-user=${mode.hostUser.uid}:${mode.hostUser.gid}`] : [];
    const args = ["--disable-warning=ExperimentalWarning", "--import", hooks, child, workspace, String(HEADROOM), command, ...flags, ...hostUser];
      return execa(process.execPath, args, { reject: false });
    }

    test(`${VOLUME / MB} MB on one line pass a reader that may grow by ${HEADROOM / 1024 / 1024} MiB`, async () => {
      const ran = await runInCappedChild(`head -c ${VOLUME} /dev/zero`);
      expect({ exitCode: ran.exitCode, signal: ran.signal, stderr: ran.stderr.slice(0, 2_000) }).toEqual({ exitCode: 0, signal: undefined, stderr: "" });
      const result = JSON.parse(ran.stdout) as Omit<ExecResult, "output"> & { output: number };
      expect(result).toMatchObject({ exitCode: 0, timedOut: false, truncated: true, totalBytes: VOLUME });
      expect(result.output).toBeLessThan(1_000_100);
    }, scaled(90_000));

    test("the cap is real: the same reader keeping every chunk it reads dies of it", async () => {
      const ran = await runInCappedChild(`head -c ${VOLUME} /dev/zero`, "--keep-chunks");
      expect(ran.exitCode).not.toBe(0);
      expect(ran.stderr).toMatch(/out of memory/i);
      expect(ran.stdout).toBe("");
    }, scaled(90_000));
  });

  test("stdout and stderr are combined in the order they were written", async () => {
    const result = await sandboxFor().run("for i in $(seq 200); do echo out$i; echo err$i >&2; done");
    const expected = Array.from({ length: 200 }, (_, i) => `out${i + 1}\nerr${i + 1}\n`).join("");
    expect(result.output).toBe(expected);
  });

  test("the setup phase's output is capped the same way", async () => {
    const result = await sandboxFor({ network: true }).run("yes | head -c 50000000", { outputLimitBytes: 10_000 });
    expect(result).toMatchObject({ exitCode: 0, truncated: true, totalBytes: 50 * MB });
    expect(result.output.length).toBeLessThan(10_100);
  });
});
