import nock from "nock";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import type { Octokit } from "../../src/github/types.js";
import { StatusComment } from "../../src/tasks/status-comment.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import type { TaskRecord } from "../../src/tasks/task-types.js";
import { API } from "../helpers/test-app.js";

const octokit = new (ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })))({ auth: { token: "t" } }) as unknown as Octokit;
const repo = { owner: "o", repo: "r" };

describe("StatusComment", () => {
  let store: Store;
  let task: TaskRecord;
  beforeEach(async () => {
    nock.disableNetConnect();
    store = new SqliteStore(":memory:");
    task = (await store.enqueue({
      kind: "code", installationId: 1, owner: "o", repo: "r", number: 4,
      request: { trigger: "label", issueTitle: "t", instruction: "", issueBody: "", sender: { login: "maintainer", id: 7 }, cloneUrl: "", defaultBranch: "main", htmlUrl: "" },
    }))!;
    // A task resumed after a restart already has its comment; the next edit is due at once.
    task.statusCommentId = 55;
  });
  afterEach(async () => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
    await store.close();
  });

  test("a plan edit GitHub refuses is logged with the task, not dropped", async () => {
    const logged = new Promise<Record<string, unknown>>((resolve) => {
      const log = pino({ level: "warn" }, { write: (line: string) => resolve(JSON.parse(line) as Record<string, unknown>) });
      nock(API).patch("/repos/o/r/issues/comments/55").reply(502, { message: "Bad Gateway" });
      new StatusComment(octokit, repo, task, store, undefined, { log }).setPlan([{ step: "Read the code", status: "in_progress" }]);
    });
    expect(await logged).toMatchObject({ level: 40, task: task.id, msg: expect.stringContaining("status comment"), err: expect.objectContaining({ status: 502 }) });
  });

  test("the plan the model wrote is posted sanitised; the log link and the requester's ping stay", async () => {
    let posted = "";
    nock(API).patch("/repos/o/r/issues/comments/55", (b: { body: string }) => ((posted = b.body), true)).reply(200, { id: 55 });
    const outgoing = { mentions: ["maintainer"], allowedOrigins: ["https://codex.example.com"] };
    const status = new StatusComment(octokit, repo, task, store, "https://codex.example.com/codex/logs/x", { outgoing, log: pino({ level: "silent" }) });
    status.setPlan([{ step: "Ask @org/everyone, then ![p](https://attacker.example/?d=1)", status: "in_progress" }]);
    await status.update({ detail: "started by @maintainer" });
    expect(posted).toBe("**codex is working on this** · [log](https://codex.example.com/codex/logs/x)\n\nstarted by @maintainer\n\n- [ ] **Ask @\u2060org/everyone, then p**");
  });
});
