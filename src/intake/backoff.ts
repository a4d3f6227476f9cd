const BASE_MS = 2_000;
const CAP_MS = 10 * 60_000;

/**
 * Delay before dispatch attempt `attempt + 1`: exponential from 2 s, capped at 10 minutes, with
 * full jitter so that many deliveries failing at once do not come back at once
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). A server's own
 * `retry-after` is honoured when it asks for longer. `random` is injectable for tests.
 */
export function backoffMs(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}
