import { createRequire } from "node:module";
import path from "node:path";
import { execa } from "execa";

// `npm run lint:imports` passing on src/ proves nothing unless the rules can fail: here they run
// over test/fixtures/import-rules/, a tree with one file per rule break and the allowed imports.

const ROOT = path.resolve(import.meta.dirname, "..");
const CONFIG = path.join(ROOT, ".dependency-cruiser.cjs");
const FIXTURES = path.join(ROOT, "test/fixtures/import-rules");
const DEPCRUISE = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

const EXPECTED_BREAKS: [file: string, rule: string][] = [
  ["src/agent/imports-bare-fs.ts", "agent-reads-no-host-files"],
  ["src/agent/imports-fs.ts", "agent-reads-no-host-files"],
  ["src/agent/imports-github.ts", "agent-gets-the-host-through-interfaces"],
  ["src/agent/imports-github.ts", "agent-knows-no-github"],
  ["src/agent/imports-octokit.ts", "agent-knows-no-github"],
  ["src/agent/imports-probot.ts", "agent-knows-no-github"],
  ["src/agent/imports-workspace.ts", "agent-gets-the-host-through-interfaces"],
  ["src/handlers/imports-agent.ts", "handlers-stay-thin"],
  ["src/handlers/imports-sandbox.ts", "handlers-stay-thin"],
  ["src/handlers/imports-simple-git.ts", "only-sandbox-and-workspace-spawn"],
  ["src/review/imports-execa.ts", "only-sandbox-and-workspace-spawn"],
  ["src/server/imports-cross-spawn.ts", "only-sandbox-and-workspace-spawn"],
  ["src/tasks/cycle-a.ts", "no-circular"],
  ["src/tasks/imports-child-process.ts", "only-sandbox-and-workspace-spawn"],
  ["src/tasks/imports-openai.ts", "openai-only-in-model-client"],
];

interface Cruise {
  /** Exit code as `npm run lint:imports` sees it (the default `err` output). */
  exitCode: number | undefined;
  breaks: [string, string][];
}

async function depcruise(...extra: string[]) {
  return execa(process.execPath, [DEPCRUISE, "src", "--config", CONFIG, ...extra], { cwd: FIXTURES, reject: false });
}

async function cruiseFixtures(): Promise<Cruise> {
  // Only the err reporters set the exit code, so the JSON report is a second run.
  const { exitCode } = await depcruise();
  const { stdout } = await depcruise("--output-type", "json");
  const report = JSON.parse(stdout) as { summary: { violations: { from: string; rule: { name: string } }[] } };
  const breaks = report.summary.violations.map((v): [string, string] => [v.from, v.rule.name]);
  return { exitCode, breaks: breaks.sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`)) };
}

let cruise: Cruise;
beforeAll(async () => {
  cruise = await cruiseFixtures();
});

test("every break in the fixtures is reported under its rule, and the allowed imports are not", () => {
  // The allowed imports (agent/model-client → openai, agent/read-prompt → node:fs, cli → child_process,
  // workspace and sandbox → simple-git and execa, agent/tools → sandbox/types) would show up as extra entries.
  expect(cruise.breaks).toEqual(EXPECTED_BREAKS);
});

test("a break fails the command CI runs", () => {
  expect(cruise.exitCode).toBe(EXPECTED_BREAKS.length);
});

test("every rule in the rule file has a fixture that breaks it", () => {
  const config = createRequire(import.meta.url)(CONFIG) as { forbidden: { name: string }[] };
  const broken = new Set(EXPECTED_BREAKS.map(([, rule]) => rule));
  expect(config.forbidden.map((rule) => rule.name).filter((name) => !broken.has(name))).toEqual([]);
});
