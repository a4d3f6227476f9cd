import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { codexBot } from "../../src/app.js";
import { readServerConfig } from "../../src/config/server-config.js";
import { freePort, generatePrivateKey, waitFor } from "../helpers/bot-process.js";

describe("first start and the app manifest", () => {
  test("`npm start` with no APP_ID serves Probot's setup page, which registers the app from app.yml", async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), "codex-setup-"));
    const child = execa("npm", ["start", "--silent"], {
      cwd: process.cwd(), env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", HOST: "127.0.0.1", PORT: String(port), CODEX_DATA_DIR: dir },
      extendEnv: false, reject: false, detached: true,
    });
    try {
      const page = await waitFor("the setup page", async () => {
        const res = await fetch(`http://127.0.0.1:${port}/probot`).catch(() => null);
        return res?.status === 200 ? res.text() : undefined;
      }, 120_000);
      expect(page).toContain("Register GitHub App");
      expect(page).toContain("codex-bot");
    } finally {
      process.kill(-child.pid!, "SIGKILL");
      await child.catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  test("app.yml subscribes to exactly the events the app handles", async () => {
    const manifest = parse(await readFile("app.yml", "utf8")) as { default_events: string[] };
    const dir = await mkdtemp(join(tmpdir(), "codex-manifest-"));
    const probot = new Probot({ appId: 1, privateKey: generatePrivateKey(), log: pino({ level: "silent" }), Octokit: ProbotOctokit });
    const handled = new Set<string>();
    const on = probot.on.bind(probot);
    probot.on = ((names: string | string[], handler: never) => {
      for (const name of [names].flat()) handled.add(name.split(".")[0]!);
      return on(names as never, handler);
    }) as typeof probot.on;
    const app = codexBot(readServerConfig({ CODEX_DATA_DIR: dir }));
    try {
      await app(probot, { addHandler: () => undefined, cwd: process.cwd() } as never);
      expect([...handled].sort()).toEqual([...manifest.default_events].sort());
    } finally {
      // Without it the app's self-test and task store would outlive the test (and its directory).
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
