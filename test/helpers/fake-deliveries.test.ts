import { ProbotOctokit } from "probot";
import type { Octokit } from "../../src/github/types.js";
import type { FakeGitHub } from "../fakes/fake-github.js";
import { startFakeGitHub } from "../fakes/fake-github.js";
import { fakeAppOctokit } from "./app-octokit.js";
import { freePort } from "./bot-process.js";
import type { WebhookReceiver } from "./webhook-receiver.js";
import { startWebhookReceiver } from "./webhook-receiver.js";
import { loadExamplePayload, signPayload } from "./webhooks.js";

const SECRET = "webhook-secret";
const DAY_MS = 24 * 60 * 60 * 1000;

describe("fake GitHub: the app's webhook deliveries", () => {
  let github: FakeGitHub;
  let receiver: WebhookReceiver;
  let app: Octokit;

  beforeEach(async () => {
    github = await startFakeGitHub();
    receiver = await startWebhookReceiver();
    github.setWebhook({ url: receiver.url, secret: SECRET });
    app = await fakeAppOctokit(github);
  });

  afterEach(async () => {
    await github.close();
    await receiver.close();
  });

  const labeled = () => loadExamplePayload("issues", "labeled");

  test("delivers a signed event with GitHub's headers and records the attempt", async () => {
    const payload = labeled();
    const attempt = await github.deliver("issues", payload, { guid: "0b6c5e10-0000-4000-8000-000000000001" });

    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery?.headers).toMatchObject({
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": "0b6c5e10-0000-4000-8000-000000000001",
      "x-github-hook-id": expect.stringMatching(/^\d+$/),
      "x-github-hook-installation-target-type": "integration",
      "user-agent": expect.stringMatching(/^GitHub-Hookshot\//),
    });
    expect(delivery?.headers["x-hub-signature-256"]).toBe(signPayload(SECRET, delivery?.body ?? ""));
    expect(JSON.parse(delivery?.body ?? "")).toEqual(payload);
    expect(attempt).toMatchObject({
      guid: "0b6c5e10-0000-4000-8000-000000000001",
      redelivery: false,
      status: "OK",
      statusCode: 202,
      event: "issues",
      action: "labeled",
      installationId: payload.installation?.id ?? null,
      repositoryId: payload.repository.id,
    });
    expect(github.deliveries()).toEqual([attempt]);
  });

  test("records a 500 and a refused connection as GitHub words them, and never retries", async () => {
    receiver.answer = () => 500;
    const answered500 = await github.deliver("issues", labeled());
    github.setWebhook({ url: `http://127.0.0.1:${await freePort()}/api/github/webhooks`, secret: SECRET });
    const refused = await github.deliver("issues", labeled());

    expect(answered500).toMatchObject({ status: "Invalid HTTP Response: 500", statusCode: 500 });
    expect(refused).toMatchObject({ status: "Connection refused", statusCode: 0 });
    expect(answered500.id).not.toBe(refused.id);
    expect(receiver.received).toHaveLength(1);
    expect(github.deliveries()).toHaveLength(2);
  });

  test("lists attempts newest first, paginated by cursor with a Link header", async () => {
    const attempts = [];
    for (let i = 0; i < 5; i += 1) {
      github.setDeliveryClock(Date.parse("2030-01-01T00:00:00Z") + i * 60_000);
      attempts.push(await github.deliver("issues", labeled()));
    }
    const first = await app.rest.apps.listWebhookDeliveries({ per_page: 2 });
    expect(first.data.map((d) => d.guid)).toEqual([attempts[4]?.guid, attempts[3]?.guid]);
    expect(first.data[0]).toMatchObject({ delivered_at: "2030-01-01T00:04:00Z", status: "OK", status_code: 202, redelivery: false, action: "labeled" });
    expect(first.headers.link).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/v3\/app\/hook\/deliveries\?per_page=2&cursor=v1_\d+>; rel="next"$/);

    const all = await app.paginate(app.rest.apps.listWebhookDeliveries, { per_page: 2 });
    expect(all.map((d) => d.id)).toEqual(attempts.map((a) => a.id).reverse());
    expect(github.requests.filter((r) => r.path === "/api/v3/app/hook/deliveries")).toHaveLength(4);
  });

  test("shows one attempt with its request and response", async () => {
    receiver.answer = () => 500;
    const attempt = await github.deliver("issues", labeled());
    const { data } = await app.rest.apps.getWebhookDelivery({ delivery_id: attempt.id });
    expect(data).toMatchObject({ id: attempt.id, guid: attempt.guid, status: "Invalid HTTP Response: 500", url: receiver.url });
    expect(data.request.headers).toMatchObject({ "X-GitHub-Delivery": attempt.guid, "X-GitHub-Event": "issues" });
    expect(data.request.payload).toEqual(labeled());
    expect(data.response.payload).toBe("answered by the test receiver\n");
    await expect(app.rest.apps.getWebhookDelivery({ delivery_id: 12345 })).rejects.toMatchObject({ status: 404 });
  });

  test("redelivers asynchronously after a 202: same guid and body, a new attempt marked redelivery", async () => {
    receiver.answer = () => 500;
    const failed = await github.deliver("issues", labeled());
    receiver.answer = () => 202;

    const response = await app.rest.apps.redeliverWebhookDelivery({ delivery_id: failed.id });
    expect(response.status).toBe(202);
    await github.settleRedeliveries();
    const redelivered = github.deliveries()[1];

    expect(redelivered).toMatchObject({ guid: failed.guid, redelivery: true, status: "OK", statusCode: 202 });
    expect(redelivered?.id).not.toBe(failed.id);
    expect(receiver.received.map((d) => d.guid)).toEqual([failed.guid, failed.guid]);
    expect(receiver.received[1]?.body).toBe(receiver.received[0]?.body);
    const { data } = await app.rest.apps.listWebhookDeliveries();
    expect(data.map((d) => [d.guid, d.redelivery, d.status])).toEqual([
      [failed.guid, true, "OK"],
      [failed.guid, false, "Invalid HTTP Response: 500"],
    ]);
  });

  test("refuses to redeliver an unknown attempt (404) or one older than 3 days (422)", async () => {
    const now = Date.parse("2030-01-10T00:00:00Z");
    github.setDeliveryClock(now - 3 * DAY_MS - 60_000);
    const old = await github.deliver("issues", labeled());
    github.setDeliveryClock(now - 3 * DAY_MS + 60_000);
    const recent = await github.deliver("issues", labeled());
    github.setDeliveryClock(now);

    await expect(app.rest.apps.redeliverWebhookDelivery({ delivery_id: 99 })).rejects.toMatchObject({ status: 404 });
    await expect(app.rest.apps.redeliverWebhookDelivery({ delivery_id: old.id })).rejects.toMatchObject({ status: 422 });
    await expect(app.rest.apps.redeliverWebhookDelivery({ delivery_id: recent.id })).resolves.toMatchObject({ status: 202 });
    await github.settleRedeliveries();
    expect(github.deliveries().filter((a) => a.redelivery).map((a) => a.guid)).toEqual([recent.guid]);
  });

  test("the three routes take the app's JWT only: an installation token gets 401", async () => {
    const attempt = await github.deliver("issues", labeled());
    const installation = new ProbotOctokit({ auth: { token: github.issueToken() }, baseUrl: github.apiUrl, retry: { enabled: false }, throttle: { enabled: false } } as never);
    await expect(installation.rest.apps.listWebhookDeliveries()).rejects.toMatchObject({ status: 401 });
    await expect(installation.rest.apps.getWebhookDelivery({ delivery_id: attempt.id })).rejects.toMatchObject({ status: 401 });
    await expect(installation.rest.apps.redeliverWebhookDelivery({ delivery_id: attempt.id })).rejects.toMatchObject({ status: 401 });
    await github.settleRedeliveries();
    expect(github.deliveries()).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });
});
