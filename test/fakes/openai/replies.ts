import { randomBytes } from "node:crypto";

export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface ScriptStep {
  toolCalls?: ScriptedToolCall[];
  text?: string;
  usage?: { input: number; output: number };
  /** Runs against the parsed request body; a throw fails the call and lands in `errors`. */
  expect?: (request: unknown) => void;
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

function modelOf(request: unknown): string {
  const model = (request as { model?: unknown } | null)?.model;
  return typeof model === "string" ? model : "scripted-model";
}

/** A non-streaming Responses API body: https://platform.openai.com/docs/api-reference/responses/object */
export function toResponsesReply(step: ScriptStep, request: unknown) {
  const usage = step.usage ?? { input: 0, output: 0 };
  const message =
    step.text === undefined && (step.toolCalls?.length ?? 0) > 0
      ? []
      : [
          {
            type: "message",
            id: newId("msg"),
            role: "assistant",
            status: "completed",
            content: [{ type: "output_text", text: step.text ?? "", annotations: [] }],
          },
        ];
  const calls = (step.toolCalls ?? []).map((call) => ({
    type: "function_call",
    id: newId("fc"),
    call_id: newId("call"),
    name: call.name,
    arguments: JSON.stringify(call.arguments),
    status: "completed",
  }));
  return {
    id: newId("resp"),
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    model: modelOf(request),
    output: [...message, ...calls],
    usage: {
      input_tokens: usage.input,
      output_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

/** A non-streaming `chat.completion`: https://platform.openai.com/docs/api-reference/chat/object */
export function toChatReply(step: ScriptStep, request: unknown) {
  const usage = step.usage ?? { input: 0, output: 0 };
  const toolCalls = (step.toolCalls ?? []).map((call) => ({
    id: newId("call"),
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  return {
    id: newId("chatcmpl"),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: modelOf(request),
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: step.text ?? null,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop",
      },
    ],
    usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
  };
}
