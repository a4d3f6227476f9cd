import type { Logger } from "pino";
import { QueueDrain } from "../store/queue-drain.js";
import type { InboxDelivery, Store } from "../store/store.js";
import { backoffMs } from "./backoff.js";
import { classifyFailure } from "./classify-failure.js";

/**
 * A dispatch whose lease runs out is taken for a dead process's, and the delivery is claimed
 * again. A live dispatch renews its lease every DISPATCH_LEASE_MS / 3 (Octokit's own retries
 * can hold a request through a GitHub outage for minutes), so only a dead one's runs out.
 */
export const DISPATCH_LEASE_MS = 5 * 60_000;
/** Deliveries dispatched at once (each a few API calls); one target's stay one at a time. */
const DISPATCH_CONCURRENCY = 4;
/**
 * After a delivery is recorded, the dispatcher waits this long for the next one before it
 * claims: answering GitHub comes first, and every claim is a commit on the event loop that the
 * answers to a burst would otherwise queue behind. A steady stream still dispatches every
 * INTAKE_QUIET_MAX_MS.
 */
const INTAKE_QUIET_MS = 50;
const INTAKE_QUIET_MAX_MS = 1_000;
/** A safety net for a missed wake-up; deferred deliveries are woken by their own timer. */
const POLL_MS = 5_000;
/** Finished deliveries are kept this long: the redelivery sweep compares against 3 days of GitHub's log. */
const KEEP_FINISHED_MS = 4 * 24 * 60 * 60_000;

export interface DispatcherOptions {
  store: Store;
  /** Does what the handlers do for one delivery: ignore, refuse with a comment, react, enqueue. */
  dispatch: (delivery: InboxDelivery) => Promise<void>;
  /** Transient failures are retried until this long after the delivery was received. */
  retryWindowMs: number;
  /** Told when retries ran out, to tell the person who asked (never silence). */
  onGiveUp: (delivery: InboxDelivery, reason: string) => Promise<void>;
  log: Logger;
  now?: () => number;
  /** DISPATCH_LEASE_MS unless a test needs a shorter one. */
  leaseMs?: number;
}

/**
 * Drains the inbox in the background: oldest first, one delivery per issue or pull request at a
 * time, transient GitHub failures retried with backoff and jitter, permanent ones dropped with a
 * log line. What a crash interrupts stays in the inbox and is dispatched again after the restart.
 */
export class InboxDispatcher {
  readonly #o: Required<Pick<DispatcherOptions, "now" | "leaseMs">> & DispatcherOptions;
  readonly #drain: QueueDrain<InboxDelivery>;
  readonly #inFlight = new Set<string>();
  #poll: NodeJS.Timeout | undefined;
  #wake: NodeJS.Timeout | undefined;
  #stopped = true;
  #quiet: NodeJS.Timeout | undefined;
  #quietSince: number | undefined;

  constructor(options: DispatcherOptions) {
    this.#o = { now: Date.now, leaseMs: DISPATCH_LEASE_MS, ...options };
    this.#drain = new QueueDrain({
      capacity: DISPATCH_CONCURRENCY, claim: () => this.#claim(), run: (delivery) => this.#dispatchOne(delivery),
      onError: (err) => this.#o.log.error({ err }, "inbox: could not claim or finish a delivery"),
      onIdle: () => void this.#scheduleWake(),
    });
  }

  async start(): Promise<void> {
    const released = await this.#o.store.releaseDeliveries();
    if (released > 0) this.#o.log.info({ released }, "inbox: deliveries a previous process was dispatching are dispatched again");
    await this.#o.store.pruneDeliveries(this.#o.now() - KEEP_FINISHED_MS);
    this.#stopped = false;
    this.#poll = setInterval(() => this.poke(), POLL_MS);
    this.#poll.unref();
    this.poke();
  }

  /** A delivery was just recorded: dispatch once deliveries stop arriving (see INTAKE_QUIET_MS). */
  recorded(): void {
    if (this.#stopped) return;
    const now = Date.now();
    this.#quietSince ??= now;
    if (this.#quiet) clearTimeout(this.#quiet);
    const wait = Math.max(0, Math.min(INTAKE_QUIET_MS, this.#quietSince + INTAKE_QUIET_MAX_MS - now));
    this.#quiet = setTimeout(() => {
      this.#quiet = undefined;
      this.#quietSince = undefined;
      this.poke();
    }, wait);
    this.#quiet.unref();
  }

  /** Dispatches what is due, up to the concurrency (see QueueDrain). */
  poke(): void {
    if (!this.#stopped) this.#drain.poke();
  }

  async #claim(): Promise<InboxDelivery | null> {
    for (;;) {
      const delivery = await this.#o.store.claimDelivery(this.#o.now(), this.#o.leaseMs);
      // Its lease ran out while this process is still dispatching it: that dispatch finishes it.
      if (delivery && this.#inFlight.has(delivery.id)) continue;
      if (delivery) this.#inFlight.add(delivery.id);
      return delivery;
    }
  }

  async #dispatchOne(delivery: InboxDelivery): Promise<void> {
    try {
      await this.#dispatchWithLease(delivery);
    } finally {
      this.#inFlight.delete(delivery.id);
    }
  }

  async #dispatchWithLease(delivery: InboxDelivery): Promise<void> {
    const { store, log } = this.#o;
    const dlog = log.child({ delivery: delivery.id, event: delivery.action ? `${delivery.event}.${delivery.action}` : delivery.event, target: delivery.target });
    const heartbeat = setInterval(() => {
      void store.renewDelivery(delivery.id, this.#o.now() + this.#o.leaseMs).catch((err: unknown) => dlog.warn({ err }, "inbox: could not renew the lease"));
    }, this.#o.leaseMs / 3);
    heartbeat.unref();
    try {
      await this.#o.dispatch(delivery);
      await store.finishDelivery(delivery.id, "done");
    } catch (error) {
      const failure = classifyFailure(error, this.#o.now());
      if (!failure.transient) {
        dlog.warn({ err: error }, `inbox: dropped: ${failure.reason}`);
        return store.finishDelivery(delivery.id, "dropped", failure.reason);
      }
      const next = this.#o.now() + backoffMs(delivery.attempts, failure.retryAfterMs);
      if (next - delivery.receivedAt > this.#o.retryWindowMs) {
        dlog.error({ attempts: delivery.attempts }, `inbox: gave up after retrying: ${failure.reason}`);
        await this.#o.onGiveUp(delivery, failure.reason).catch((err: unknown) => dlog.error({ err }, "inbox: could not tell anyone that the request was given up"));
        return store.finishDelivery(delivery.id, "dropped", `gave up: ${failure.reason}`);
      }
      dlog.warn({ attempts: delivery.attempts, retryInMs: next - this.#o.now() }, `inbox: will retry: ${failure.reason}`);
      await store.deferDelivery(delivery.id, next, failure.reason);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** One timer for the earliest deferred delivery, so a retry runs when due and not a poll later. */
  async #scheduleWake(): Promise<void> {
    const due = await this.#o.store.nextDeliveryDueAt(this.#o.now()).catch(() => null);
    if (this.#wake) clearTimeout(this.#wake);
    if (due === null || this.#stopped) return;
    this.#wake = setTimeout(() => this.poke(), Math.max(0, due - this.#o.now()) + 5);
    this.#wake.unref();
  }

  /** Stops claiming and waits for the dispatches under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#poll) clearInterval(this.#poll);
    if (this.#wake) clearTimeout(this.#wake);
    if (this.#quiet) clearTimeout(this.#quiet);
    await this.#drain.stop();
  }
}
