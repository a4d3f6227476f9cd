import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, runSandboxSelfTest } from "../../sandbox/index.js";
import type { CreateSandboxLike } from "./baseline-sandbox.js";
import { measureSandboxOverhead, type OverheadFigures, type SandboxVariant } from "./sandbox-overhead.js";

/** One machine's figures (this host, or the cgroup v2 guest), as the section prints them. */
export interface MachineFigures extends OverheadFigures {
  /** What bounds the current sandbox here, from the self-test: "cgroup v1: memory and pids", "rlimits only (…)". */
  cgroups: string;
  /** The bench process's own seccomp mode, so that "on" inside the sandbox is the sandbox's doing. */
  seccompOutside: string;
}

/** The variants' keys, in the order they are measured and printed. */
export const VARIANT_KEYS = ["baseline", "rlimits", "current"] as const;

/**
 * Measures on this machine: the baseline sandbox (when given), the current one on the
 * rlimits-only path (its cgroup root an empty directory, as on a host without cgroups), and the
 * current one as it runs here (with cgroups when the self-test finds them).
 */
export async function measureSandboxFigures(runs: number, baseline: CreateSandboxLike | undefined): Promise<MachineFigures> {
  const noCgroups = await mkdtemp(join(tmpdir(), "codex-bench-no-cgroups-"));
  try {
    const variants: SandboxVariant[] = [
      ...(baseline ? [{ key: "baseline", label: "baseline", createSandbox: baseline }] : []),
      { key: "rlimits", label: "current, rlimits only", createSandbox, cgroupRoot: noCgroups },
      { key: "current", label: "current", createSandbox },
    ];
    const overhead = await measureSandboxOverhead(runs, variants);
    return { ...overhead, cgroups: await describeCgroups(), seccompOutside: await ownSeccompMode() };
  } finally {
    await rm(noCgroups, { recursive: true, force: true });
  }
}

async function describeCgroups(): Promise<string> {
  const selfTest = await runSandboxSelfTest();
  if (!selfTest.ok) return `unknown: the self-test failed (${selfTest.reason})`;
  const { cgroups } = selfTest;
  if (!cgroups.ok) return `rlimits only (${cgroups.reason})`;
  const controllers = [cgroups.memory ? "memory" : undefined, cgroups.processes ? "pids" : undefined].filter(Boolean);
  return `cgroup ${cgroups.hierarchy}: ${controllers.join(" and ") || "no controller"}`;
}

async function ownSeccompMode(): Promise<string> {
  const status = await readFile("/proc/self/status", "utf8").catch(() => "");
  return /^Seccomp:\s*(\d+)/m.exec(status)?.[1] ?? "unknown";
}
