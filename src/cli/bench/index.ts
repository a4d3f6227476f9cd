// `npm run bench`: the performance targets, measured on this machine in one run.
// Lives under src/cli/ because the build (tsconfig.build.json) compiles only src/ into dist/.
// Exits 1 when a target is missed, so CI can hold the line. Needs git and bubblewrap.
// `BENCH_ONLY=intake npm run bench` runs one section (or a comma-separated list of them).
// The sandbox section's own settings (BENCH_SANDBOX_BASELINE, BENCH_CGROUP_V2_VM) are in sandbox-section.ts.
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { claimsSection } from "./claims-section.js";
import { measureDependencySetup } from "./dependency-setup.js";
import { intakeSection } from "./intake-section.js";
import { createRepoWithFiles, generateHistory, type HistoryShape } from "./generate-history.js";
import { ms, ratio, timeMs, type Verdict } from "./measure.js";
import { measureOutputReading } from "./output-reading.js";
import { sandboxSection } from "./sandbox-section.js";
import { serveGitHttp } from "./serve-git-http.js";
import { measureWorkspaceReady } from "./workspace-ready.js";

const HISTORY: HistoryShape = { commits: 5_000, files: 300, filesPerCommit: 3 };
const WORKSPACE_RUNS = { cold: 5, warm: 9 };
const WARM_FRACTION_TARGET = 0.1;
const SETUP_RUNS = 3;
const OUTPUT_BYTES = 1_000_000_000;
const DEPS_FILES = {
  "package.json": '{ "name": "bench-app", "private": true }\n',
  "package-lock.json": '{ "name": "bench-app", "lockfileVersion": 3, "packages": {} }\n',
  ".gitignore": "node_modules/\n",
};

/** What BENCH_ONLY may name; all of them run by default. */
const SECTIONS = ["sandbox", "workspace", "setup", "output", "intake", "claims"] as const;
type Section = (typeof SECTIONS)[number];

function selectedSections(env: NodeJS.ProcessEnv): Set<Section> {
  const named = (env.BENCH_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = named.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY names no section ${unknown.join(", ")}; the sections are ${SECTIONS.join(", ")}`);
  return new Set(named.length > 0 ? (named as Section[]) : SECTIONS);
}

async function main(): Promise<void> {
  const only = selectedSections(process.env);
  const verdicts: Verdict[] = [];
  const git = (await execa("git", ["--version"])).stdout;
  console.log(`codex-bot bench · node ${process.version} · ${availableParallelism()} CPUs · ${git} · load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} · ${benchSandboxUser()}\n`);
  if (only.has("sandbox")) verdicts.push(...(await sandboxSection(process.env)));
  if (only.has("workspace") || only.has("setup")) verdicts.push(...(await gitSections(only)));
  if (only.has("output")) await outputSection();
  if (only.has("intake")) verdicts.push(...(await intakeSection()));
  if (only.has("claims")) verdicts.push(...(await claimsSection()));
  console.log("\nsummary");
  for (const v of verdicts) console.log(`  ${v.pass ? "PASS" : "FAIL"}  ${v.name}: ${v.detail}`);
  if (verdicts.some((v) => !v.pass)) process.exitCode = 1;
}

/** The sections that clone over HTTP, from generated repositories served for them. */
async function gitSections(only: Set<Section>): Promise<Verdict[]> {
  const root = await mkdtemp(join(tmpdir(), "codex-bench-"));
  const served = join(root, "served");
  const verdicts: Verdict[] = [];
  try {
    const generated = await timeMs(async () => {
      await generateHistory(join(served, "bench", "history.git"), HISTORY);
      await createRepoWithFiles(join(served, "bench", "deps.git"), DEPS_FILES);
    });
    console.log(`fixtures: ${HISTORY.commits} commits over ${HISTORY.files} files, generated and packed in ${ms(generated)}\n`);
    const server = await serveGitHttp(served);
    try {
      if (only.has("workspace")) {
        verdicts.push(await workspaceSection(`${server.url}/bench/history.git`, join(root, "ws"), "main", WORKSPACE_RUNS, `the generated ${HISTORY.commits}-commit repository`));
        // A real project's history, when one is at hand: `BENCH_REPO=/path/to/repo.git npm run bench`.
        const external = process.env.BENCH_REPO;
        if (external) {
          await mkdir(join(served, "external"), { recursive: true });
          await symlink(external, join(served, "external", "repo.git"));
          verdicts.push(await workspaceSection(`${server.url}/external/repo.git`, join(root, "ws-external"), process.env.BENCH_REPO_BRANCH ?? "master", { cold: 1, warm: 3 }, external));
        }
      }
      if (only.has("setup")) await setupSection(`${server.url}/bench/deps.git`, join(root, "deps"));
    } finally {
      await server.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return verdicts;
}

async function workspaceSection(cloneUrl: string, dataDir: string, branch: string, runs: { cold: number; warm: number }, what: string): Promise<Verdict> {
  const t = await measureWorkspaceReady(cloneUrl, dataDir, runs, branch);
  const fraction = t.warmMs / t.coldMs;
  console.log(`(b) workspace ready over HTTP for ${what}, median (cold ${runs.cold} runs, warm ${runs.warm} runs)`);
  console.log(`    cold mirror  ${ms(t.coldMs)}   runs: ${t.coldSamples.map((s) => s.toFixed(0)).join(", ")}`);
  console.log(`    warm mirror  ${ms(t.warmMs)}   runs: ${t.warmSamples.map((s) => s.toFixed(0)).join(", ")}`);
  console.log(`    cold / warm  ${ratio(t.coldMs / t.warmMs)}  (warm is ${(fraction * 100).toFixed(1)}% of cold)`);
  console.log(`    for scale: copying the checked-out work tree with cp -a takes ${ms(t.treeCopyMs)} on this disk\n`);
  return { name: `warm workspace < 1/10 of cold (${what})`, pass: fraction < WARM_FRACTION_TARGET, detail: `${ms(t.warmMs)} vs ${ms(t.coldMs)}, ${ratio(t.coldMs / t.warmMs)} faster` };
}

async function setupSection(cloneUrl: string, dataDir: string): Promise<void> {
  const t = await measureDependencySetup(cloneUrl, dataDir, SETUP_RUNS);
  console.log(`(c) setup phase, simulated install of 2,000 files in the sandbox, median of ${SETUP_RUNS} runs (no target in the issue)`);
  console.log(`    cache miss (install + store)  ${ms(t.missMs)}`);
  console.log(`    cache hit (restore, no setup) ${ms(t.hitMs)}`);
  console.log(`    miss / hit                    ${ratio(t.missMs / t.hitMs)}`);
}

async function outputSection(): Promise<void> {
  const t = await measureOutputReading(OUTPUT_BYTES);
  const mb = OUTPUT_BYTES / 1_000_000;
  console.log(`\n(d) ${mb} MB of output on one line through the 1 MB output cap (no target in the issue)`);
  console.log(`    read in          ${ms(t.ms)}  (${(mb / (t.ms / 1000)).toFixed(0)} MB/s)`);
  console.log(`    bot RSS growth   ${(t.rssGrowthBytes / 1_000_000).toFixed(1)} MB at the peak (${((t.rssGrowthBytes / OUTPUT_BYTES) * 100).toFixed(1)}% of what was read)`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exitCode = 2;
});

/** The bench's sandboxes run as the bench's own user, not CODEX_SANDBOX_USER: say which, since the numbers may differ. */
function benchSandboxUser(): string {
  const uid = process.getuid?.();
  return uid === 0 ? "bubblewrap as host root (the bot runs it as CODEX_SANDBOX_USER)" : `bubblewrap as uid ${uid}`;
}
