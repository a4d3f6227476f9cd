import type { WebhookDeliveryAttempt } from "../github/webhook-deliveries.js";

/** An event GitHub never delivered: no attempt of its GUID got a 2xx. */
export interface FailedDelivery {
  guid: string;
  event: string;
  action: string | null;
  /** The newest attempt: the one to ask GitHub to redeliver. */
  lastAttemptId: number;
  lastAttemptAt: number;
  firstAttemptAt: number;
}

/**
 * Groups attempts by GUID and keeps the GUIDs none of whose
 * attempts succeeded; GitHub marks a success with the status `OK`
 * (https://docs.github.com/webhooks/using-webhooks/handling-failed-webhook-deliveries).
 * Oldest event first, so that redeliveries reach the inbox in the order the events happened.
 */
export function findFailedDeliveries(attempts: WebhookDeliveryAttempt[]): FailedDelivery[] {
  const succeeded = new Set(attempts.filter((attempt) => attempt.status === "OK").map((attempt) => attempt.guid));
  const failed = new Map<string, FailedDelivery>();
  for (const { id, guid, event, action, deliveredAt } of attempts) {
    if (succeeded.has(guid)) continue;
    const seen = failed.get(guid);
    if (seen === undefined) {
      failed.set(guid, { guid, event, action, lastAttemptId: id, lastAttemptAt: deliveredAt, firstAttemptAt: deliveredAt });
      continue;
    }
    if (deliveredAt > seen.lastAttemptAt) Object.assign(seen, { lastAttemptId: id, lastAttemptAt: deliveredAt });
    seen.firstAttemptAt = Math.min(seen.firstAttemptAt, deliveredAt);
  }
  return [...failed.values()].sort((a, b) => a.firstAttemptAt - b.firstAttemptAt);
}
