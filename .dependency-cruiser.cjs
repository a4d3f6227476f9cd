// Who may import whom (STYLE.md, "A layout that shows the architecture"), checked by
// `npm run lint:imports` in CI. Each rule names the folder it protects; an exemption is written
// here with its reason, never as a comment in the importing file.
// test/import-rules.test.ts runs these rules over test/fixtures/import-rules/ to show each one bites.

/** A package, installed (resolved under node_modules/) or not (left as its bare name). */
const npm = (...names) => `(^|/)node_modules/(${names.join("|")})/|^(${names.join("|")})(/|$)`;

/** Modules that start processes: only sandbox/ and workspace/ (and cli/, below) may import them. */
const SPAWNING = [
  "^(node:)?(child_process|cluster)$",
  npm("execa", "simple-git", "cross-spawn", "nano-spawn", "tinyexec", "zx", "shelljs", "foreground-child", "@npmcli/promise-spawn"),
];

module.exports = {
  forbidden: [
    {
      name: "handlers-stay-thin",
      comment: "A handler guards, authorizes and enqueues (GitHub drops a webhook after 10 s): the agent and the sandbox run from tasks/.",
      severity: "error",
      from: { path: "^src/handlers/" },
      to: { path: "^src/(agent|sandbox)/" },
    },
    {
      name: "agent-knows-no-github",
      comment: "agent/ never talks to GitHub: Probot, Octokit and github/ stay with the host.",
      severity: "error",
      from: { path: "^src/agent/" },
      to: { path: ["^src/github/", npm("probot", "@octokit/[^/]+")] },
    },
    {
      name: "agent-gets-the-host-through-interfaces",
      comment:
        "agent/ reaches the machine only through what the host gives it: the Sandbox (sandbox/types.ts) and WorkspaceFiles (agent/workspace-files.ts). No other host module.",
      severity: "error",
      from: { path: "^src/agent/" },
      to: { path: "^src/", pathNot: ["^src/agent/", "^src/sandbox/types\\.ts$"] },
    },
    {
      name: "agent-reads-no-host-files",
      comment:
        "The work tree is hostile; agent/ reads and writes it through WorkspaceFiles, whose host implementation refuses links. Exemption: agent/read-prompt.ts reads the bot's own prompts/ text files.",
      severity: "error",
      from: { path: "^src/agent/", pathNot: "^src/agent/read-prompt\\.ts$" },
      to: { path: ["^(node:)?fs(/promises)?$", npm("fs-extra", "graceful-fs")] },
    },
    {
      name: "openai-only-in-model-client",
      comment: "The model is one seam: only agent/model* knows the OpenAI SDK, so everything else can be tested with a scripted model.",
      severity: "error",
      from: { pathNot: "^src/agent/model[^/]*\\.ts$" },
      to: { path: npm("openai") },
    },
    {
      name: "only-sandbox-and-workspace-spawn",
      comment:
        "Agent commands run in the sandbox, host git in workspace/; nothing else starts processes. Exemption: cli/ (bench, doctor) are operator tools run by hand, not by the server.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/(sandbox|workspace)/", "^src/cli/"] },
      to: { path: SPAWNING },
    },
    {
      name: "no-circular",
      comment: "Import cycles hide which layer depends on which.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: an agent/ file that names a github/ type depends on github/.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: `${__dirname}/tsconfig.json` },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
