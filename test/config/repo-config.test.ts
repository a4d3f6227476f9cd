import { parseRepoConfig } from "../../src/config/repo-config.js";

const REVIEW_DEFAULTS = {
  auto: true, drafts: false, bot_prs: true, paths: [], ignore_paths: [], branches: [],
  skip_authors: ["dependabot[bot]", "renovate[bot]"], min_priority: 1, max_comments: 5, block_on: null,
};
const DEFAULTS = {
  draft_on_failure: true, allow_workflow_changes: false, delete_branch_on_merge: true, abandoned_branch_days: 14,
  auto_fix: false, max_fix_rounds: 2, fix_ci: false, allow_bots: [], setup_secrets: [], review: REVIEW_DEFAULTS,
};

describe(".github/codex.yml", () => {
  test("a missing file means defaults", () => {
    expect(parseRepoConfig(null)).toEqual({ ok: true, config: DEFAULTS, warnings: [] });
  });

  test("setup accepts a command, a multi-line script or a list; empty means none", () => {
    const one = parseRepoConfig("setup: npm ci\n");
    const script = parseRepoConfig("setup: |\n  npm ci\n  npm run build\n");
    const list = parseRepoConfig("setup:\n  - npm ci\n  - ''\n  - make\n");
    const empty = parseRepoConfig("setup:\n");
    expect(one.ok && one.config.setup).toEqual(["npm ci"]);
    expect(script.ok && script.config.setup).toEqual(["npm ci\nnpm run build"]);
    expect(list.ok && list.config.setup).toEqual(["npm ci", "make"]);
    expect(empty.ok && empty.config.setup).toEqual([]);
  });

  test("all settings parse", () => {
    const result = parseRepoConfig("label: ai\ntest: npm test\nmodel: o4\nmax_turns: 20\ntimeout_minutes: 10\ninstructions: Be brief.\ndraft_on_failure: false\n");
    expect(result).toEqual({ ok: true, warnings: [], config: { ...DEFAULTS, label: "ai", test: "npm test", model: "o4", max_turns: 20, timeout_minutes: 10, instructions: "Be brief.", draft_on_failure: false } });
  });

  test("unknown keys warn but do not fail", () => {
    const result = parseRepoConfig("test: make test\nauto_merge: true\n");
    expect(result).toEqual({ ok: true, config: { ...DEFAULTS, test: "make test" }, warnings: ["unknown setting `auto_merge` ignored"] });
  });

  test("review settings: priorities as P-strings or numbers, globs as a string or a list", () => {
    const result = parseRepoConfig("review:\n  min_priority: P2\n  block_on: p0\n  ignore_paths: docs/**\n  max_comments: 3\n  skip_authors: []\n");
    expect(result.ok && result.config.review).toEqual({ ...REVIEW_DEFAULTS, min_priority: 2, block_on: 0, ignore_paths: ["docs/**"], max_comments: 3, skip_authors: [] });
    const bad = parseRepoConfig("review:\n  min_priority: P7\n  colour: red\n");
    expect(bad.ok ? [] : bad.errors.join("\n")).toMatch(/`review\.min_priority`[\s\S]*colour|colour[\s\S]*`review\.min_priority`/);
  });

  test("a !pattern must be quoted: YAML reads an unquoted one as a tag, and the empty pattern is an error", () => {
    const quoted = parseRepoConfig('review:\n  branches: ["!gh-pages"]\n  ignore_paths: ["docs/**", "!docs/api/**"]\n');
    expect(quoted.ok && quoted.config.review).toMatchObject({ branches: ["!gh-pages"], ignore_paths: ["docs/**", "!docs/api/**"] });
    const unquoted = parseRepoConfig("review:\n  ignore_paths:\n    - docs/**\n    - !docs/api/**\n");
    expect(unquoted).toMatchObject({ ok: false, errors: [expect.stringMatching(/`review\.ignore_paths\.1`: is an empty pattern; quote patterns that start with "!"/)] });
  });

  test("bad values name the key", () => {
    const result = parseRepoConfig("max_turns: -3\ntimeout_minutes: soon\ntest: 5\n");
    expect(result.ok).toBe(false);
    const errors = result.ok ? "" : result.errors.join("\n");
    expect(errors).toMatch(/`max_turns`/);
    expect(errors).toMatch(/`timeout_minutes`/);
    expect(errors).toMatch(/`test`/);
  });

  test("broken YAML and non-mappings are errors; the raw label survives for the handler", () => {
    expect(parseRepoConfig("test: [unclosed\n")).toMatchObject({ ok: false, errors: [expect.stringMatching(/not valid YAML/)] });
    expect(parseRepoConfig("- a\n- b\n")).toMatchObject({ ok: false, errors: [expect.stringMatching(/mapping/)] });
    expect(parseRepoConfig("label: robo\nmax_turns: x\n")).toMatchObject({ ok: false, rawLabel: "robo" });
  });
});
