import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { createEventRoutes } from "../../src/handlers/event-routes.js";
import { routedEvents } from "../../src/intake/dispatch-event.js";
import { freePort, waitFor } from "../helpers/bot-process.js";

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

  test("`npm start` refuses to start when the sandbox user does not exist, saying how to create it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "codex-setup-"));
    try {
      const result = await execa("npm", ["start", "--silent"], {
        cwd: process.cwd(), env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", CODEX_DATA_DIR: dir, CODEX_SANDBOX_USER: "codex-no-such-user" },
        extendEnv: false, reject: false, timeout: 120_000,
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain("useradd --system --user-group --no-create-home --shell /usr/sbin/nologin codex-no-such-user");
      expect(result.stdout).toContain("CODEX_SANDBOX_USER=root");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  test("app.yml subscribes to exactly the events the app handles", async () => {
    const manifest = parse(await readFile("app.yml", "utf8")) as { default_events: string[] };
    // Building the handlers touches nothing: every dependency is only called by an event.
    const unused = () => {
      throw new Error("not called while routes are built");
    };
    const routes = createEventRoutes({ store: {} as never, poke: unused, defaultLabel: "codex", repoConfig: {} as never, botLogin: unused, mention: "codex", cancel: unused });
    const handled = new Set(routedEvents(routes).map((name) => name.split(".")[0]!));
    expect([...handled].sort()).toEqual([...manifest.default_events].sort());
  });
});
