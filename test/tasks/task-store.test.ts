import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_ATTEMPTS, TaskStore, type EnqueueInput } from "../../src/tasks/task-store.js";
import type { CodeTaskRequest } from "../../src/tasks/task-types.js";

function input(number: number, repo = "r"): EnqueueInput {
  return {
    kind: "code", installationId: 1, owner: "o", repo, number,
    request: { trigger: "label", issueTitle: "t", instruction: "", issueBody: "", sender: { login: "m", id: 1 }, cloneUrl: "u", defaultBranch: "main", htmlUrl: "h" },
  };
}

describe("task store (real SQLite file)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "store-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("tasks survive a restart; running ones are requeued, then failed after too many attempts", () => {
    const file = join(dir, "codex.db");
    let store = new TaskStore(file);
    const task = store.enqueue(input(1))!;
    expect(store.claimNext()!.id).toBe(task.id);
    store.close();

    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      store = new TaskStore(file);
      expect(store.recoverInterrupted()).toEqual({ requeued: 1, failed: 0 });
      expect(store.claimNext()).toMatchObject({ id: task.id, attempts: attempt + 1 });
      store.close();
    }
    store = new TaskStore(file);
    expect(store.recoverInterrupted()).toEqual({ requeued: 0, failed: 1 });
    expect(store.get(task.id)!.status).toBe("failed");
    store.close();
  });

  test("one active task per issue; other issues run alongside", () => {
    const store = new TaskStore(join(dir, "db"));
    expect(store.enqueue(input(1))).not.toBeNull();
    expect(store.enqueue(input(1))).toBeNull();
    expect(store.enqueue(input(2))).not.toBeNull();
    expect(store.enqueue(input(1, "other"))).not.toBeNull();
    const claimed = [store.claimNext(), store.claimNext(), store.claimNext(), store.claimNext()];
    expect(claimed.filter(Boolean)).toHaveLength(3);
    store.close();
  });

  test("a finished task lets the issue be queued again; claims go oldest first", () => {
    const store = new TaskStore(join(dir, "db"));
    const first = store.enqueue(input(7))!;
    store.finish(store.claimNext()!.id, "succeeded", "ok");
    const second = store.enqueue(input(7))!;
    expect(second.id).not.toBe(first.id);
    expect(store.get(first.id)!.summary).toBe("ok");
    expect(store.claimNext()!.id).toBe(second.id);
    store.close();
  });

  test("follow-ups wait behind a running task in order; the same request again replaces the waiting one", () => {
    const store = new TaskStore(join(dir, "db"));
    const ask = (instruction: string) => store.enqueue({ ...input(5), request: { ...(input(5).request as CodeTaskRequest), instruction } }, { queueBehindRunning: true });
    ask("first");
    expect(store.claimNext()!.request).toMatchObject({ instruction: "first" });
    const a = ask("add tests")!;
    const b = ask("rename it")!;
    const again = ask("add tests")!;
    expect(store.get(a.id)!.status).toBe("cancelled");
    expect([b, again].map((t) => store.get(t.id)!.status)).toEqual(["queued", "queued"]);
    expect(store.claimNext()).toBeNull();
    store.close();
  });

  test("deliveries are recorded only together with their task", () => {
    const store = new TaskStore(join(dir, "db"));
    expect(store.hasDelivery("d1")).toBe(false);
    expect(store.enqueueForDelivery("d1", input(3))).not.toBeNull();
    expect(store.hasDelivery("d1")).toBe(true);
    expect(store.enqueueForDelivery("d1", input(4))).toBeNull();
    expect(store.countByStatus("queued")).toBe(1);
    store.close();
  });

  test("status comment and PR number are kept for a resumed task", () => {
    const store = new TaskStore(join(dir, "db"));
    const task = store.enqueue(input(9))!;
    store.setStatusComment(task.id, 555);
    store.setPullRequest(task.id, 10);
    expect(store.get(task.id)).toMatchObject({ statusCommentId: 555, prNumber: 10 });
    expect(store.findByLogId(task.logId)!.id).toBe(task.id);
    expect(task.logId).toMatch(/^[0-9a-f]{32}$/);
    store.close();
  });
});
