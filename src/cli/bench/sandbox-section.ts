import { fileURLToPath } from "node:url";
import { buildBaselineSandbox, importCreateSandbox, type BaselineSandbox, type CreateSandboxLike } from "./baseline-sandbox.js";
import { GUEST_FIGURES_MARKER, measureInCgroupV2Vm } from "./cgroup-v2-vm.js";
import { ms, ratio, type Verdict } from "./measure.js";
import { measureSandboxFigures, type MachineFigures } from "./sandbox-figures.js";
import { overheadOf, overheadTable, type MachineColumn } from "./sandbox-table.js";

const SANDBOX_RUNS = 50;
const SANDBOX_OVERHEAD_TARGET_MS = 20;
/** The last commit before the seccomp filter and the cgroup v2 path (issue 10). */
const DEFAULT_BASELINE_REF = "d1ca990";
/** dist/cli/bench/ → the checkout, whose git, node_modules and .ci/ the section uses. */
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * (a) The per-command overhead of the sandbox, beside the baseline's (BENCH_SANDBOX_BASELINE:
 * a git ref, or `none`), and with BENCH_CGROUP_V2_VM=1 the same measured in the cgroup v2 guest.
 * In the guest (BENCH_IN_CGROUP_V2_VM=1, set by guest-bench.sh) it only hands its figures back.
 */
export async function sandboxSection(env: NodeJS.ProcessEnv): Promise<Verdict[]> {
  if (env.BENCH_IN_CGROUP_V2_VM === "1") return guestSection(env);
  const ref = env.BENCH_SANDBOX_BASELINE ?? DEFAULT_BASELINE_REF;
  const baseline = ref === "none" ? undefined : await buildBaselineSandbox(REPO_ROOT, ref);
  if (typeof baseline === "string") console.log(`(a) ${baseline}; measuring the current sandbox only\n`);
  const built = typeof baseline === "object" ? baseline : undefined;
  try {
    const host = await measureSandboxFigures(SANDBOX_RUNS, built?.createSandbox);
    const columns: MachineColumn[] = [{ title: "this host", figures: host }];
    const guest = env.BENCH_CGROUP_V2_VM === "1" ? await measureInCgroupV2Vm(REPO_ROOT, built?.dir) : undefined;
    if (typeof guest === "object") columns.push({ title: "cgroup v2 guest, EMULATED (TCG)", figures: guest });
    printSection(columns, built, typeof guest === "string" ? guest : undefined);
    return [overheadVerdict(host, built)];
  } finally {
    await built?.remove();
  }
}

function printSection(columns: MachineColumn[], baseline: BaselineSandbox | undefined, guestProblem: string | undefined): void {
  const label = baseline === undefined ? "(not measured)" : baseline.ref === baseline.commit ? baseline.ref : `${baseline.ref} (${baseline.commit})`;
  console.log(`(a) per-command overhead: \`true\` through sandbox.run against a bare spawn, median of ${SANDBOX_RUNS} runs of each, one sample of each in turn`);
  for (const line of overheadTable(columns, label)) console.log(line);
  if (columns.length > 1) {
    console.log("    The guest runs under QEMU's software emulation: its absolute times are many times the host's and say");
    console.log("    nothing about the 20 ms target; only its ratios (measured in the one guest) compare with the host's.");
  }
  if (guestProblem !== undefined) console.log(`    cgroup v2 guest not measured: ${guestProblem}`);
  console.log("");
}

function overheadVerdict(host: MachineFigures, baseline: BaselineSandbox | undefined): Verdict {
  const current = overheadOf(host, "current")!;
  const currentMs = host.variants.find((v) => v.key === "current")!.ms;
  const old = overheadOf(host, "baseline");
  const beside = old === undefined || baseline === undefined ? "" : `; baseline ${baseline.commit} ${ms(old)}, current/baseline ${ratio(current / old)}`;
  return {
    name: `sandbox overhead < ${SANDBOX_OVERHEAD_TARGET_MS} ms per command`,
    pass: current < SANDBOX_OVERHEAD_TARGET_MS,
    detail: `${ms(current)} (${ratio(currentMs / host.bareMs)} a bare spawn)${beside}`,
  };
}

/** In the guest: the same measurement, with the baseline tree the host built, printed as one line of JSON. */
async function guestSection(env: NodeJS.ProcessEnv): Promise<Verdict[]> {
  const dir = env.BENCH_SANDBOX_BASELINE_DIR;
  const baseline: CreateSandboxLike | string | undefined = dir ? await importCreateSandbox(dir) : undefined;
  if (typeof baseline === "string") console.log(`guest: the baseline is not measured: ${baseline}`);
  const figures = await measureSandboxFigures(SANDBOX_RUNS, typeof baseline === "function" ? baseline : undefined);
  console.log(`${GUEST_FIGURES_MARKER}${JSON.stringify(figures)}`);
  // The emulated times are no measure of the target, so the guest gives no verdict.
  return [];
}
