import { fileURLToPath } from "node:url";
import { freePort, generateAppKey, startNodeProcess, type BenchProcess } from "./bench-process.js";

const READY_TIMEOUT_MS = 180_000;
const DRAIN_POLL_MS = 20;
/** A probe the process does not answer in this long counts as not answered. */
const PROBE_TIMEOUT_MS = 5_000;
/** What /codex/health says until the sandbox self-test has finished (src/app.ts). */
const SELF_TEST_PENDING = /has not finished yet/;

export interface IntakeProcesses {
  bot: BenchProcess;
  baseline: BenchProcess;
  secret: string;
  stop(): Promise<void>;
}

interface Health {
  sandbox: { ok: boolean; reason?: string };
  inbox: { pending: number };
}

async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/codex/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  return (await res.json()) as Health;
}

/** Probot answers /ping once it listens; codex-bot is measured once its sandbox self-test has settled too (it takes a CPU meanwhile). */
const pong = async (url: string) => (await fetch(`${url}/ping`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })).ok;
const botReady = async (url: string) => (await pong(url)) && !SELF_TEST_PENDING.test((await health(url)).sandbox.reason ?? "");

/**
 * codex-bot (`node dist/main.js`, what `npm start` runs after the build) and the do-nothing
 * Probot app, both aimed at the fake GitHub at `githubHost`, both in `cwd` (no `.env` there:
 * Probot would load one over the environment).
 */
export async function startIntakeProcesses(githubHost: string, dataDir: string, cwd: string): Promise<IntakeProcesses> {
  const secret = "bench-webhook-secret";
  const common = {
    PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", HOST: "127.0.0.1", LOG_LEVEL: "info",
    APP_ID: "1", PRIVATE_KEY: generateAppKey(), WEBHOOK_SECRET: secret, GHE_HOST: githubHost, GHE_PROTOCOL: "http",
  };
  const [botPort, baselinePort] = [await freePort(), await freePort()];
  const botEnv = { ...common, PORT: String(botPort), CODEX_DATA_DIR: dataDir, OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_API_KEY: "sk-bench-no-model-is-called" };
  const botScript = fileURLToPath(new URL("../../main.js", import.meta.url));
  const baselineScript = fileURLToPath(new URL("./do-nothing-app.js", import.meta.url));
  const bot = await startNodeProcess(botScript, botEnv, cwd, botReady, READY_TIMEOUT_MS);
  const baseline = await startNodeProcess(baselineScript, { ...common, PORT: String(baselinePort) }, cwd, pong, READY_TIMEOUT_MS).catch(async (error: unknown) => {
    await bot.kill();
    throw error;
  });
  return { bot, baseline, secret, stop: async () => void (await Promise.all([bot.kill(), baseline.kill()])) };
}

/** Waits until codex-bot's inbox has nothing pending or being dispatched; returns how long that took. */
export async function waitForDrain(bot: BenchProcess, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while ((await health(bot.url)).inbox.pending > 0) {
    if (performance.now() - started > timeoutMs) throw new Error(`codex-bot's inbox did not drain within ${timeoutMs} ms:\n${bot.tail()}`);
    await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
  }
  return performance.now() - started;
}
