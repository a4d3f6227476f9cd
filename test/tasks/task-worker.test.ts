import { pino } from "pino";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { TaskWorker } from "../../src/tasks/task-worker.js";
import type { TaskRecord } from "../../src/tasks/task-types.js";

const input = (number: number) => ({
  kind: "code" as const, installationId: 1, owner: "o", repo: "r", number,
  request: { trigger: "label" as const, issueTitle: "t", instruction: "", issueBody: "", sender: { login: "m", id: 1 }, cloneUrl: "u", defaultBranch: "main", htmlUrl: "h" },
});

describe("TaskWorker", () => {
  test("a task queued before start() waits for it: nothing runs before the sandbox self-test has passed", async () => {
    const store = new SqliteStore(":memory:");
    const ran: string[] = [];
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const worker = new TaskWorker(store, async (task: TaskRecord) => {
      ran.push(task.id);
      await store.finish(task.id, "succeeded", "ok");
      release();
    }, { concurrency: 2, workerId: "w1", leaseMs: 60_000, pollMs: 60_000 }, pino({ level: "silent" }));
    const task = (await store.enqueue(input(1)))!;
    worker.poke();
    worker.poke();
    // A claim would have marked it running at once; it is still queued.
    expect((await store.get(task.id))!.status).toBe("queued");
    await worker.start();
    await done;
    await worker.stop();
    expect(ran).toEqual([task.id]);
    await store.close();
  });
});
