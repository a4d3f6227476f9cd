import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import type { Octokit } from "../../src/github/types.js";
import type { DeliveryLedger } from "../../src/intake/redelivery-sweep.js";
import { createRedeliverySweep, SWEEP_MAX_PAGES, SWEEP_OVERLAP_MS, SWEEP_PAGE_SIZE, startRedeliverySweep } from "../../src/intake/redelivery-sweep.js";
import { MAX_REDELIVERIES_PER_SWEEP, MAX_REDELIVERY_REQUESTS, REDELIVERY_RETRY_AFTER_MS } from "../../src/intake/request-redeliveries.js";
import type { FakeGitHub, HookDeliveryAttempt } from "../fakes/fake-github.js";
import { startFakeGitHub } from "../fakes/fake-github.js";
import { fakeAppOctokit } from "../helpers/app-octokit.js";
import type { WebhookReceiver } from "../helpers/webhook-receiver.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { loadExamplePayload } from "../helpers/webhooks.js";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The inbox, as the sweep sees it: an in-memory implementation of its port. */
class MemoryLedger implements DeliveryLedger {
  readonly held = new Map<string, number>();
  readonly requests = new Map<string, { count: number; lastAt: number }>();
  async hasDelivery(guid: string) {
    return this.held.has(guid);
  }
  async newestDeliveryAt() {
    return this.held.size === 0 ? undefined : Math.max(...this.held.values());
  }
  async redeliveryRequests(guid: string) {
    return this.requests.get(guid);
  }
  async recordRedeliveryRequest(guid: string, at: number) {
    this.requests.set(guid, { count: (this.requests.get(guid)?.count ?? 0) + 1, lastAt: at });
  }
}

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function captureLog(onLine: (line: LogLine) => void = () => undefined): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = JSON.parse(chunk.toString()) as LogLine;
      lines.push(line);
      onLine(line);
      done();
    },
  });
  return { log: pino({ level: "debug" }, stream), lines };
}

const WARN = 40;

describe("redelivery sweep against the fake GitHub", () => {
  let github: FakeGitHub;
  let receiver: WebhookReceiver;
  let octokit: Octokit;
  let ledger: MemoryLedger;
  let clock: number;
  /** What the bot does with a delivery: hold it in the inbox and answer 202, or fail it. */
  let bot: "up" | "failing" | "up-without-inbox";

  beforeEach(async () => {
    github = await startFakeGitHub();
    receiver = await startWebhookReceiver();
    github.setWebhook({ url: receiver.url, secret: "s" });
    octokit = await fakeAppOctokit(github);
    ledger = new MemoryLedger();
    clock = Date.parse("2030-01-10T12:00:00Z");
    github.setDeliveryClock(clock);
    bot = "up";
    receiver.answer = (delivery) => {
      if (bot === "failing") return 500;
      if (bot === "up") ledger.held.set(delivery.guid, clock);
      return 202;
    };
  });

  afterEach(async () => {
    await github.close();
    await receiver.close();
  });

  function at(ms: number): void {
    clock = ms;
    github.setDeliveryClock(ms);
  }

  /** One delivery at `ms` that the bot holds (`up`) or fails; the clock stays at `ms`. */
  async function deliverAt(ms: number, state: typeof bot): Promise<HookDeliveryAttempt> {
    at(ms);
    bot = state;
    return github.deliver("issues", loadExamplePayload("issues", "labeled"));
  }

  function sweeper(log: Logger = captureLog().log) {
    return createRedeliverySweep({ appOctokit: async () => octokit, ledger, log, now: () => clock });
  }

  /** The attempt ids the sweep asked GitHub to redeliver, in order. */
  function redeliveryRequests(): number[] {
    return github.requests.flatMap((r) => (r.method === "POST" ? [Number(/deliveries\/(\d+)\/attempts$/.exec(r.path)?.[1])] : []));
  }

  test("asks once for each failed delivery since the newest one the inbox holds, not for older ones", async () => {
    const start = clock;
    const before = await deliverAt(start, "failing");
    await deliverAt(start + 30 * MINUTE_MS, "up");
    const lost = [await deliverAt(start + 40 * MINUTE_MS, "failing"), await deliverAt(start + 50 * MINUTE_MS, "failing")];
    at(start + 60 * MINUTE_MS);
    bot = "up";

    const report = await sweeper()();

    expect(report).toMatchObject({ failed: 2, requested: 2, held: 0, complete: true });
    expect(redeliveryRequests()).toEqual(lost.map((a) => a.id));
    await github.settleRedeliveries();
    const redelivered = github.deliveries().filter((a) => a.redelivery);
    expect(redelivered.map((a) => [a.guid, a.status])).toEqual(lost.map((a) => [a.guid, "OK"]));
    expect(ledger.requests.has(before.guid)).toBe(false);
  });

  test("with an empty inbox, looks back 3 days and no further", async () => {
    const now = clock;
    const tooOld = await deliverAt(now - 3 * DAY_MS - MINUTE_MS, "failing");
    const recent = await deliverAt(now - 3 * DAY_MS + MINUTE_MS, "failing");
    at(now);

    const report = await sweeper()();

    expect(report).toMatchObject({ failed: 1, requested: 1, from: now - 3 * DAY_MS });
    expect(redeliveryRequests()).toEqual([recent.id]);
    expect(redeliveryRequests()).not.toContain(tooOld.id);
  });

  test("skips a delivery with a successful attempt, and one the inbox holds although GitHub saw it fail", async () => {
    const start = clock;
    // A success the inbox does not hold (an older bot answered 202 without recording it).
    const succeeded = await deliverAt(start, "failing");
    bot = "up-without-inbox";
    await octokit.rest.apps.redeliverWebhookDelivery({ delivery_id: succeeded.id });
    await github.settleRedeliveries();
    // The bot recorded it and then answered too late: GitHub logged a failure.
    const late = await deliverAt(start + MINUTE_MS, "failing");
    ledger.held.set(late.guid, start + MINUTE_MS);
    at(start + 10 * MINUTE_MS);
    const askedByHand = redeliveryRequests().length;

    const report = await sweeper()();

    expect(report).toMatchObject({ attempts: 3, failed: 1, held: 1, requested: 0 });
    expect(redeliveryRequests().slice(askedByHand)).toEqual([]);
  });

  test("asks for at most MAX_REDELIVERIES_PER_SWEEP per sweep, oldest first; the next sweep asks for the rest", async () => {
    const start = clock;
    const failed: HookDeliveryAttempt[] = [];
    for (let i = 0; i < MAX_REDELIVERIES_PER_SWEEP + 3; i += 1) failed.push(await deliverAt(start + i * 1000, "failing"));
    at(start + 10 * MINUTE_MS);
    bot = "up";
    const sweep = sweeper();

    const first = await sweep();
    expect(first).toMatchObject({ requested: MAX_REDELIVERIES_PER_SWEEP, deferred: 3, complete: false });
    expect(redeliveryRequests()).toEqual(failed.slice(0, MAX_REDELIVERIES_PER_SWEEP).map((a) => a.id));
    await github.settleRedeliveries();

    at(start + 15 * MINUTE_MS);
    const second = await sweep();
    expect(second).toMatchObject({ failed: 3, requested: 3, deferred: 0, complete: true });
    expect(redeliveryRequests().slice(MAX_REDELIVERIES_PER_SWEEP)).toEqual(failed.slice(MAX_REDELIVERIES_PER_SWEEP).map((a) => a.id));
  });

  test("does not ask again while a redelivery may be under way; asks again later, and gives up after a few", async () => {
    const failed = await deliverAt(clock, "failing");
    const sweep = sweeper();
    const sweepAt = async (ms: number) => {
      at(ms);
      const report = await sweep();
      await github.settleRedeliveries();
      return report;
    };
    const start = clock;

    expect(await sweepAt(start + MINUTE_MS)).toMatchObject({ requested: 1 });
    expect(await sweepAt(start + 6 * MINUTE_MS)).toMatchObject({ requested: 0, waiting: 1 });
    let asked = start + MINUTE_MS;
    for (let request = 2; request <= MAX_REDELIVERY_REQUESTS; request += 1) {
      asked += REDELIVERY_RETRY_AFTER_MS;
      expect(await sweepAt(asked - MINUTE_MS)).toMatchObject({ requested: 0, waiting: 1 });
      expect(await sweepAt(asked)).toMatchObject({ requested: 1 });
    }
    expect(await sweepAt(asked + REDELIVERY_RETRY_AFTER_MS)).toMatchObject({ requested: 0, gaveUp: 1 });

    expect(redeliveryRequests()).toHaveLength(MAX_REDELIVERY_REQUESTS);
    expect(github.deliveries().filter((a) => a.guid === failed.guid)).toHaveLength(1 + MAX_REDELIVERY_REQUESTS);
    expect(ledger.requests.get(failed.guid)?.count).toBe(MAX_REDELIVERY_REQUESTS);
  });

  test("a delivery that failed before one the inbox holds, between two sweeps, is still recovered", async () => {
    const start = clock;
    const sweep = sweeper();
    expect(await sweep()).toMatchObject({ failed: 0, complete: true });
    const lost = await deliverAt(start + MINUTE_MS, "failing");
    await deliverAt(start + MINUTE_MS + 2 * SWEEP_OVERLAP_MS, "up");
    at(start + 3 * SWEEP_OVERLAP_MS);

    expect(await sweep()).toMatchObject({ requested: 1 });
    expect(redeliveryRequests()).toEqual([lost.id]);
  });

  test("follows the cursor across pages and stops at its page limit, saying so", async () => {
    const start = clock;
    const oldest = await deliverAt(start, "failing");
    for (let i = 1; i <= SWEEP_PAGE_SIZE; i += 1) await deliverAt(start + i * 1000, "up-without-inbox");
    at(start + 10 * MINUTE_MS);

    const report = await sweeper()();
    expect(report).toMatchObject({ pages: 2, requested: 1, complete: true });
    expect(redeliveryRequests()).toEqual([oldest.id]);
    await github.settleRedeliveries();

    const beyond = await deliverAt(start + 11 * MINUTE_MS, "failing");
    for (let i = 1; i <= SWEEP_MAX_PAGES * SWEEP_PAGE_SIZE; i += 1) await deliverAt(start + 11 * MINUTE_MS + i * 100, "up-without-inbox");
    at(start + 20 * MINUTE_MS);
    const { log, lines } = captureLog();

    const capped = await createRedeliverySweep({ appOctokit: async () => octokit, ledger: new MemoryLedger(), log, now: () => clock })();
    expect(capped).toMatchObject({ pages: SWEEP_MAX_PAGES, complete: false });
    expect(redeliveryRequests()).not.toContain(beyond.id);
    expect(lines.filter((l) => l.level === WARN).map((l) => l.msg)).toEqual([expect.stringContaining(`its ${SWEEP_MAX_PAGES} pages`)]);
  }, 60_000);

  test("a failed listing is logged as a warning and never thrown out of the timer; a failed request is asked again", async () => {
    const failed = await deliverAt(clock, "failing");
    at(clock + MINUTE_MS);
    bot = "up";
    github.failNext("GET", /\/app\/hook\/deliveries$/, 502, { message: "Server Error" });
    const { log, lines } = captureLog();

    const sweep = startRedeliverySweep({ appOctokit: async () => octokit, ledger, log, intervalMs: 60 * MINUTE_MS, now: () => clock });
    await sweep.stop();

    expect(lines).toEqual([expect.objectContaining({ level: WARN, status: 502, msg: expect.stringContaining("redelivery sweep failed") })]);
    expect(redeliveryRequests()).toEqual([]);

    github.failNext("POST", /\/attempts$/, 502, { message: "Server Error" });
    const again = sweeper(log);
    expect(await again()).toMatchObject({ requested: 0, deferred: 1, complete: false });
    expect(lines.at(-2)).toMatchObject({ level: WARN, guid: failed.guid });
    expect(await again()).toMatchObject({ requested: 1, complete: true });
    expect(ledger.requests.get(failed.guid)?.count).toBe(1);
  });

  test("sweeps at start and again after each interval, logging each; stop() waits for the sweep under way", async () => {
    const failed = await deliverAt(clock, "failing");
    at(clock + MINUTE_MS);
    bot = "up";
    let sweeps = 0;
    let secondSweep!: () => void;
    const twoSweeps = new Promise<void>((resolve) => (secondSweep = resolve));
    const { log, lines } = captureLog((line) => {
      if (line.msg === "redelivery sweep" && ++sweeps === 2) secondSweep();
    });

    const sweep = startRedeliverySweep({ appOctokit: async () => octokit, ledger, log, intervalMs: 1, now: () => clock });
    await twoSweeps;
    await sweep.stop();

    const listings = github.requests.filter((r) => r.method === "GET" && r.path === "/api/v3/app/hook/deliveries").length;
    expect(lines.filter((l) => l.msg === "redelivery sweep")).toHaveLength(listings);
    expect(lines[0]).toMatchObject({ level: 30, msg: "redelivery sweep", failed: 1, requested: 1 });
    expect(ledger.requests.get(failed.guid)?.count).toBe(1);
  });
});
