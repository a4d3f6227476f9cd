// At start the bot says what bounds the sandbox, and refuses to run tasks with rlimits alone
// unless the operator accepted that (CODEX_ALLOW_RLIMIT_ONLY).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { freePort, generatePrivateKey, startBot, type BotProcess } from "../helpers/bot-process.js";

let dataDir: string;
let bot: BotProcess | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "codex-limits-start-"));
});
afterEach(async () => {
  await bot?.kill();
  bot = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function appEnv(extra: Record<string, string>): Promise<Record<string, string>> {
  return {
    APP_ID: "1", PRIVATE_KEY: await generatePrivateKey(), WEBHOOK_SECRET: "s", OPENAI_API_KEY: "sk-test",
    PORT: String(await freePort()), CODEX_DATA_DIR: dataDir, CODEX_REDELIVERY_SWEEP_MINUTES: "0", ...extra,
  };
}

test("without a writable cgroup, `npm start` refuses to start and says how to fix it or accept rlimits", async () => {
  const env = await appEnv({ CODEX_CGROUP_ROOT: "/nonexistent-cgroup-root" });
  const result = await execa("npm", ["start", "--silent"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", HOST: "127.0.0.1", ...env },
    extendEnv: false, reject: false, all: true, timeout: 120_000,
  });
  expect(result.exitCode).not.toBe(0);
  expect(result.all).toMatch(/needs a writable cgroup.*no cgroup file system at \/nonexistent-cgroup-root.*Delegate=yes.*CODEX_ALLOW_RLIMIT_ONLY=1/s);
}, 180_000);

test("with CODEX_ALLOW_RLIMIT_ONLY=1 it starts, warns, and /codex/health names rlimits as what bounds each limit", async () => {
  bot = await startBot(await appEnv({ CODEX_CGROUP_ROOT: "/nonexistent-cgroup-root", CODEX_ALLOW_RLIMIT_ONLY: "1" }));
  const health = (await (await fetch(`${bot.url}/codex/health`)).json()) as { sandbox: Record<string, unknown> };
  expect(health.sandbox).toMatchObject({
    ok: true,
    enforcement: { mechanism: "rlimits only", memory: expect.stringMatching(/^ulimit -v/), processes: expect.stringMatching(/^(ulimit -u|NOT ENFORCED)/) },
    warnings: [expect.stringMatching(/^no cgroup bounds the sandbox/)],
  });
  expect(bot.output()).toMatch(/CODEX_ALLOW_RLIMIT_ONLY is set: the sandbox runs with rlimits alone/);
}, 180_000);

test("on this host the health page names the cgroup hierarchy that bounds memory and processes", async () => {
  bot = await startBot(await appEnv({}));
  const health = (await (await fetch(`${bot.url}/codex/health`)).json()) as { sandbox: Record<string, unknown> };
  expect(health.sandbox).toMatchObject({
    ok: true,
    enforcement: { mechanism: expect.stringMatching(/^cgroup v[12]$/), memory: expect.stringMatching(/the whole sandbox$/), processes: expect.stringMatching(/the whole sandbox$/) },
    warnings: [],
  });
}, 180_000);
