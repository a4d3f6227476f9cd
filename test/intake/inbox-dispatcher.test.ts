import { RequestError } from "@octokit/request-error";
import { pino } from "pino";
import { InboxDispatcher } from "../../src/intake/inbox-dispatcher.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { InboxDelivery, NewDelivery } from "../../src/store/store.js";

const gatewayError = () => new RequestError("Bad Gateway", 502, { request: { method: "GET", url: "https://api.github.com/x", headers: {} }, response: { status: 502, url: "", headers: {}, data: "" } });
const notFound = () => new RequestError("Not Found", 404, { request: { method: "GET", url: "https://api.github.com/x", headers: {} }, response: { status: 404, url: "", headers: {}, data: {} } });

/** Resolves when `predicate` holds, checked after every dispatch: a signal, not a timer. */
function waiter() {
  const waiting: { predicate: () => boolean; resolve: () => void }[] = [];
  return {
    until: (predicate: () => boolean) => new Promise<void>((resolve) => (predicate() ? resolve() : waiting.push({ predicate, resolve }))),
    check: () => {
      for (const w of waiting.splice(0)) {
        if (w.predicate()) w.resolve();
        else waiting.push(w);
      }
    },
  };
}

describe("InboxDispatcher (real SQLite, scripted handler outcomes)", () => {
  let store: SqliteStore;
  let dispatcher: InboxDispatcher | undefined;
  let clock: number;
  const delivery = (id: string, target: string, receivedAt = clock): NewDelivery => ({ id, event: "issues", action: "labeled", installationId: 1, repository: "o/r", target, payload: {}, receivedAt });
  beforeEach(() => {
    store = new SqliteStore(":memory:");
    clock = 1_000_000;
  });
  afterEach(async () => {
    await dispatcher?.stop();
    await store.close();
  });

  function start(outcome: (d: InboxDelivery) => void | Promise<void>, options: { retryWindowMs?: number } = {}) {
    const seen: string[] = [];
    const gaveUp: string[] = [];
    const w = waiter();
    dispatcher = new InboxDispatcher({
      store, log: pino({ level: "silent" }), now: () => clock, retryWindowMs: options.retryWindowMs ?? 60 * 60_000,
      dispatch: async (d) => {
        seen.push(`${d.id}#${d.attempts}`);
        try {
          await outcome(d);
        } finally {
          setImmediate(w.check);
        }
      },
      onGiveUp: async (d, reason) => void gaveUp.push(`${d.id}: ${reason}`),
    });
    return { seen, gaveUp, until: w.until, started: dispatcher.start() };
  }

  test("delivers each recorded delivery once, in order per target", async () => {
    for (const [id, target, at] of [["a1", "o/r#1", 1], ["b1", "o/r#2", 2], ["a2", "o/r#1", 3]] as const) await store.recordDelivery(delivery(id, target, at));
    const run = start(() => undefined);
    await run.started;
    await run.until(() => run.seen.length === 3);
    expect(run.seen.indexOf("a1#1")).toBeLessThan(run.seen.indexOf("a2#1"));
    expect(run.seen.sort()).toEqual(["a1#1", "a2#1", "b1#1"]);
    await dispatcher!.stop();
    expect(await store.inboxBacklog()).toEqual({ pending: 0, oldestReceivedAt: null });
  });

  test("a transient failure is deferred with backoff and dispatched again once due; later deliveries for the target wait", async () => {
    await store.recordDelivery(delivery("first", "o/r#1"));
    await store.recordDelivery(delivery("second", "o/r#1", clock + 1));
    let failures = 1;
    const run = start((d) => {
      if (d.id === "first" && failures-- > 0) throw gatewayError();
    });
    await run.started;
    await run.until(() => run.seen.includes("first#1"));
    await dispatcher!.stop();
    expect(run.seen).toEqual(["first#1"]);
    // Restarted later, past the backoff: the retry runs, then the delivery that waited behind it.
    clock += 10 * 60_000;
    const again = start(() => undefined);
    await again.started;
    await again.until(() => again.seen.length === 2);
    expect(again.seen).toEqual(["first#2", "second#1"]);
  });

  test("a permanent failure is dropped without retrying, and does not hold back the target", async () => {
    await store.recordDelivery(delivery("gone", "o/r#1", clock - 2));
    await store.recordDelivery(delivery("next", "o/r#1", clock - 1));
    const run = start((d) => {
      if (d.id === "gone") throw notFound();
    });
    await run.started;
    await run.until(() => run.seen.length === 2);
    expect(run.seen).toEqual(["gone#1", "next#1"]);
    expect(run.gaveUp).toEqual([]);
  });

  test("when retries would outlast the window, the person is told and the delivery is dropped", async () => {
    // Received 59 min 59.5 s ago: the shortest backoff (1 s) already ends past the hour.
    await store.recordDelivery(delivery("late", "o/r#1", clock - 60 * 60_000 + 500));
    const run = start(() => {
      throw gatewayError();
    }, { retryWindowMs: 60 * 60_000 });
    await run.started;
    await run.until(() => run.seen.length === 1);
    await dispatcher!.stop();
    expect(run.gaveUp).toEqual(["late: GitHub answered 502"]);
    expect(await store.inboxBacklog()).toEqual({ pending: 0, oldestReceivedAt: null });
  });

  test("a delivery left mid-dispatch by a dead process is dispatched again at the next start", async () => {
    await store.recordDelivery(delivery("interrupted", "o/r#1"));
    expect(await store.claimDelivery(clock, 60_000)).not.toBeNull();
    const run = start(() => undefined);
    await run.started;
    await run.until(() => run.seen.length === 1);
    expect(run.seen).toEqual(["interrupted#2"]);
  });

  test("a long dispatch renews its lease, so no other process can claim the delivery meanwhile", async () => {
    const real = new SqliteStore(":memory:");
    const renewals: number[] = [];
    let renewed!: () => void;
    const twice = new Promise<void>((resolve) => (renewed = resolve));
    // The real store, observed: the dispatcher's heartbeat is what is under test.
    const renewDelivery = async (id: string, until: number) => {
      renewals.push(until);
      if (renewals.length === 2) renewed();
      return real.renewDelivery(id, until);
    };
    const observed = new Proxy(real, {
      get: (target, key) => (key === "renewDelivery" ? renewDelivery : (Reflect.get(target, key) as (...args: unknown[]) => unknown).bind(target)),
    });
    await real.recordDelivery(delivery("long", "o/r#1", Date.now()));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const long = new InboxDispatcher({
      store: observed, log: pino({ level: "silent" }), retryWindowMs: 60_000, leaseMs: 300,
      dispatch: () => held, onGiveUp: async () => undefined,
    });
    await long.start();
    await twice;
    // Past the first lease, but not the renewed one: another process finds nothing to claim.
    expect(await real.claimDelivery(renewals[1]! - 1, 300)).toBeNull();
    release();
    await long.stop();
    expect(await real.inboxBacklog()).toEqual({ pending: 0, oldestReceivedAt: null });
    await real.close();
  });
});
