import { createHmac, randomUUID } from "node:crypto";
import { Agent, request } from "node:http";

/** A delivery ready to send: body serialised and signed beforehand, so that sending is all the clock sees. */
export interface SignedDelivery {
  id: string;
  event: string;
  body: string;
  signature: string;
}

export interface Acknowledgement {
  id: string;
  status: number;
  /** performance.now() when the request was sent and when its status line arrived. */
  sentAt: number;
  answeredAt: number;
  ms: number;
}

/** Signs as GitHub does: https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries */
export function signDelivery(secret: string, event: string, payload: unknown): SignedDelivery {
  const body = JSON.stringify(payload);
  return { id: randomUUID(), event, body, signature: `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` };
}

/** Posts one delivery to `${url}/api/github/webhooks` and times it to the status line. */
export function sendDelivery(agent: Agent, url: string, delivery: SignedDelivery, signal: AbortSignal): Promise<Acknowledgement> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/github/webhooks`, {
      method: "POST",
      agent,
      signal,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(delivery.body),
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": delivery.event,
        "x-github-delivery": delivery.id,
        "x-hub-signature-256": delivery.signature,
      },
    });
    let sentAt = 0;
    req.on("response", (res) => {
      const answeredAt = performance.now();
      // Read the body to its end, so the socket goes back to the agent.
      res.resume();
      res.on("end", () => resolve({ id: delivery.id, status: res.statusCode ?? 0, sentAt, answeredAt, ms: answeredAt - sentAt }));
      res.on("error", reject);
    });
    req.on("error", reject);
    sentAt = performance.now();
    req.end(delivery.body);
  });
}

/**
 * Sends every delivery at once, as GitHub does when an organisation is busy: one connection
 * each (the agent allows as many), all given up after `timeoutMs`.
 */
export async function sendBurst(url: string, deliveries: SignedDelivery[], timeoutMs: number): Promise<Acknowledgement[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: deliveries.length });
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    return await Promise.all(deliveries.map((d) => sendDelivery(agent, url, d, signal)));
  } finally {
    agent.destroy();
  }
}

/** Sends one delivery after another on one kept-alive connection, calling `between` after each answer. */
export async function sendInTurn(url: string, deliveries: SignedDelivery[], timeoutMs: number, between: () => Promise<void> = async () => undefined): Promise<Acknowledgement[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    const answers: Acknowledgement[] = [];
    for (const d of deliveries) {
      answers.push(await sendDelivery(agent, url, d, signal));
      await between();
    }
    return answers;
  } finally {
    agent.destroy();
  }
}
