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
  /** What bounds a command inside this variant's sandbox, e.g. "seccomp on (1 filter); memory: cgroup". */
  inside: string;
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
    const inside = await Promise.all(sandboxes.map((sandbox) => probeInside(sandbox)));
    return {
      bareMs: median(bare),
      variants: variants.map((variant, i) => ({ key: variant.key, label: variant.label, ms: median(samples[i]!), inside: inside[i]! })),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * What bounds a command inside the sandbox, as the kernel and the shell report it there: the
 * seccomp mode, and whether memory is a cgroup's (no `ulimit -v`) or each process's (`ulimit -v`).
 */
async function probeInside(sandbox: ReturnType<CreateSandboxLike>): Promise<string> {
  const result = await sandbox.run("grep '^Seccomp' /proc/self/status; echo \"ulimit-v $(ulimit -v)\"");
  const mode = /^Seccomp:\s*(\d+)/m.exec(result.output)?.[1];
  const filters = /^Seccomp_filters:\s*(\d+)/m.exec(result.output)?.[1];
  const addressSpace = /^ulimit-v (\S+)/m.exec(result.output)?.[1];
  if (mode === undefined || addressSpace === undefined) return `unknown (${result.output.trim() || `exit ${result.exitCode}`})`;
  // Mode 2 is SECCOMP_MODE_FILTER. A filter on the bench itself would show here too: the table prints the bench's own.
  const seccomp = mode === "2" ? `seccomp on${filters === undefined ? "" : ` (${filters} filter${filters === "1" ? "" : "s"})`}` : `seccomp off (${mode})`;
  // The sandbox sets ulimit -v only where no memory cgroup bounds it (both versions do).
  const memory = addressSpace === "unlimited" ? "memory: cgroup" : "memory: ulimit -v";
  return `${seccomp}; ${memory}`;
}
