import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { WebhookEventMap, WebhookEventName } from "@octokit/webhooks-types";

/** GitHub's `X-Hub-Signature-256` value: https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries */
export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface SendWebhookOptions {
  /** The bot's base URL; the delivery goes to `${url}/api/github/webhooks`. */
  url: string;
  secret: string;
  /** Event name, e.g. `issues`. */
  name: string;
  /** Delivery id; a random UUID by default. */
  id?: string;
  payload: unknown;
}

export interface WebhookResponse {
  status: number;
  body: string;
  /** Time until the bot answered; GitHub gives up after 10 s. */
  ms: number;
}

/** Delivers a signed webhook the way GitHub does. */
export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookResponse> {
  const body = JSON.stringify(options.payload);
  const started = performance.now();
  const response = await fetch(`${options.url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "GitHub-Hookshot/fake",
      "X-GitHub-Event": options.name,
      "X-GitHub-Delivery": options.id ?? randomUUID(),
      "X-Hub-Signature-256": signPayload(options.secret, body),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text, ms: Math.round(performance.now() - started) };
}

interface ExampleDefinition {
  name: string;
  actions: string[];
  examples: { action?: string }[];
}

let definitions: ExampleDefinition[] | undefined;

function loadDefinitions(): ExampleDefinition[] {
  if (definitions === undefined) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/webhooks-examples/api.github.com/index.json");
    definitions = JSON.parse(readFileSync(file, "utf8")) as ExampleDefinition[];
  }
  return definitions;
}

/**
 * A deep copy of the first real payload from `@octokit/webhooks-examples` for `event` and `action`
 * (pass `undefined` for events without actions, such as `push`), optionally edited in place.
 */
export function loadExamplePayload<E extends WebhookEventName>(
  event: E,
  action: string | undefined,
  edit?: (payload: WebhookEventMap[E]) => void,
): WebhookEventMap[E] {
  const definition = loadDefinitions().find((d) => d.name === event);
  if (definition === undefined) throw new Error(`@octokit/webhooks-examples has no "${event}" event`);
  const example = definition.examples.find((e) => action === undefined || e.action === action);
  if (example === undefined) {
    const actions = [...new Set(definition.examples.map((e) => e.action))].join(", ");
    throw new Error(`@octokit/webhooks-examples has no "${event}.${action}" example; it has: ${actions}`);
  }
  const payload = structuredClone(example) as WebhookEventMap[E];
  edit?.(payload);
  return payload;
}
