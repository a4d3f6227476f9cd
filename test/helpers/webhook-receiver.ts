import { createServer, type IncomingHttpHeaders } from "node:http";
import { closeServer, listenOnLoopback, readBody } from "../fakes/http.js";

export interface ReceivedDelivery {
  guid: string;
  event: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for the bot's webhook endpoint: records what GitHub posts and answers as told. */
export interface WebhookReceiver {
  /** The URL to give the fake GitHub's setWebhook. */
  url: string;
  received: ReceivedDelivery[];
  /** The HTTP status for a delivery; 202 unless replaced. */
  answer: (delivery: ReceivedDelivery) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: Omit<WebhookReceiver, "url" | "close"> = { received: [], answer: () => 202 };
  const http = createServer((req, res) => {
    void readBody(req).then((body) => {
      const delivery = { guid: String(req.headers["x-github-delivery"]), event: String(req.headers["x-github-event"]), headers: req.headers, body: body.toString("utf8") };
      receiver.received.push(delivery);
      res.writeHead(receiver.answer(delivery), { "content-type": "text/plain" });
      res.end("answered by the test receiver\n");
    });
  });
  const port = await listenOnLoopback(http);
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}/api/github/webhooks`, close: () => closeServer(http) });
}
