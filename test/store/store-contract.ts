import { MAX_ATTEMPTS, type EnqueueInput, type NewDelivery, type Store } from "../../src/store/store.js";
import type { CodeTaskRequest } from "../../src/tasks/task-types.js";

/** Opens a store on fresh, empty state; `reopen` opens the same state again, as after a restart. */
export interface StoreFactory {
  open(): Promise<Store>;
  reopen(): Promise<Store>;
  cleanUp(): Promise<void>;
}

function input(number: number, repo = "r", installationId = 1): EnqueueInput {
  return {
    kind: "code", installationId, owner: "o", repo, number,
    request: { trigger: "label", issueTitle: "t", instruction: "", issueBody: "", sender: { login: "m", id: 1 }, cloneUrl: "u", defaultBranch: "main", htmlUrl: "h" },
  };
}

let deliveryCount = 0;
function delivery(target: string, receivedAt: number, extra: Partial<NewDelivery> = {}): NewDelivery {
  return { id: `guid-${++deliveryCount}`, event: "issues", action: "labeled", installationId: 1, repository: "o/r", target, payload: { n: deliveryCount }, receivedAt, ...extra };
}

/**
 * What every Store backend must do. Run by test/store/sqlite-store.test.ts (and by the
 * PostgreSQL backend's test once it exists): the semantics, not the SQL, are the contract.
 */
export function describeStoreContract(name: string, factory: () => StoreFactory) {
  describe(`${name}: the Store contract`, () => {
    let f: StoreFactory;
    let store: Store;
    beforeEach(async () => {
      f = factory();
      store = await f.open();
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
      await f.cleanUp();
    });

    describe("tasks", () => {
      test("tasks survive a restart; running ones are requeued, then failed after too many attempts", async () => {
        const task = (await store.enqueue(input(1)))!;
        expect((await store.claimNext())!.id).toBe(task.id);
        for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
          await store.close();
          store = await f.reopen();
          expect(await store.recoverInterrupted()).toEqual({ requeued: 1, failed: 0 });
          expect(await store.claimNext()).toMatchObject({ id: task.id, attempts: attempt + 1 });
        }
        await store.close();
        store = await f.reopen();
        expect(await store.recoverInterrupted()).toEqual({ requeued: 0, failed: 1 });
        expect((await store.get(task.id))!.status).toBe("failed");
      });

      test("one active task per issue; other issues run alongside", async () => {
        expect(await store.enqueue(input(1))).not.toBeNull();
        expect(await store.enqueue(input(1))).toBeNull();
        expect(await store.enqueue(input(2))).not.toBeNull();
        expect(await store.enqueue(input(1, "other"))).not.toBeNull();
        const claimed = [await store.claimNext(), await store.claimNext(), await store.claimNext(), await store.claimNext()];
        expect(claimed.filter(Boolean)).toHaveLength(3);
      });

      test("a finished task lets the issue be queued again; claims go oldest first", async () => {
        const first = (await store.enqueue(input(7)))!;
        await store.finish((await store.claimNext())!.id, "succeeded", "ok");
        const second = (await store.enqueue(input(7)))!;
        expect(second.id).not.toBe(first.id);
        expect((await store.get(first.id))!.summary).toBe("ok");
        expect((await store.claimNext())!.id).toBe(second.id);
      });

      test("follow-ups wait behind a running task in order; the same request again replaces the waiting one", async () => {
        const ask = (instruction: string) => store.enqueue({ ...input(5), request: { ...(input(5).request as CodeTaskRequest), instruction } }, { queueBehindRunning: true });
        await ask("first");
        expect((await store.claimNext())!.request).toMatchObject({ instruction: "first" });
        const a = (await ask("add tests"))!;
        const b = (await ask("rename it"))!;
        const again = (await ask("add tests"))!;
        expect((await store.get(a.id))!.status).toBe("cancelled");
        expect([(await store.get(b.id))!.status, (await store.get(again.id))!.status]).toEqual(["queued", "queued"]);
        expect(await store.claimNext()).toBeNull();
      });

      test("a newer review replaces the waiting one", async () => {
        const review = (headSha: string): EnqueueInput => ({
          kind: "review", installationId: 1, owner: "o", repo: "r", number: 8,
          request: { trigger: "pull_request", action: "synchronize", headSha, baseRef: "main", cloneUrl: "u", sender: { login: "a", id: 2 } },
        });
        const old = (await store.enqueue(review("a1"), { replaceQueued: true }))!;
        const fresh = (await store.enqueue(review("b2"), { replaceQueued: true }))!;
        expect((await store.get(old.id))!.status).toBe("cancelled");
        expect((await store.claimNext())!.id).toBe(fresh.id);
      });

      test("a delivery queues its task once: dispatched again, it gets the same task back, not a second", async () => {
        const d = delivery("o/r#3", 1_000);
        await store.recordDelivery(d);
        const task = (await store.enqueueForDelivery(d.id, input(3)))!;
        expect(task.delivery).toEqual({ id: d.id, receivedAt: 1_000 });
        expect((await store.enqueueForDelivery(d.id, input(3)))!.id).toBe(task.id);
        expect(await store.countByStatus("queued")).toBe(1);
        // A delivery that queued nothing (a task was already running) queues nothing the second time either.
        const busy = delivery("o/r#3", 2_000);
        await store.recordDelivery(busy);
        expect(await store.enqueueForDelivery(busy.id, input(3))).toBeNull();
        await store.finish(task.id, "succeeded", "done");
        expect(await store.enqueueForDelivery(busy.id, input(3))).toBeNull();
      });

      test("status comment and PR number are kept for a resumed task", async () => {
        const task = (await store.enqueue(input(9)))!;
        await store.setStatusComment(task.id, 555);
        await store.setPullRequest(task.id, 10);
        expect(await store.get(task.id)).toMatchObject({ statusCommentId: 555, prNumber: 10, delivery: null });
        expect((await store.findByLogId(task.logId))!.id).toBe(task.id);
        expect(task.logId).toMatch(/^[0-9a-f]{32}$/);
      });

      test("a claim is the worker's while its heartbeat renews the lease; a lapsed lease is taken over", async () => {
        const task = (await store.enqueue(input(1)))!;
        await store.enqueue(input(2));
        expect(await store.claimNext({ worker: "w1", now: 1_000, leaseMs: 5_000 })).toMatchObject({ id: task.id, attempts: 1, status: "running" });
        const other = (await store.claimNext({ worker: "w2", now: 1_000, leaseMs: 5_000 }))!;
        expect(await store.renewTasks("w1", 20_000)).toEqual([{ id: task.id, cancelRequested: null }]);
        // w2's lease ended at 6 000 and it sent no heartbeat; w1's was renewed to 20 000.
        expect(await store.recoverInterrupted(10_000)).toEqual({ requeued: 1, failed: 0 });
        expect((await store.get(other.id))!.status).toBe("queued");
        expect((await store.get(task.id))!.status).toBe("running");
        const takenOver = (await store.claimNext({ worker: "w3", now: 10_000, leaseMs: 5_000 }))!;
        expect(takenOver).toMatchObject({ id: other.id, attempts: 2 });
        // The worker that lost it learns so from its next heartbeat.
        expect(await store.renewTasks("w2", 30_000)).toEqual([]);
        expect(await store.renewTasks("w3", 30_000)).toEqual([{ id: other.id, cancelRequested: null }]);
      });

      test("a lapsed lease fails the task after MAX_ATTEMPTS", async () => {
        const task = (await store.enqueue(input(1)))!;
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          expect(await store.claimNext({ worker: `w${attempt}`, now: attempt * 1_000, leaseMs: 100 })).toMatchObject({ id: task.id, attempts: attempt });
          expect(await store.recoverInterrupted(attempt * 1_000 + 100)).toEqual(attempt < MAX_ATTEMPTS ? { requeued: 1, failed: 0 } : { requeued: 0, failed: 1 });
        }
        expect((await store.get(task.id))!).toMatchObject({ status: "failed", summary: "gave up after repeated interruptions" });
      });

      test("a task handed back goes to the front of the queue for any worker; only its worker can hand it back", async () => {
        const first = (await store.enqueue(input(1)))!;
        const second = (await store.enqueue(input(2)))!;
        expect((await store.claimNext({ worker: "w1", now: 1_000, leaseMs: 60_000 }))!.id).toBe(first.id);
        expect(await store.releaseTask(first.id, "w2")).toBe(false);
        expect(await store.releaseTask(first.id, "w1")).toBe(true);
        expect(await store.releaseTask(first.id, "w1")).toBe(false);
        expect(await store.renewTasks("w1", 90_000)).toEqual([]);
        expect(await store.claimNext({ worker: "w2", now: 2_000, leaseMs: 60_000 })).toMatchObject({ id: first.id, attempts: 2 });
        expect((await store.claimNext({ worker: "w2", now: 2_000, leaseMs: 60_000 }))!.id).toBe(second.id);
      });

      test("caps per installation and per repository hold over every worker; others are served in between", async () => {
        const caps = (worker: string) => ({ worker, now: 1_000, leaseMs: 60_000, maxPerInstallation: 2, maxPerRepository: 1 });
        // Installation 1 queues first and most: repos a (3 issues), b (1); installation 2 queues one.
        for (const n of [1, 2, 3]) await store.enqueue(input(n, "a", 1));
        await store.enqueue(input(1, "b", 1));
        await store.enqueue(input(1, "c", 2));
        const claimed = [];
        for (const worker of ["w1", "w2", "w1", "w2", "w1"]) claimed.push(await store.claimNext(caps(worker)));
        expect(claimed.map((t) => t && `${t.repo}#${t.number}`)).toEqual(["a#1", "b#1", "c#1", null, null]);
        await store.finish(claimed[0]!.id, "succeeded", "ok");
        expect(await store.claimNext(caps("w2"))).toMatchObject({ repo: "a", number: 2 });
      });

      test("a stop request reaches the worker running the task through its heartbeat and the queue watch", async () => {
        const events: string[] = [];
        const unwatch = await store.watchQueue((event) => events.push(event));
        try {
          const task = (await store.enqueue(input(4)))!;
          await store.claimNext({ worker: "w1", now: 1_000, leaseMs: 60_000 });
          expect(await store.requestCancel("o", "r", 4, "stopped by @m")).toBe(1);
          expect(await store.requestCancel("o", "r", 5, "stopped by @m")).toBe(0);
          expect(await store.renewTasks("w1", 90_000)).toEqual([{ id: task.id, cancelRequested: "stopped by @m" }]);
          for (let polls = 0; events.length < 2 && polls < 500; polls++) await new Promise((r) => setTimeout(r, 10));
          expect(events).toEqual(["queued", "cancel"]);
        } finally {
          await unwatch();
        }
      });

      test("requests for one issue queued in the same millisecond run in the order queued", async () => {
        const ask = (instruction: string) => store.enqueue({ ...input(6), request: { ...(input(6).request as CodeTaskRequest), instruction } }, { queueBehindRunning: true });
        const asked = ["a", "b", "c", "d", "e"];
        for (const instruction of asked) await ask(instruction);
        const ran: string[] = [];
        for (let task = await store.claimNext(); task; task = await store.claimNext()) {
          ran.push((task.request as CodeTaskRequest).instruction);
          await store.finish(task.id, "succeeded", "ok");
        }
        expect(ran).toEqual(asked);
      });

      test("a task's log kept in the store is read back whole, in order", async () => {
        expect(await store.readTaskLog("0".repeat(32))).toBeNull();
        for (const line of ["one\n", "two\n", "three\n"]) await store.appendTaskLog("a".repeat(32), line);
        await store.appendTaskLog("b".repeat(32), "other\n");
        expect(await store.readTaskLog("a".repeat(32))).toBe("one\ntwo\nthree\n");
      });

      test("cancelQueued cancels only what waits for that issue", async () => {
        await store.enqueue(input(1));
        await store.enqueue(input(2));
        expect(await store.cancelQueued("o", "r", 1, "stopped by @m")).toBe(1);
        expect(await store.countByStatus("cancelled")).toBe(1);
        expect(await store.countByStatus("queued")).toBe(1);
      });
    });

    describe("the inbox", () => {
      test("a delivery is recorded once: the same id again is refused", async () => {
        const d = delivery("o/r#1", 1_000);
        expect(await store.recordDelivery(d)).toBe(true);
        expect(await store.recordDelivery({ ...d, payload: { other: true } })).toBe(false);
        expect(await store.hasDelivery(d.id)).toBe(true);
        expect(await store.hasDelivery("unknown")).toBe(false);
        expect(await store.claimDelivery(1_000, 60_000)).toMatchObject({ id: d.id, payload: d.payload, attempts: 1, status: "processing" });
      });

      test("deliveries recorded at the same moment are each recorded once, duplicates refused", async () => {
        const [a, b] = [delivery("o/r#1", 1_000), delivery("o/r#2", 1_000)];
        expect(await Promise.all([store.recordDelivery(a), store.recordDelivery(b), store.recordDelivery(a)])).toEqual([true, true, false]);
        expect((await store.inboxBacklog()).pending).toBe(2);
      });

      test("per target, deliveries are dispatched one at a time in the order received; other targets go alongside", async () => {
        const a1 = delivery("o/r#1", 1_000);
        const a2 = delivery("o/r#1", 2_000);
        const b1 = delivery("o/r#2", 1_500);
        for (const d of [a2, b1, a1]) await store.recordDelivery(d);
        expect((await store.claimDelivery(5_000, 60_000))!.id).toBe(a1.id);
        expect((await store.claimDelivery(5_000, 60_000))!.id).toBe(b1.id);
        expect(await store.claimDelivery(5_000, 60_000)).toBeNull();
        await store.finishDelivery(a1.id, "done");
        expect((await store.claimDelivery(5_000, 60_000))!.id).toBe(a2.id);
      });

      test("a deferred delivery waits until it is due, and holds back later ones for its target", async () => {
        const first = delivery("o/r#1", 1_000);
        const later = delivery("o/r#1", 2_000);
        await store.recordDelivery(first);
        await store.recordDelivery(later);
        await store.claimDelivery(3_000, 60_000);
        await store.deferDelivery(first.id, 10_000, "502 Bad Gateway");
        expect(await store.nextDeliveryDueAt(3_000)).toBe(10_000);
        expect(await store.nextDeliveryDueAt(10_000)).toBeNull();
        expect(await store.claimDelivery(9_999, 60_000)).toBeNull();
        expect(await store.claimDelivery(10_000, 60_000)).toMatchObject({ id: first.id, attempts: 2, lastError: "502 Bad Gateway" });
      });

      test("a lease that ran out makes the delivery claimable again; a restart releases what was being dispatched", async () => {
        const d = delivery("o/r#1", 1_000);
        await store.recordDelivery(d);
        await store.claimDelivery(1_000, 5_000);
        expect(await store.claimDelivery(5_999, 5_000)).toBeNull();
        expect((await store.claimDelivery(6_000, 5_000))!.attempts).toBe(2);
        await store.close();
        store = await f.reopen();
        if (store.shared) {
          // Other processes may be dispatching: a shared store takes nothing from them at start,
          // the lease alone decides.
          expect(await store.releaseDeliveries()).toBe(0);
          expect(await store.claimDelivery(10_999, 5_000)).toBeNull();
          expect((await store.claimDelivery(11_000, 5_000))!.attempts).toBe(3);
        } else {
          expect(await store.releaseDeliveries()).toBe(1);
          expect((await store.claimDelivery(6_001, 5_000))!.attempts).toBe(3);
        }
      });

      test("a renewed lease keeps a long dispatch its own; a finished delivery cannot be renewed", async () => {
        const d = delivery("o/r#1", 1_000);
        await store.recordDelivery(d);
        await store.claimDelivery(1_000, 5_000);
        expect(await store.renewDelivery(d.id, 20_000)).toBe(true);
        expect(await store.claimDelivery(10_000, 5_000)).toBeNull();
        expect((await store.claimDelivery(20_000, 5_000))!.attempts).toBe(2);
        await store.finishDelivery(d.id, "done");
        expect(await store.renewDelivery(d.id, 90_000)).toBe(false);
      });

      test("the backlog counts what is not finished, and knows the oldest", async () => {
        expect(await store.inboxBacklog()).toEqual({ pending: 0, oldestReceivedAt: null });
        const [a, b, c] = [delivery("o/r#1", 1_000), delivery("o/r#2", 2_000), delivery("o/r#3", 3_000)];
        for (const d of [a, b, c]) await store.recordDelivery(d);
        await store.claimDelivery(4_000, 60_000);
        await store.finishDelivery(a.id, "done");
        await store.claimDelivery(4_000, 60_000);
        await store.finishDelivery(b.id, "dropped", "repository gone");
        expect(await store.inboxBacklog()).toEqual({ pending: 1, oldestReceivedAt: 3_000 });
        expect(await store.newestDeliveryAt()).toBe(3_000);
        expect(await store.pruneDeliveries(2_500)).toBe(2);
        expect(await store.hasDelivery(c.id)).toBe(true);
        expect(await store.hasDelivery(a.id)).toBe(false);
      });

      test("redelivery requests are counted per delivery", async () => {
        expect(await store.redeliveryRequests("g")).toBeUndefined();
        await store.recordRedeliveryRequest("g", 1_000);
        await store.recordRedeliveryRequest("g", 2_000);
        expect(await store.redeliveryRequests("g")).toEqual({ count: 2, lastAt: 2_000 });
      });
    });

    describe("the bot's pull requests and reviews", () => {
      test("bot pull requests are remembered, closed and cleaned", async () => {
        await store.recordBotPullRequest({ owner: "o", repo: "r", number: 4, issueNumber: 1, headRef: "codex/issue-1", installationId: 1 });
        expect(await store.getBotPullRequest("o", "r", 4)).toMatchObject({ state: "open", branchDeleted: false });
        await store.closeBotPullRequest("o", "r", 4, "abandoned", false);
        expect(await store.abandonedBranches(0, Date.now() + 1)).toHaveLength(1);
        await store.markBranchDeleted("o", "r", 4);
        expect(await store.abandonedBranches(0, Date.now() + 1)).toHaveLength(0);
      });

      test("review state is kept per pull request and replaced by the next review", async () => {
        const finding = { path: "a.ts", priority: 1, title: "t", fingerprint: "f", startLine: 1, endLine: 1, body: "b" };
        await store.setReviewState("o", "r", 2, { headSha: "a", findings: [finding] });
        await store.setReviewState("o", "r", 2, { headSha: "b", findings: [] });
        expect(await store.getReviewState("o", "r", 2)).toEqual({ headSha: "b", findings: [] });
        expect(await store.getReviewState("o", "r", 3)).toBeNull();
      });
    });
  });
}
