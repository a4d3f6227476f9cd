import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { createSandbox } from "../../sandbox/index.js";
import { median, sampleMs } from "./measure.js";

export interface OverheadTimes {
  sandboxMs: number;
  bareMs: number;
}

/** Median time of `true` run through the sandbox against `true` run bare with execa. */
export async function measureSandboxOverhead(runs: number): Promise<OverheadTimes> {
  const workspace = await mkdtemp(join(tmpdir(), "codex-bench-sandbox-"));
  try {
    const sandbox = createSandbox({ workspace, network: false });
    const sandboxSamples = await sampleMs(runs, async () => {
      const result = await sandbox.run("true");
      if (result.exitCode !== 0) throw new Error(`the sandbox failed to run \`true\` (exit ${result.exitCode}): ${result.output}`);
    }, 3);
    const bareSamples = await sampleMs(runs, () => execa("true"), 3);
    return { sandboxMs: median(sandboxSamples), bareMs: median(bareSamples) };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}
