import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { signPayload } from "../../helpers/webhooks.js";

/** GitHub keeps an app's webhook deliveries, and redelivers them, for 3 days. */
export const DELIVERY_RETENTION_MS = 3 * 24 * 60 * 60 * 1000;
/** GitHub records a delivery as failed when the app has not answered in 10 s. */
const DELIVERY_TIMEOUT_MS = 10_000;
const HOOKSHOT_VERSION = randomBytes(3).toString("hex");

/** One attempt in the app's delivery log, as `GET /app/hook/deliveries/{id}` shows it. */
export interface HookDeliveryAttempt {
  /** Unique per attempt; a redelivery is a new attempt with the same guid. */
  id: number;
  guid: string;
  /** When the attempt started, in the fake's clock (ms). */
  deliveredAt: number;
  redelivery: boolean;
  /** Seconds. */
  duration: number;
  /** `OK`, `Invalid HTTP Response: 500`, `Connection refused`, `timed out`, ... */
  status: string;
  /** The app's HTTP status, or 0 when no answer came. */
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  url: string;
  request: { headers: Record<string, string>; body: string };
  response: { headers: Record<string, string> | null; body: string | null };
}

/** The app's webhook: where GitHub posts deliveries, how it signs them, and what it recorded. */
export interface HookDeliveryLog {
  appId: number;
  hookId: number;
  webhook: { url: string; secret: string } | undefined;
  /** Every attempt, in the order made. */
  attempts: HookDeliveryAttempt[];
  /** Redelivery attempts GitHub has accepted but not yet made. */
  pending: Set<Promise<HookDeliveryAttempt>>;
  /** The fake's clock for delivery times; real time when unset. */
  nowMs: number | undefined;
  nextId: number;
}

export function createHookDeliveryLog(appId: number): HookDeliveryLog {
  return { appId, hookId: 400_000 + appId, webhook: undefined, attempts: [], pending: new Set(), nowMs: undefined, nextId: 90_000_000_000 };
}

export function deliveryNow(log: HookDeliveryLog): number {
  return log.nowMs ?? Date.now();
}

export interface DeliveryContent {
  guid: string;
  event: string;
  /** The JSON body, byte for byte what every attempt of this guid sends. */
  body: string;
  redelivery: boolean;
}

/** Ids GitHub puts in the log come from the payload. */
function payloadIds(body: string): Pick<HookDeliveryAttempt, "action" | "installationId" | "repositoryId"> {
  const payload = JSON.parse(body) as { action?: unknown; installation?: { id?: unknown }; repository?: { id?: unknown } };
  const idOf = (value: unknown) => (typeof value === "number" ? value : null);
  return { action: typeof payload.action === "string" ? payload.action : null, installationId: idOf(payload.installation?.id), repositoryId: idOf(payload.repository?.id) };
}

/** GitHub's headers for an app webhook: https://docs.github.com/webhooks/webhook-events-and-payloads#delivery-headers */
function deliveryHeaders(log: HookDeliveryLog, secret: string, content: DeliveryContent): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": `GitHub-Hookshot/${HOOKSHOT_VERSION}`,
    "X-GitHub-Event": content.event,
    "X-GitHub-Delivery": content.guid,
    "X-GitHub-Hook-ID": String(log.hookId),
    "X-GitHub-Hook-Installation-Target-Type": "integration",
    "X-GitHub-Hook-Installation-Target-ID": String(log.appId),
    "X-Hub-Signature": `sha1=${createHmac("sha1", secret).update(content.body).digest("hex")}`,
    "X-Hub-Signature-256": signPayload(secret, content.body),
  };
}

/** GitHub's wording for an attempt that got no HTTP answer. */
function connectionFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if ((error as { name?: string }).name === "TimeoutError") return "timed out";
  if (cause?.code === "ECONNREFUSED") return "Connection refused";
  return `Failed to connect: ${cause?.code ?? String(error)}`;
}

/** POSTs one attempt to the app's webhook URL, records it in the log and returns it. Never retries. */
export async function attemptDelivery(log: HookDeliveryLog, content: DeliveryContent): Promise<HookDeliveryAttempt> {
  const webhook = log.webhook;
  if (webhook === undefined) throw new Error("fake GitHub has no webhook URL; call setWebhook({ url, secret }) first");
  const headers = deliveryHeaders(log, webhook.secret, content);
  log.nextId += 1;
  const attempt: HookDeliveryAttempt = {
    id: log.nextId,
    guid: content.guid,
    deliveredAt: deliveryNow(log),
    redelivery: content.redelivery,
    duration: 0,
    status: "",
    statusCode: 0,
    event: content.event,
    ...payloadIds(content.body),
    url: webhook.url,
    request: { headers, body: content.body },
    response: { headers: null, body: null },
  };
  const started = performance.now();
  try {
    const response = await fetch(webhook.url, { method: "POST", headers, body: content.body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
    attempt.response = { headers: Object.fromEntries(response.headers), body: await response.text() };
    attempt.statusCode = response.status;
    attempt.status = response.ok ? "OK" : `Invalid HTTP Response: ${response.status}`;
  } catch (error) {
    attempt.status = connectionFailure(error);
  }
  attempt.duration = Math.round(performance.now() - started) / 1000;
  log.attempts.push(attempt);
  return attempt;
}

/** A first delivery of an event, with a new guid unless given one. */
export function newDelivery(event: string, payload: unknown, guid: string = randomUUID()): DeliveryContent {
  return { guid, event, body: JSON.stringify(payload), redelivery: false };
}

/** Makes a redelivery attempt of `original` later, as GitHub does after answering 202. */
export function scheduleRedelivery(log: HookDeliveryLog, original: HookDeliveryAttempt): void {
  const content = { guid: original.guid, event: original.event, body: original.request.body, redelivery: true };
  const attempt = new Promise<void>((resolve) => setImmediate(resolve)).then(() => attemptDelivery(log, content));
  log.pending.add(attempt);
  // A failure surfaces through settleRedeliveries; this branch only keeps the set current.
  attempt.finally(() => log.pending.delete(attempt)).catch(() => undefined);
}

/** Resolves once every redelivery accepted so far has been attempted (and recorded in the log). */
export async function settleRedeliveries(log: HookDeliveryLog): Promise<void> {
  while (log.pending.size > 0) await Promise.all([...log.pending]);
}
