import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox } from "../../sandbox/index.js";
import { timeMs } from "./measure.js";

const RSS_SAMPLE_INTERVAL_MS = 20;

export interface OutputReading {
  ms: number;
  /** How far this process's resident memory rose above its level before the command, at its peak. */
  rssGrowthBytes: number;
}

/**
 * One command printing `bytes` on a single line through the sandbox's default output cap, timed,
 * with this process's RSS sampled meanwhile. A figure, not a bound: RSS includes garbage the
 * collector has not reclaimed yet (threats/07-output.test.ts holds the bound with a kernel cap).
 */
export async function measureOutputReading(bytes: number): Promise<OutputReading> {
  const workspace = await mkdtemp(join(tmpdir(), "codex-bench-output-"));
  try {
    const sandbox = createSandbox({ workspace, network: false });
    await sandbox.run("true");
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), RSS_SAMPLE_INTERVAL_MS);
    try {
      const ms = await timeMs(async () => {
        const result = await sandbox.run(`head -c ${bytes} /dev/zero`);
        if (result.totalBytes !== bytes) throw new Error(`the sandbox passed ${result.totalBytes} of ${bytes} bytes (exit ${result.exitCode})`);
      });
      return { ms, rssGrowthBytes: Math.max(peak, process.memoryUsage.rss()) - before };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}
