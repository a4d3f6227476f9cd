import { RequestError } from "@octokit/request-error";
import { backoffMs } from "../../src/intake/backoff.js";
import { classifyFailure } from "../../src/intake/classify-failure.js";

const NOW = 1_700_000_000_000;
const requestError = (status: number, headers: Record<string, string> = {}, message = "failed", data: unknown = {}) =>
  new RequestError(message, status, { request: { method: "GET", url: "https://api.github.com/x", headers: {} }, response: { status, url: "https://api.github.com/x", headers, data } });
const withCode = (code: string, cause?: unknown) => Object.assign(new Error(code === "" ? "fetch failed" : `connect ${code}`), code ? { code } : {}, cause ? { cause } : {});

describe("classifyFailure: which failures are worth another attempt", () => {
  test.each([
    ["502 Bad Gateway", requestError(502), true],
    ["503", requestError(503), true],
    ["500", requestError(500), true],
    ["429 Too Many Requests", requestError(429), true],
    ["403 secondary rate limit", requestError(403, {}, "You have exceeded a secondary rate limit"), true],
    ["403 primary rate limit used up", requestError(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW / 1000 + 30) }), true],
    ["connection refused", withCode("ECONNREFUSED"), true],
    ["connection reset", withCode("ECONNRESET"), true],
    ["fetch failed, cause a socket timeout", withCode("", withCode("UND_ERR_CONNECT_TIMEOUT")), true],
    ["DNS failure", withCode("EAI_AGAIN"), true],
    ["404 repository gone", requestError(404), false],
    ["401 bad credentials", requestError(401), false],
    ["403 without permission", requestError(403, { "x-ratelimit-remaining": "4000" }, "Resource not accessible by integration"), false],
    ["403 installation suspended", requestError(403, {}, "This installation has been suspended"), false],
    ["422 validation failed", requestError(422), false],
    ["a bug in the bot", new TypeError("cannot read properties of undefined"), false],
  ])("%s → transient: %s", (_name, error, transient) => {
    expect(classifyFailure(error, NOW).transient).toBe(transient);
  });

  test("retry-after and x-ratelimit-reset say how long to wait", () => {
    expect(classifyFailure(requestError(429, { "retry-after": "42" }), NOW)).toMatchObject({ transient: true, retryAfterMs: 42_000 });
    expect(classifyFailure(requestError(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW / 1000 + 30) }), NOW)).toMatchObject({ transient: true, retryAfterMs: 30_000 });
    expect(classifyFailure(requestError(502), NOW)).not.toHaveProperty("retryAfterMs");
  });
});

describe("backoffMs: exponential with jitter, capped, never shorter than the server asked", () => {
  test("doubles per attempt between half and all of its ceiling", () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, undefined, () => 0))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect([1, 2, 3, 4].map((a) => backoffMs(a, undefined, () => 1))).toEqual([2_000, 4_000, 8_000, 16_000]);
  });
  test("is capped at ten minutes", () => {
    expect(backoffMs(40, undefined, () => 1)).toBe(600_000);
  });
  test("honours a longer retry-after", () => {
    expect(backoffMs(1, 90_000, () => 1)).toBe(90_000);
    expect(backoffMs(5, 1_000, () => 1)).toBe(32_000);
  });
});
