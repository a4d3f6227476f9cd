/**
 * Whether a failed dispatch is worth trying again. GitHub's transient answers are 5xx, 429 and
 * the secondary rate limit (a 403 whose body or headers say so), plus anything that never got
 * an answer (refused, reset, timed out, DNS); the rest (404 repository gone, 401/403 without
 * permission or a suspended installation, 422) will answer the same next time.
 * https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api
 */
export type FailureClass = { transient: true; retryAfterMs?: number; reason: string } | { transient: false; reason: string };

const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED",
  "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_SOCKET", "UND_ERR_CLOSED",
]);

interface ErrorLike {
  status?: unknown;
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

export function classifyFailure(error: unknown, now = Date.now()): FailureClass {
  const e = (error ?? {}) as ErrorLike;
  const status = typeof e.status === "number" ? e.status : undefined;
  const message = typeof e.message === "string" ? e.message : String(error);
  if (isNetworkError(e)) return { transient: true, reason: `no answer from GitHub: ${message}` };
  // No status and no network error: a bug in the bot, which another attempt would repeat.
  if (status === undefined) return { transient: false, reason: message };
  const headers = e.response?.headers ?? {};
  const retryAfterMs = retryAfter(headers, now);
  if (status >= 500 || status === 429) return { transient: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), reason: `GitHub answered ${status}` };
  if (status === 403 && (isSecondaryRateLimit(e, message) || headers["x-ratelimit-remaining"] === "0")) {
    return { transient: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), reason: "GitHub's rate limit" };
  }
  return { transient: false, reason: `GitHub answered ${status}: ${message}` };
}

function isNetworkError(e: ErrorLike, depth = 0): boolean {
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  if (e.name === "AbortError" || e.name === "TimeoutError" || (typeof e.message === "string" && /fetch failed|socket hang up|network timeout/i.test(e.message))) return true;
  return depth < 4 && typeof e.cause === "object" && e.cause !== null && isNetworkError(e.cause as ErrorLike, depth + 1);
}

function isSecondaryRateLimit(e: ErrorLike, message: string): boolean {
  const data = e.response?.data as { message?: unknown } | undefined;
  return /secondary rate limit|abuse detection/i.test(`${message} ${typeof data?.message === "string" ? data.message : ""}`);
}

/** `retry-after` (seconds) or, for the primary limit, `x-ratelimit-reset` (epoch seconds). */
function retryAfter(headers: Record<string, unknown>, now: number): number | undefined {
  const after = Number(headers["retry-after"]);
  if (Number.isFinite(after) && after >= 0) return after * 1000;
  const reset = Number(headers["x-ratelimit-reset"]);
  if (headers["x-ratelimit-remaining"] === "0" && Number.isFinite(reset)) return Math.max(0, reset * 1000 - now);
  return undefined;
}
