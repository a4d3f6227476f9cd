import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, listenOnLoopback, parseJsonBody, readBody, sendJson } from "../http.js";
import { toResponsesReply, type ScriptStep } from "./replies.js";

/** A held model call: `arrived` resolves when it comes in; `release()` lets it be answered. */
export interface HeldCall {
  arrived: Promise<void>;
  release(): void;
}

export interface ConversationModel {
  url: string;
  /** Calls served, per conversation. */
  calls: Map<string, number>;
  errors: string[];
  /** Holds the call asking for `step` (0-based) of the conversation, the next time it comes. */
  hold(conversation: string, step: number): HeldCall;
  close(): Promise<void>;
}

/**
 * A Responses API fake for several tasks at once, from several processes. The bot sends the whole
 * transcript every turn (`store: false`), so each call says which conversation it belongs to
 * (`route`, e.g. the issue title in the prompt) and how far it is: the step is the number of
 * tool results already in it. A task retried from the start after its worker died starts again
 * at step 0, as a real model would see it: a new conversation.
 */
export async function startConversationModel(options: { route: (raw: string) => string | undefined; script: (conversation: string) => ScriptStep[] }): Promise<ConversationModel> {
  const calls = new Map<string, number>();
  const errors: string[] = [];
  const holds = new Map<string, { arrive: () => void; released: Promise<void> }>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = (await readBody(req)).toString("utf8");
    const body = parseJsonBody(Buffer.from(raw)) as { input?: { type?: string }[] } | undefined;
    const conversation = options.route(raw);
    if (req.method !== "POST" || !req.url?.endsWith("/responses") || conversation === undefined) {
      errors.push(`unexpected ${req.method} ${req.url} (conversation ${conversation})`);
      return sendJson(res, 404, { error: { message: "conversation model: unexpected call", type: "invalid_request_error", param: null, code: null } });
    }
    const step = (body?.input ?? []).filter((item) => item.type === "function_call_output").length;
    calls.set(conversation, (calls.get(conversation) ?? 0) + 1);
    const held = holds.get(`${conversation}#${step}`);
    if (held) {
      holds.delete(`${conversation}#${step}`);
      held.arrive();
      await held.released;
    }
    const scripted = options.script(conversation)[step];
    if (!scripted) {
      errors.push(`conversation ${conversation}: no step ${step}`);
      return sendJson(res, 500, { error: { message: `no scripted step ${step}`, type: "server_error", param: null, code: null } });
    }
    try {
      scripted.expect?.(body);
    } catch (error) {
      errors.push(`conversation ${conversation} step ${step}: ${String(error)}`);
    }
    sendJson(res, 200, toResponsesReply(scripted, body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      errors.push(String(error));
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: "server_error", param: null, code: null } });
    });
  });
  const port = await listenOnLoopback(server);
  const releases: (() => void)[] = [];
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    errors,
    hold(conversation, step) {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(`${conversation}#${step}`, { arrive, released });
      releases.push(release);
      return { arrived, release };
    },
    close: async () => {
      for (const release of releases) release();
      await closeServer(server);
    },
  };
}
