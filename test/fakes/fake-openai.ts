import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { closeServer, listenOnLoopback, parseJsonBody, readBody, sendJson } from "./http.js";
import type { ScriptedToolCall, ScriptStep } from "./openai/replies.js";
import { toChatReply, toResponsesReply } from "./openai/replies.js";

export type { ScriptedToolCall, ScriptStep };

export interface ModelRequest {
  path: string;
  body: unknown;
  /** The body exactly as received, for "this secret never reached the model" assertions. */
  raw: string;
}

export interface ScriptedModelOptions {
  /** When set, `Authorization: Bearer <apiKey>` is required. */
  apiKey?: string;
}

/** A fake OpenAI endpoint that answers each call with the next scripted step and fails loudly on anything else. */
export interface ScriptedModel {
  /** `http://127.0.0.1:PORT/v1`, for OPENAI_BASE_URL. */
  url: string;
  requests: ModelRequest[];
  /** Unexpected calls, failed `expect`s, bad keys; a test should expect this to be empty. */
  errors: string[];
  /** Steps not yet consumed. */
  readonly remaining: number;
  /** Makes the next call fail with this status and body, without consuming a step. */
  failNext(status: number, body?: unknown): void;
  close(): Promise<void>;
}

const REPLIES: Record<string, (step: ScriptStep, request: unknown) => unknown> = {
  "/v1/responses": toResponsesReply,
  "/v1/chat/completions": toChatReply,
};

function openAiError(message: string, type = "scripted_model_error") {
  return { error: { message, type, param: null, code: null } };
}

export async function startScriptedModel(script: ScriptStep[], options: ScriptedModelOptions = {}): Promise<ScriptedModel> {
  const steps = [...script];
  const requests: ModelRequest[] = [];
  const errors: string[] = [];
  const failures: { status: number; body: unknown }[] = [];
  let served = 0;

  const fail = (res: ServerResponse, status: number, message: string) => {
    errors.push(message);
    sendJson(res, status, openAiError(message));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const raw = (await readBody(req)).toString("utf8");
    const body = parseJsonBody(Buffer.from(raw));
    requests.push({ path, body, raw });
    const reply = REPLIES[path];
    if (req.method !== "POST" || reply === undefined) return fail(res, 404, `scripted model: unexpected ${req.method} ${path}`);
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return fail(res, 401, `scripted model: wrong or missing API key on ${path}`);
    }
    const failure = failures.shift();
    if (failure !== undefined) return sendJson(res, failure.status, failure.body);
    const step = steps.shift();
    served += 1;
    if (step === undefined) {
      return fail(res, 500, `scripted model: unexpected call #${served} to ${path}; the script had ${script.length} step(s)`);
    }
    if ((body as { stream?: unknown } | undefined)?.stream === true) {
      return fail(res, 500, `scripted model: call #${served} asked for streaming, which the fake does not support`);
    }
    try {
      step.expect?.(body);
    } catch (error) {
      return fail(res, 500, `scripted model: call #${served} to ${path} failed its expectation: ${String(error)}`);
    }
    sendJson(res, 200, reply(step, body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => fail(res, 500, `scripted model crashed: ${String(error)}`));
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    errors,
    get remaining() {
      return steps.length;
    },
    failNext: (status, body = openAiError(`simulated ${status}`, "server_error")) => void failures.push({ status, body }),
    close: () => closeServer(server),
  };
}
