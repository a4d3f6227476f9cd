import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { CreateSandboxLike } from "./baseline-sandbox.js";
import { median, sampleInterleavedMs } from "./measure.js";

/** One way of running `true` in a sandbox, to be timed against the others. */
export interface SandboxVariant {
  key: string;
  label: string;
  createSandbox: CreateSandboxLike;
  /** Where this variant looks for cgroups: an empty directory gives the rlimits-only path. */
  cgroupRoot?: string;
}

export interface VariantFigures {
  key: string;
  label: string;
  /** Median of `true` through sandbox.run. */
  ms: number;
  /** What /proc/self/status says inside this variant's sandbox, e.g. "on (Seccomp: 2, 1 filter)". */
  seccomp: string;
}

export interface OverheadFigures {
  bareMs: number;
  variants: VariantFigures[];
}

const WARMUP_RUNS = 3;

/**
 * Median time of `true` run through each variant's sandbox and bare with execa, one sample of
 * each in turn, so load on this shared machine falls on all of them alike.
 */
export async function measureSandboxOverhead(runs: number, variants: SandboxVariant[]): Promise<OverheadFigures> {
  const root = await mkdtemp(join(tmpdir(), "codex-bench-sandbox-"));
  try {
    const sandboxes = variants.map((variant) => variant.createSandbox({ workspace: root, network: false, cgroupRoot: variant.cgroupRoot }));
    const runTrue = sandboxes.map((sandbox, i) => async () => {
      const result = await sandbox.run("true");
      if (result.exitCode !== 0) throw new Error(`the ${variants[i]!.label} sandbox failed to run \`true\` (exit ${result.exitCode}): ${result.output}`);
    });
    const [bare = [], ...samples] = await sampleInterleavedMs(runs, [() => execa("true"), ...runTrue], WARMUP_RUNS);
    const seccomp = await Promise.all(sandboxes.map((sandbox) => probeSeccomp(sandbox)));
    return {
      bareMs: median(bare),
      variants: variants.map((variant, i) => ({ key: variant.key, label: variant.label, ms: median(samples[i]!), seccomp: seccomp[i]! })),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Whether a seccomp filter is on inside the sandbox, as the kernel reports it there. */
async function probeSeccomp(sandbox: ReturnType<CreateSandboxLike>): Promise<string> {
  const result = await sandbox.run("grep '^Seccomp' /proc/self/status");
  const mode = /^Seccomp:\s*(\d+)/m.exec(result.output)?.[1];
  const filters = /^Seccomp_filters:\s*(\d+)/m.exec(result.output)?.[1];
  if (mode === undefined) return `unknown (${result.output.trim() || `exit ${result.exitCode}`})`;
  // Mode 2 is SECCOMP_MODE_FILTER. A filter on the bench itself would show here too: the section prints the bench's own.
  const count = filters === undefined ? "" : `, ${filters} filter${filters === "1" ? "" : "s"}`;
  return `${mode === "2" ? "on" : "off"} (Seccomp: ${mode}${count})`;
}
