import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { createModelClient } from "../../src/agent/model-client.js";
import { RepoConfigCache } from "../../src/config/repo-config-cache.js";
import { readServerConfig } from "../../src/config/server-config.js";
import type { Octokit } from "../../src/github/types.js";
import { createSandbox } from "../../src/sandbox/index.js";
import { createCodeTaskRunner } from "../../src/tasks/run-code-task.js";
import { createReviewTaskRunner } from "../../src/tasks/run-review-task.js";
import { createTaskCredentials } from "../../src/tasks/task-credentials.js";
import { dispatchByKind } from "../../src/tasks/task-worker.js";
import { secureDataDir } from "../../src/workspace/data-dir-access.js";
import type { RunnerDeps, SandboxHealth } from "../../src/tasks/runner-deps.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import type { CodeTask, TaskRecord } from "../../src/tasks/task-types.js";
import type { FakeGitHub } from "../fakes/fake-github.js";
import type { ScriptedModel } from "../fakes/fake-openai.js";
import { generatePrivateKey } from "./bot-process.js";

let privateKey: string | undefined;
/** One key for every harness in the process: making an RSA key takes a while. */
const appPrivateKey = () => (privateKey ??= generatePrivateKey());

const TestOctokit = ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } }));

export interface Harness {
  store: Store;
  dataDir: string;
  run(task: TaskRecord, signal?: AbortSignal): Promise<void>;
  /** Claims the next queued task of any kind and runs it; false when the queue is empty. */
  runNext(): Promise<boolean>;
  enqueueReview(owner: string, repo: string, cloneUrl: string, pull: { number: number; headSha: string; action?: string; focus?: string }): Promise<TaskRecord>;
  enqueue(owner: string, repo: string, cloneUrl: string, issue: { number: number; title: string; body: string }): Promise<TaskRecord>;
  close(): Promise<void>;
}

/**
 * The code-task runner with every real part (git, bubblewrap, SQLite, the OpenAI SDK) and only
 * GitHub and the model replaced by local fakes, without the HTTP server around it. Bubblewrap runs
 * as the test's own user (root) unless `overrides.sandboxUser` names another, as CODEX_SANDBOX_USER
 * would; the data directory is prepared for it as at the bot's start.
 */
export async function createRunnerHarness(fake: FakeGitHub, model: ScriptedModel, overrides: Partial<RunnerDeps> = {}, env: Record<string, string> = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), "codex-runner-"));
  const store = new SqliteStore(join(dataDir, "codex.db"));
  const config = readServerConfig({ CODEX_DATA_DIR: dataDir, CODEX_COMMAND_TIMEOUT_SECONDS: "60", ...env });
  const health: SandboxHealth = { ok: true };
  const problems = await secureDataDir(dataDir, overrides.sandboxUser);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const appOctokit = new TestOctokit({ auth: { appId: 1, privateKey: appPrivateKey() }, baseUrl: fake.apiUrl }) as unknown as Octokit;
  const deps: RunnerDeps = {
    store,
    config,
    repoConfig: new RepoConfigCache(),
    log: pino({ level: "silent" }),
    // As in production: every task's client and git token are narrowed, and the fake enforces it.
    ...createTaskCredentials(async () => appOctokit),
    botIdentity: async () => ({ name: "codex-bot[bot]", email: "1+codex-bot[bot]@users.noreply.github.com" }),
    sandboxHealth: () => health,
    sandboxUser: undefined,
    createSandbox,
    createModel: (name) => createModelClient({ api: "responses", model: name, baseURL: model.url, apiKey: "sk-test" }),
    logUrl: (logId) => `http://bot.test/codex/logs/${logId}`,
    configuredSecrets: ["sk-test-configured-secret"],
    setupSecret: (name) => (name === "NPM_TOKEN" ? "npm_setup_secret_value" : undefined),
    ...overrides,
  };
  const run = createCodeTaskRunner(deps);
  const dispatch = dispatchByKind({ code: run, review: createReviewTaskRunner(deps) });
  return {
    store,
    dataDir,
    run: async (task, signal) => run(((await store.claimNext()) ?? task) as CodeTask, signal),
    enqueue: async (owner, repo, cloneUrl, issue) =>
      (await store.enqueue({
        kind: "code", installationId: 1, owner, repo, number: issue.number,
        request: { trigger: "label", issueTitle: issue.title, instruction: issue.body, issueBody: issue.body, sender: { login: "maintainer", id: 7 }, cloneUrl, defaultBranch: "main", htmlUrl: "" },
      }))!,
    async runNext() {
      const task = await store.claimNext();
      if (!task) return false;
      await dispatch(task, new AbortController().signal);
      return true;
    },
    enqueueReview: async (owner, repo, cloneUrl, pull) =>
      (await store.enqueue({
        kind: "review", installationId: 1, owner, repo, number: pull.number,
        request: { trigger: "pull_request", action: pull.action ?? "opened", headSha: pull.headSha, baseRef: "main", cloneUrl, sender: { login: "author", id: 9 }, ...(pull.focus ? { focus: pull.focus } : {}) },
      }, { replaceQueued: true }))!,
    async close() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
