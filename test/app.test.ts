// codexBot's stop(): what the app starts (the sandbox self-test, the worker, the janitor, the task
// store) ends with it, so that a server, or a test, can shut it down without leaving work behind.
import { mkdtemp, rm } from "node:fs/promises";
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { codexBot } from "../src/app.js";
import { readServerConfig } from "../src/config/server-config.js";
import { SqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { generatePrivateKey } from "./helpers/bot-process.js";

type Route = (req: IncomingMessage, res: ServerResponse) => boolean;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "codex-app-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function probotLoggingTo(lines: string[]): Probot {
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => done(void lines.push(chunk.toString())) });
  return new Probot({ appId: 1, privateKey: generatePrivateKey(), log: pino({ level: "info" }, stream), Octokit: ProbotOctokit });
}

test("stop() waits for the sandbox self-test, never starts the worker after it, and closes the task store", async () => {
  const queued = new SqliteStore(join(dir, "codex.db"));
  const task = (await queued.enqueue({
    kind: "code", installationId: 1, owner: "acme", repo: "widgets", number: 1,
    request: { trigger: "label", issueTitle: "t", instruction: "b", issueBody: "b", sender: { login: "maintainer", id: 7 }, cloneUrl: "", defaultBranch: "main", htmlUrl: "" },
  }))!;
  await queued.close();
  const lines: string[] = [];
  let routes: Route | undefined;
  const app = codexBot(readServerConfig({ CODEX_DATA_DIR: dir }), { mode: "host-root", uid: 0, hostUser: undefined, warning: "as host root (test)" });
  await app(probotLoggingTo(lines), { addHandler: (handler: Route) => (routes = handler), cwd: process.cwd() } as never);

  await app.stop();

  // The self-test's outcome is logged when it ends: stop() did not leave it running.
  expect(lines.join("")).toMatch(/sandbox self-test (passed|FAILED)/);
  // The worker would have claimed the task as soon as the self-test ended; it stays for the next start.
  const after = new SqliteStore(join(dir, "codex.db"));
  expect((await after.get(task.id))?.status).toBe("queued");
  await after.close();
  // The app's own connection is closed: the health route can no longer count tasks.
  const request = Object.assign(new IncomingMessage(new Socket()), { method: "GET", url: "/codex/health" });
  await expect(routes!(request, new ServerResponse(request))).rejects.toThrow(/not open/);
});

test("a sandbox run as host root is logged at start as a warning saying what is weaker", async () => {
  const lines: string[] = [];
  const warning = "CODEX_SANDBOX_USER=root: bubblewrap runs as host root (test)";
  const app = codexBot(readServerConfig({ CODEX_DATA_DIR: dir }), { mode: "host-root", uid: 0, hostUser: undefined, warning });
  await app(probotLoggingTo(lines), { addHandler: () => undefined, cwd: process.cwd() } as never);
  await app.stop();
  const logged = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).find((entry) => entry.msg.includes(warning));
  expect(logged).toMatchObject({ level: 40, msg: `sandbox user: ${warning}` });
});
