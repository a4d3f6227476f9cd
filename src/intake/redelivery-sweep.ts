import type { Logger } from "pino";
import { httpStatusOf, type Octokit } from "../github/types.js";
import { listWebhookDeliveryPages, type WebhookDeliveryAttempt } from "../github/webhook-deliveries.js";
import type { DeliveryLedger } from "./delivery-ledger.js";
import { findFailedDeliveries } from "./failed-deliveries.js";
import { requestRedeliveries, type RedeliveryOutcome } from "./request-redeliveries.js";

export type { DeliveryLedger } from "./delivery-ledger.js";

/**
 * GitHub never retries a delivery the bot missed (it was down, or did not answer in 10 s):
 * https://docs.github.com/webhooks/using-webhooks/handling-failed-webhook-deliveries. The sweep
 * reads the app's delivery log and asks GitHub to redeliver what the inbox does not hold.
 */

/** GitHub.com keeps deliveries, and redelivers them, for 3 days (GitHub Enterprise Server for 7). */
export const DELIVERY_RETENTION_MS = 3 * 24 * 60 * 60 * 1000;
export const SWEEP_PAGE_SIZE = 100;
/** Pages read per sweep; past them, older deliveries wait (and a warning says so). */
export const SWEEP_MAX_PAGES = 10;
/**
 * Each sweep looks back this much further than where the previous one started: GitHub records an
 * attempt once it ended (up to its 10 s timeout), and this machine's clock may differ from GitHub's.
 */
export const SWEEP_OVERLAP_MS = 5 * 60 * 1000;

export interface SweepReport extends RedeliveryOutcome {
  /** The oldest delivered_at looked at (ms). */
  from: number;
  pages: number;
  /** Attempts in the window. */
  attempts: number;
  /** GUIDs in the window none of whose attempts succeeded. */
  failed: number;
  /** Every failed delivery since `from` was looked at; the next sweep starts later. */
  complete: boolean;
}

interface ListedAttempts {
  attempts: WebhookDeliveryAttempt[];
  pages: number;
  reachedFrom: boolean;
}

/** The log newest first, until an attempt older than `from`, at most SWEEP_MAX_PAGES pages. */
async function listAttemptsSince(octokit: Octokit, from: number): Promise<ListedAttempts> {
  const attempts: WebhookDeliveryAttempt[] = [];
  let pages = 0;
  for await (const page of listWebhookDeliveryPages(octokit, SWEEP_PAGE_SIZE)) {
    pages += 1;
    attempts.push(...page.filter((attempt) => attempt.deliveredAt >= from));
    if (page.some((attempt) => attempt.deliveredAt < from)) return { attempts, pages, reachedFrom: true };
    if (pages >= SWEEP_MAX_PAGES) return { attempts, pages, reachedFrom: false };
  }
  return { attempts, pages, reachedFrom: true };
}

export interface RedeliverySweepOptions {
  /** A client authenticated as the app (JWT): Probot's `app.auth()` without an installation id. */
  appOctokit: () => Promise<Octokit>;
  ledger: DeliveryLedger;
  log: Logger;
  now?: () => number;
}

/**
 * One sweep per call. The first looks back to the newest delivery the inbox holds (what an earlier
 * run of the bot received), read as its first step; each later one to where the previous complete
 * sweep started, or to the oldest failed delivery still waiting for its redelivery. Never further
 * than GitHub keeps deliveries.
 */
export function createRedeliverySweep(options: RedeliverySweepOptions): () => Promise<SweepReport> {
  const { ledger, log } = options;
  const now = options.now ?? Date.now;
  let since: Promise<number | undefined> | undefined;
  return async () => {
    const startedAt = now();
    // 1. Where to stop: where the last sweep started, or the newest delivery the bot holds.
    since ??= ledger.newestDeliveryAt();
    const previous = await since.catch((error: unknown) => {
      since = undefined;
      throw error;
    });
    const from = Math.max(startedAt - DELIVERY_RETENTION_MS, (previous ?? -Infinity) - SWEEP_OVERLAP_MS);
    // 2. The delivery log back to there.
    const octokit = await options.appOctokit();
    const listed = await listAttemptsSince(octokit, from);
    // 3. The events GitHub never delivered, and one redelivery request for each the inbox lacks.
    const failed = findFailedDeliveries(listed.attempts);
    const outcome = await requestRedeliveries(octokit, ledger, log, failed, startedAt);
    // 4. The next sweep starts here, unless this one left deliveries unexamined or unasked.
    const complete = listed.reachedFrom && outcome.deferred === 0;
    if (complete) since = Promise.resolve(Math.min(startedAt, outcome.oldestOpenAt ?? Infinity));
    const report: SweepReport = { ...outcome, from, pages: listed.pages, attempts: listed.attempts.length, failed: failed.length, complete };
    if (!listed.reachedFrom) log.warn({ pages: listed.pages, from: new Date(from).toISOString() }, `the redelivery sweep read its ${SWEEP_MAX_PAGES} pages of webhook deliveries without reaching where it stops; older failed deliveries wait for a later sweep`);
    const { pages, attempts, held, requested, waiting, refused, gaveUp, deferred } = report;
    log.info({ from: new Date(from).toISOString(), pages, attempts, failed: failed.length, held, requested, waiting, refused, gaveUp, deferred }, "redelivery sweep");
    return report;
  };
}

export interface StartRedeliverySweepOptions extends RedeliverySweepOptions {
  intervalMs: number;
}

/**
 * Sweeps now (call it before the server accepts deliveries, so the first sweep's boundary is what
 * the previous run received) and then `intervalMs` after each sweep ends. A failed sweep is
 * logged, never thrown. `stop()` waits for a running sweep.
 */
export function startRedeliverySweep(options: StartRedeliverySweepOptions): { stop(): Promise<void> } {
  const sweep = createRedeliverySweep(options);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = (): void => {
    running = sweep()
      .then(
        () => undefined,
        (error: unknown) => {
          const status = httpStatusOf(error);
          // The sweep authenticates as the app: a 401 here means APP_ID or PRIVATE_KEY does not match the app.
          options.log.warn({ err: error, status }, "the redelivery sweep failed to read or redeliver the app's webhook deliveries; it tries again at the next interval");
        },
      )
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(run, options.intervalMs);
        timer.unref();
      });
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
