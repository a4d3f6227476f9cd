import type { Logger } from "pino";
import { httpStatusOf, type Octokit } from "../github/types.js";
import { redeliverWebhookDelivery } from "../github/webhook-deliveries.js";
import type { DeliveryLedger } from "./delivery-ledger.js";
import type { FailedDelivery } from "./failed-deliveries.js";

/** Redelivery requests per sweep: a long outage is recovered over several sweeps, not in one burst. */
export const MAX_REDELIVERIES_PER_SWEEP = 30;
/** A requested redelivery may still be under way this long; only then is it asked for again. */
export const REDELIVERY_RETRY_AFTER_MS = 30 * 60 * 1000;
/** Requests for one GUID before the sweep gives up on it (the bot keeps failing that event). */
export const MAX_REDELIVERY_REQUESTS = 3;

export interface RedeliveryOutcome {
  /** Failed on GitHub's side but in the inbox: the bot has it (it answered too late, say). */
  held: number;
  /** GitHub accepted the request (202) in this sweep. */
  requested: number;
  /** Asked for in an earlier sweep, recently enough that the redelivery may still be under way. */
  waiting: number;
  /** GitHub refused the request (4xx, e.g. 422 for a delivery too old to redeliver). */
  refused: number;
  gaveUp: number;
  /** Left for a later sweep: this sweep's cap was reached, or GitHub failed a request. */
  deferred: number;
  /** delivered_at of the oldest failed delivery a later sweep must look at again. */
  oldestOpenAt: number | undefined;
}

type Decision = "held" | "waiting" | "gaveUp" | "ask";
type Result = Exclude<Decision, "ask"> | "requested" | "refused" | "deferred";

async function decide(ledger: DeliveryLedger, delivery: FailedDelivery, now: number): Promise<Decision> {
  if (await ledger.hasDelivery(delivery.guid)) return "held";
  const asked = await ledger.redeliveryRequests(delivery.guid);
  if (asked === undefined) return "ask";
  if (now - asked.lastAt < REDELIVERY_RETRY_AFTER_MS) return "waiting";
  return asked.count >= MAX_REDELIVERY_REQUESTS ? "gaveUp" : "ask";
}

/** 4xx (but 429) will not change by asking again soon; anything else may be GitHub's bad minute. */
function isRefusal(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}

/** One request on the newest attempt; a refusal counts as a request, a GitHub failure does not. */
async function ask(octokit: Octokit, ledger: DeliveryLedger, log: Logger, delivery: FailedDelivery, now: number): Promise<Result> {
  const about = { guid: delivery.guid, event: delivery.event, action: delivery.action };
  let result: Result = "requested";
  try {
    await redeliverWebhookDelivery(octokit, delivery.lastAttemptId);
  } catch (error) {
    if (!isRefusal(error)) {
      log.warn({ ...about, err: error }, "GitHub failed a redelivery request; the next sweep asks again");
      return "deferred";
    }
    log.warn({ ...about, status: httpStatusOf(error), err: error }, "GitHub refused to redeliver a webhook delivery");
    result = "refused";
  }
  await ledger.recordRedeliveryRequest(delivery.guid, now);
  return result;
}

/**
 * Asks GitHub for ONE redelivery of each failed delivery the inbox does not hold, oldest first,
 * unless one was asked for recently or too often; at most MAX_REDELIVERIES_PER_SWEEP requests.
 * A GitHub failure other than a refusal ends the requests for this sweep.
 */
export async function requestRedeliveries(octokit: Octokit, ledger: DeliveryLedger, log: Logger, failed: FailedDelivery[], now: number): Promise<RedeliveryOutcome> {
  const outcome: RedeliveryOutcome = { held: 0, requested: 0, waiting: 0, refused: 0, gaveUp: 0, deferred: 0, oldestOpenAt: undefined };
  let stopAsking = false;
  for (const delivery of failed) {
    const decision = await decide(ledger, delivery, now);
    const capped = stopAsking || outcome.requested + outcome.refused >= MAX_REDELIVERIES_PER_SWEEP;
    const result = decision !== "ask" ? decision : capped ? "deferred" : await ask(octokit, ledger, log, delivery, now);
    outcome[result] += 1;
    if (result === "deferred") stopAsking = true;
    if (result === "gaveUp") {
      log.warn({ guid: delivery.guid, event: delivery.event }, `gave up on a webhook delivery after ${MAX_REDELIVERY_REQUESTS} redelivery requests`);
    }
    // A later sweep must see it again: to ask again, or to learn that the redelivery worked.
    if (result !== "held" && result !== "gaveUp") outcome.oldestOpenAt = Math.min(outcome.oldestOpenAt ?? Infinity, delivery.lastAttemptAt);
  }
  return outcome;
}
