import nock from "nock";
import { pino, type Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { generatePrivateKey } from "./bot-process.js";

export const API = "https://api.github.com";
const privateKey = generatePrivateKey();

/** A Probot instance as in production, but silent (unless given a logger) and without retry/throttle waits, calling GitHub through nock. */
export function createTestProbot(log: Logger = pino({ level: "silent" })): Probot {
  return new Probot({
    appId: 1,
    privateKey,
    log,
    // A function runs after Probot's own option layers, so it can switch the waits off for tests.
    Octokit: ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } })),
  });
}

/** GitHub's installation-token exchange, which Probot makes before any installation call. */
export function nockInstallationToken(installationId = 77): nock.Scope {
  return nock(API).post(`/app/installations/${installationId}/access_tokens`).reply(201, { token: "ghs_test_token", expires_at: "2099-01-01T00:00:00Z", permissions: {} });
}
