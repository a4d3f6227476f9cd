// Threat 7: a command prints without end, to exhaust the bot's memory or the model's context.
// Output is kept head and tail up to a cap, counted in full, and the bot's memory stays flat.
import { createSandbox } from "../../../src/sandbox/run-in-sandbox.js";
import type { SandboxOptions } from "../../../src/sandbox/types.js";
import { createTempDirs } from "../sandbox-test-helpers.js";

const tempDirs = createTempDirs();
let workspace: string;
const MB = 1_000_000;

beforeEach(async () => {
  workspace = await tempDirs.make();
});
afterAll(() => tempDirs.removeAll());

function sandboxFor(overrides: Partial<SandboxOptions> = {}) {
  return createSandbox({ workspace, network: false, ...overrides });
}

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

test("a command printing without end is cut by its timeout, and the bot's memory stays flat however much went through", async () => {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 50);
  try {
    // One long line, no newline ever: nothing a line-based reader could split on.
    const result = await sandboxFor().run("cat /dev/zero", { timeoutMs: 3_000 });
    expect(result).toMatchObject({ timedOut: true, truncated: true });
    // About 1-2 GB on an idle machine; far less than that would not test much.
    expect(result.totalBytes).toBeGreaterThan(200 * MB);
    expect(result.output.length).toBeLessThan(1_000_100);
  } finally {
    clearInterval(sampler);
  }
  // The default cap is 1 MB; everything else went through a constant buffer.
  expect(rssPeak - rssBefore).toBeLessThan(100 * MB);
}, 30_000);

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
