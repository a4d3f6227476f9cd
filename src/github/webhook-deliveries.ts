import type { Octokit } from "./types.js";

/**
 * The app webhook's delivery log, read and redelivered with the app's JWT (an Octokit from
 * Probot's `app.auth()` without an installation id):
 * https://docs.github.com/rest/apps/webhooks#list-deliveries-for-an-app-webhook
 */

/** One attempt in the log; a redelivery is another attempt with the same `guid`. */
export interface WebhookDeliveryAttempt {
  id: number;
  guid: string;
  /** ms since the epoch */
  deliveredAt: number;
  /** GitHub's words for how the attempt went: `OK` when the app answered 2xx. */
  status: string;
  event: string;
  action: string | null;
}

/** The log's pages, newest attempt first, following GitHub's cursor (`Link: rel="next"`). */
export async function* listWebhookDeliveryPages(octokit: Octokit, perPage: number): AsyncGenerator<WebhookDeliveryAttempt[]> {
  for await (const { data } of octokit.paginate.iterator(octokit.rest.apps.listWebhookDeliveries, { per_page: perPage })) {
    yield data.map((item) => ({
      id: item.id,
      guid: item.guid,
      deliveredAt: Date.parse(item.delivered_at),
      status: item.status,
      event: item.event,
      action: item.action,
    }));
  }
}

/** Asks GitHub to deliver the attempt's event again; GitHub answers 202 and delivers it later. */
export async function redeliverWebhookDelivery(octokit: Octokit, attemptId: number): Promise<void> {
  await octokit.rest.apps.redeliverWebhookDelivery({ delivery_id: attemptId });
}
