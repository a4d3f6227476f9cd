// A request survives GitHub's bad minutes and the bot's own absence: the webhook path only
// records the delivery, a dispatcher does the work afterwards and retries, and deliveries GitHub
// could not make are asked for again. Each test runs `npm start` against the fake GitHub.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";
import { startScriptedModel, type ScriptStep, type ScriptedModel } from "../fakes/fake-openai.js";
import { freePort, generatePrivateKey, startBot, waitFor, type BotProcess } from "../helpers/bot-process.js";
import { sendWebhook } from "../helpers/webhooks.js";
import { findPull, labeledPayload, OWNER, PROJECT_FILES, SECRET, successfulRun } from "./widgets-project.js";

const ISSUE = { number: 7, title: "Date parsing drops the timezone", body: "Keep the offset." };

describe("never lose a request (real server process)", () => {
  let fake: FakeGitHub;
  let model: ScriptedModel | undefined;
  let bot: BotProcess | undefined;
  let dataDir: string;
  let cloneUrl: string;
  const privateKey = generatePrivateKey();

  beforeEach(async () => {
    fake = await startFakeGitHub();
    dataDir = await mkdtemp(join(tmpdir(), "codex-e2e-intake-"));
    ({ cloneUrl } = await fake.createRepo({ owner: OWNER, name: "widgets", files: PROJECT_FILES }));
    fake.setPermission(OWNER, "widgets", "maintainer", "write");
    fake.addIssue(OWNER, "widgets", { ...ISSUE, user: "maintainer" });
  });
  afterEach(async () => {
    await bot?.kill();
    await model?.close();
    bot = undefined;
    model = undefined;
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function boot(script: ScriptStep[], port?: number, extra: Record<string, string> = {}): Promise<BotProcess> {
    model ??= await startScriptedModel(script, { apiKey: "sk-e2e" });
    const p = port ?? (await freePort());
    bot = await startBot({
      APP_ID: "1", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, PORT: String(p), GHE_HOST: fake.host, GHE_PROTOCOL: "http",
      OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-e2e", CODEX_DATA_DIR: dataDir, ...extra,
    });
    return bot;
  }
  /** waitFor, with the bot's recent output in the error: what it did is the first thing to read. */
  const until = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000) =>
    waitFor(what, probe, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}\nbot output:\n${bot?.output().slice(-6000) ?? "(no bot)"}`);
    });
  const pullPosts = () => fake.requests.filter((r) => r.method === "POST" && /\/pulls$/.test(r.path));
  const eyes = () => fake.reactions(OWNER, "widgets").filter((r) => r.content === "eyes");

  test("GitHub answers 502 while an issue is labeled: the delivery is still answered 2xx, and the PR appears once GitHub recovers", async () => {
    const running = await boot(successfulRun());
    fake.startOutage(502);
    const reply = await sendWebhook({ url: running.url, secret: SECRET, name: "issues", payload: labeledPayload(fake, "widgets", cloneUrl, ISSUE) });
    // Every GitHub call fails now, so a 200 means the answer needed none.
    expect(reply.status).toBe(200);
    await until("the bot to meet the outage", () => (fake.outageAnswered() >= 2 ? true : undefined));
    expect(findPull(fake, "widgets", 8)).toBeUndefined();
    // The health page shows the waiting delivery.
    const during = (await (await fetch(`${running.url}/codex/health`)).json()) as { inbox: { pending: number; oldestPendingAgeSeconds: number | null } };
    expect(during.inbox.pending).toBe(1);
    expect(during.inbox.oldestPendingAgeSeconds).toEqual(expect.any(Number));
    fake.endOutage();

    await until("the pull request", () => findPull(fake, "widgets", 8));
    await until("the final status", () => fake.comments(OWNER, "widgets", ISSUE.number).find((c) => c.body.includes("Opened #8")));
    expect(pullPosts()).toHaveLength(1);
    expect(eyes()).toHaveLength(1);
    expect(fake.comments(OWNER, "widgets", ISSUE.number).filter((c) => c.user === "codex-bot[bot]")).toHaveLength(1);
    // The task log starts with the delivery that queued it.
    const logs = await readdir(join(dataDir, "logs"));
    expect(logs).toHaveLength(1);
    expect(await readFile(join(dataDir, "logs", logs[0]!), "utf8")).toMatch(/task: queued by webhook delivery [0-9a-f-]{36}, received \d{4}-\d\d-\d\dT[\d:.]+Z; attempt 1/);
    const after = (await (await fetch(`${running.url}/codex/health`)).json()) as { inbox: { pending: number; oldestPendingAgeSeconds: number | null } };
    expect(after.inbox).toEqual({ pending: 0, oldestPendingAgeSeconds: null });
  }, 240_000);

  test("the bot is down when the issue is labeled: at start it finds the failed delivery, asks for it again, and opens exactly one PR", async () => {
    const port = await freePort();
    fake.setWebhook({ url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: SECRET });
    const failed = await fake.deliver("issues", labeledPayload(fake, "widgets", cloneUrl, ISSUE));
    expect(failed).toMatchObject({ statusCode: 0, status: "Connection refused" });

    await boot(successfulRun(), port);
    await until("the pull request", () => findPull(fake, "widgets", 8));
    await fake.settleRedeliveries();
    const attempts = fake.deliveries().filter((d) => d.guid === failed.guid);
    expect(attempts.map((a) => [a.redelivery, a.status])).toEqual([[false, "Connection refused"], [true, "OK"]]);
    expect(pullPosts()).toHaveLength(1);
    expect(eyes()).toHaveLength(1);
  }, 240_000);

  test("SIGKILL while a delivery is being dispatched: after the restart, exactly one task, one 👀 and one PR", async () => {
    const first = await boot(successfulRun());
    const port = Number(new URL(first.url).port);
    // The dispatcher has queued the task and is adding its 👀 when the process dies.
    const reacting = fake.holdNext("POST", new RegExp(`/repos/${OWNER}/widgets/issues/${ISSUE.number}/reactions$`));
    const reply = await sendWebhook({ url: first.url, secret: SECRET, name: "issues", payload: labeledPayload(fake, "widgets", cloneUrl, ISSUE) });
    expect(reply.status).toBe(200);
    await reacting;
    await first.kill();
    expect(eyes()).toHaveLength(0);

    await boot([], port);
    await until("the pull request", () => findPull(fake, "widgets", 8));
    await until("the final status", () => fake.comments(OWNER, "widgets", ISSUE.number).find((c) => c.body.includes("Opened #8")));
    expect(eyes()).toHaveLength(1);
    expect(pullPosts()).toHaveLength(1);
    expect(fake.comments(OWNER, "widgets", ISSUE.number).filter((c) => c.user === "codex-bot[bot]")).toHaveLength(1);
    expect(model!.remaining).toBe(0);
  }, 240_000);

  test("a non-writer's label dispatched twice (killed after GitHub took the comment) gets one refusal comment", async () => {
    fake.setPermission(OWNER, "widgets", "drive-by", "read");
    const payload = labeledPayload(fake, "widgets", cloneUrl, ISSUE);
    payload.sender.login = "drive-by";
    const first = await boot([]);
    const port = Number(new URL(first.url).port);
    // GitHub stores the refusal but its answer never arrives: the dispatch cannot finish.
    const stored = fake.holdNext("POST", new RegExp(`/repos/${OWNER}/widgets/issues/${ISSUE.number}/comments$`), { afterHandling: true });
    await sendWebhook({ url: first.url, secret: SECRET, name: "issues", payload });
    await stored;
    await first.kill();
    const refusals = () => fake.comments(OWNER, "widgets", ISSUE.number).filter((c) => c.body.includes("only acts for people with write"));
    expect(refusals()).toHaveLength(1);

    const second = await boot([], port);
    // The second dispatch looks for its earlier comment before posting.
    await until("the second dispatch", () => (fake.requests.some((r) => r.method === "GET" && r.path.includes(`/issues/${ISSUE.number}/comments`)) ? true : undefined));
    await until("the delivery to be done", async () => ((await (await fetch(`${second.url}/codex/health`)).json()) as { inbox: { pending: number } }).inbox.pending === 0 ? true : undefined);
    expect(refusals()).toHaveLength(1);
    expect(fake.comments(OWNER, "widgets", ISSUE.number).filter((c) => c.user === "codex-bot[bot]")).toHaveLength(1);
  }, 240_000);
});
