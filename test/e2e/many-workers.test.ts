// Several machines on one PostgreSQL: `npm start` (webhooks and a worker) and two `npm run
// worker` processes, each with a data directory of its own, against the fake GitHub and a model
// that serves each issue's conversation. A worker killed mid-agent loses nothing: its tasks are
// taken over when their lease lapses and every issue still ends with exactly one pull request;
// a worker given SIGTERM hands its task back and exits 0.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startFakeGitHub, type FakeGitHub } from "../fakes/fake-github.js";
import { startConversationModel, type ConversationModel, type HeldCall } from "../fakes/openai/conversation-model.js";
import { freePort, generatePrivateKey, startBot, startWorker, waitFor, workerPid, type BotProcess, type WorkerProcess } from "../helpers/bot-process.js";
import { usePostgres } from "../helpers/postgres.js";
import { sendWebhook } from "../helpers/webhooks.js";
import { labeledPayload, OWNER, PROJECT_FILES, SECRET, successfulRun } from "./widgets-project.js";

const ISSUES = [1, 2, 3, 4, 5, 6].map((n) => ({ number: n, title: `Task-${n}: date parsing drops the timezone`, body: "Keep the offset." }));
const LEASE_SECONDS = 60;
const postgres = usePostgres();

/** The process group a pid belongs to (field 5 of /proc/<pid>/stat), to tell which of our processes runs a task. */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

describe("many workers on one PostgreSQL (real processes)", () => {
  let fake: FakeGitHub;
  let model: ConversationModel;
  let web: BotProcess | undefined;
  const workers: WorkerProcess[] = [];
  const dirs: string[] = [];
  let db: pg.Pool;
  let cloneUrl: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeGitHub();
    ({ cloneUrl } = await fake.createRepo({ owner: OWNER, name: "widgets", files: PROJECT_FILES }));
    fake.setPermission(OWNER, "widgets", "maintainer", "write");
    for (const issue of [...ISSUES, { number: 7, title: "Task-7: date parsing drops the timezone", body: "Keep the offset." }]) fake.addIssue(OWNER, "widgets", { ...issue, user: "maintainer" });
    model = await startConversationModel({ route: (raw) => /Task-(\d+)/.exec(raw)?.[1], script: () => successfulRun() });
    const url = await postgres.freshDatabase();
    db = new pg.Pool({ connectionString: url, max: 4 });
    env = {
      APP_ID: "1", PRIVATE_KEY: generatePrivateKey(), WEBHOOK_SECRET: SECRET, GHE_HOST: fake.host, GHE_PROTOCOL: "http",
      OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-e2e", DATABASE_URL: url, CODEX_CONCURRENCY: "2",
      CODEX_TASK_LEASE_SECONDS: String(LEASE_SECONDS), CODEX_SHUTDOWN_GRACE_SECONDS: "0",
      // One JSON object per line, so the tests can read which pid runs which task.
      LOG_FORMAT: "json",
    };
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) await w.kill();
    await web?.kill();
    await db?.end();
    await model?.close();
    await fake?.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "codex-e2e-fleet-"));
    dirs.push(dir);
    return dir;
  };
  const output = () => [web?.output() ?? "", ...workers.map((w) => w.output())].map((o) => o.slice(-3000)).join("\n---\n");
  const until = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 240_000) =>
    waitFor(what, probe, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}\nprocesses' output:\n${output()}`);
    });
  const pullsFor = (issue: number) => fake.issues(OWNER, "widgets").filter((i) => i.pull?.head.startsWith(`codex/issue-${issue}-`));
  const task = async (issue: number) => (await db.query<{ status: string; attempts: number; worker_id: string | null; id: string }>("SELECT id, status, attempts, worker_id FROM tasks WHERE number = $1 ORDER BY seq DESC LIMIT 1", [issue])).rows[0];
  const label = async (issue: { number: number; title: string; body: string }) => {
    const reply = await sendWebhook({ url: web!.url, secret: SECRET, name: "issues", payload: labeledPayload(fake, "widgets", cloneUrl, issue) });
    expect(reply.status).toBe(200);
  };

  test("six issues over three processes; SIGKILL of a worker mid-agent: every issue ends with exactly one PR, the killed tasks taken over within 2 minutes", async () => {
    // Processes start one at a time: each `npm run` builds dist/ first.
    web = await startBot({ ...env, PORT: String(await freePort()), CODEX_DATA_DIR: await dataDir() });
    await until("the web process's worker", () => (web!.output().includes('"worker taking tasks"') ? true : undefined));
    for (let i = 0; i < 2; i++) workers.push(await startWorker({ ...env, CODEX_DATA_DIR: await dataDir() }));
    const groups = new Map([[processGroup(workerPid(web.output())), "web"], ...workers.map((w, i) => [processGroup(w.nodePid()), `worker${i}`] as const)]);

    // Every task stops at its second model call: six tasks, two per process, all running at once.
    const held = new Map<number, HeldCall>(ISSUES.map((i) => [i.number, model.hold(String(i.number), 1)]));
    for (const issue of ISSUES) await label(issue);
    await until("all six tasks at their second model call", () => Promise.all([...held.values()].map((h) => h.arrived)).then(() => true));
    const running = await Promise.all(ISSUES.map(async (i) => ({ issue: i.number, ...(await task(i.number))! })));
    expect(running.every((t) => t.status === "running")).toBe(true);
    const where = running.map((t) => ({ issue: t.issue, process: groups.get(processGroup(Number(t.worker_id!.split(":")[1]))) }));
    // Each process runs at most CODEX_CONCURRENCY (2) of them; six slots, six tasks.
    for (const name of groups.values()) expect(where.filter((w) => w.process === name)).toHaveLength(2);

    const victim = workers[0]!;
    const killedIssues = where.filter((w) => w.process === "worker0").map((w) => w.issue);
    await victim.kill();
    const killedAt = Date.now();
    for (const h of held.values()) h.release();

    // Taken over once the lease lapses, by a live process, from the start (attempt 2).
    const takenOver = await Promise.all(killedIssues.map((issue) => until(`issue ${issue} taken over`, async () => {
      const t = await task(issue);
      return t && t.attempts === 2 ? Date.now() : undefined;
    }, 180_000)));
    for (const at of takenOver) expect(at - killedAt).toBeLessThan(120_000);

    for (const issue of ISSUES) await until(`the PR for issue ${issue.number}`, () => (pullsFor(issue.number).length > 0 ? true : undefined));
    await until("every task finished", async () => ((await db.query("SELECT 1 FROM tasks WHERE status IN ('queued', 'running')")).rowCount === 0 ? true : undefined));
    for (const issue of ISSUES) {
      expect(pullsFor(issue.number)).toHaveLength(1);
      expect((await task(issue.number))!.status).toBe("succeeded");
    }
    expect(fake.requests.filter((r) => r.method === "POST" && /\/pulls$/.test(r.path))).toHaveLength(ISSUES.length);
    // A resumed task's status comment says so.
    for (const issue of killedIssues) {
      const status = fake.comments(OWNER, "widgets", issue).filter((c) => c.user === "codex-bot[bot]");
      expect(status).toHaveLength(1);
      expect(fake.requests.some((r) => r.method === "PATCH" && r.path.endsWith(`/comments/${status[0]!.id}`) && JSON.stringify(r.body).includes("Attempt 2 · resumed from the start"))).toBe(true);
    }
    // The log link works from the web process whichever machine ran the task: its copy is in the store.
    const { rows } = await db.query<{ log_id: string }>("SELECT log_id FROM tasks WHERE number = $1", [killedIssues[0]]);
    const page = await fetch(`${web.url}/codex/logs/${rows[0]!.log_id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/attempt 2/);
    expect(model.errors).toEqual([]);
  }, 600_000);

  test("SIGTERM on the process running a task: it hands the task back and exits 0; the other finishes it, one PR", async () => {
    const issue = { number: 7, title: "Task-7: date parsing drops the timezone", body: "Keep the offset." };
    const hold = model.hold("7", 1);
    await label(issue);
    await until("issue 7's task at its second model call", () => hold.arrived.then(() => true));
    const t = (await task(7))!;
    const pid = Number(t.worker_id!.split(":")[1]);
    const live = [web!, workers[1]!];
    const holder = live.find((p) => (p === web ? workerPid(web!.output()) : (p as WorkerProcess).nodePid()) === pid)!;
    expect(holder).toBeDefined();
    const exitCode = holder === web ? web!.process.then((r) => r.exitCode) : (holder as WorkerProcess).exited;
    // To the node process alone, as a service manager stops it; npm then exits with its code.
    process.kill(pid, "SIGTERM");
    hold.release();
    expect(await exitCode).toBe(0);
    if (holder === web) web = undefined;
    expect(holder.output()).toMatch(/task handed back to the queue/);
    await until("issue 7's PR", () => (pullsFor(7).length > 0 ? true : undefined));
    await until("issue 7's task finished", async () => ((await task(7))!.status === "succeeded" ? true : undefined));
    expect((await task(7))!.attempts).toBe(2);
    expect(pullsFor(7)).toHaveLength(1);
    expect(model.errors).toEqual([]);
  }, 600_000);
});
