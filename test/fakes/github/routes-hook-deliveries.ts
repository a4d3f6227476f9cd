import type { HookDeliveryAttempt, HookDeliveryLog } from "./hook-deliveries.js";
import { DELIVERY_RETENTION_MS, deliveryNow, scheduleRedelivery } from "./hook-deliveries.js";
import type { RestReply, RestRequest } from "./route.js";
import { route } from "./route.js";
import { NOT_FOUND, validationFailed } from "./shapes.js";

/**
 * The app webhook's delivery log, JWT only, as documented at
 * https://docs.github.com/rest/apps/webhooks#list-deliveries-for-an-app-webhook and the two
 * routes after it. An installation token gets the 401 every JWT route gives it.
 */

function toIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function toItem(attempt: HookDeliveryAttempt) {
  return {
    id: attempt.id,
    guid: attempt.guid,
    delivered_at: toIso(attempt.deliveredAt),
    redelivery: attempt.redelivery,
    duration: attempt.duration,
    status: attempt.status,
    status_code: attempt.statusCode,
    event: attempt.event,
    action: attempt.action,
    installation_id: attempt.installationId,
    repository_id: attempt.repositoryId,
    throttled_at: null,
  };
}

function toDelivery(attempt: HookDeliveryAttempt) {
  return {
    ...toItem(attempt),
    url: attempt.url,
    request: { headers: attempt.request.headers, payload: JSON.parse(attempt.request.body) as unknown },
    response: { headers: attempt.response.headers, payload: attempt.response.body },
  };
}

/** Newest first; GitHub's cursor names the first attempt of a page. */
function newestFirst(log: HookDeliveryLog): HookDeliveryAttempt[] {
  return [...log.attempts].sort((a, b) => b.deliveredAt - a.deliveredAt || b.id - a.id);
}

function listDeliveries(log: HookDeliveryLog, request: RestRequest, pageUrl: string): RestReply {
  const perPage = Math.min(100, Math.max(1, Number(request.query.get("per_page") ?? 30) || 30));
  const all = newestFirst(log);
  const cursor = request.query.get("cursor");
  const start = cursor === null ? 0 : all.findIndex((attempt) => `v1_${attempt.id}` === cursor);
  if (start === -1) return { status: 422, json: validationFailed([{ resource: "HookDelivery", field: "cursor", code: "invalid" }]) };
  const page = all.slice(start, start + perPage);
  const next = all[start + perPage];
  if (next === undefined) return { status: 200, json: page.map(toItem) };
  const url = new URL(pageUrl);
  url.searchParams.set("per_page", String(perPage));
  url.searchParams.set("cursor", `v1_${next.id}`);
  return { status: 200, json: page.map(toItem), headers: { link: `<${url.href}>; rel="next"` } };
}

function findAttempt(log: HookDeliveryLog, request: RestRequest): HookDeliveryAttempt | undefined {
  return log.attempts.find((attempt) => String(attempt.id) === request.params.id);
}

function redeliver(log: HookDeliveryLog, request: RestRequest): RestReply {
  const attempt = findAttempt(log, request);
  if (attempt === undefined) return { status: 404, json: NOT_FOUND };
  if (deliveryNow(log) - attempt.deliveredAt > DELIVERY_RETENTION_MS) {
    // GitHub documents the 3 days and a 422; the message is the fake's own words.
    return { status: 422, json: validationFailed([{ resource: "HookDelivery", code: "custom", message: "Deliveries older than 3 days cannot be redelivered." }]) };
  }
  scheduleRedelivery(log, attempt);
  return { status: 202, json: {} };
}

export const hookDeliveryRoutes = [
  route("GET", "/app/hook/deliveries", (state, request) => listDeliveries(state.hookDeliveries, request, `${state.url}/api/v3/app/hook/deliveries`), "jwt"),
  route(
    "GET",
    "/app/hook/deliveries/:id",
    (state, request) => {
      const attempt = findAttempt(state.hookDeliveries, request);
      return attempt === undefined ? { status: 404, json: NOT_FOUND } : { status: 200, json: toDelivery(attempt) };
    },
    "jwt",
  ),
  route("POST", "/app/hook/deliveries/:id/attempts", (state, request) => redeliver(state.hookDeliveries, request), "jwt"),
];
