import type OpenAI from "openai";
import type { ResponseInputItem, ResponseOutputItem } from "openai/resources/responses/responses";
import type { ConversationItem, ModelClient, ModelTurn, ToolCall } from "./conversation.js";
import { StructuredOutputSupport, toModelError } from "./model-error.js";

/**
 * The Responses API, stateless (`store: false`): the whole transcript is sent each turn, so a
 * task can resume on another process and no conversation is kept by the provider.
 */
export function createResponsesClient(openai: OpenAI, model: string): ModelClient {
  const formats = new StructuredOutputSupport();
  return {
    model,
    async complete(request, signal): Promise<ModelTurn> {
      try {
        const format = formats.use(request.responseFormat);
        const response = await formats.attempt(Boolean(format), (withFormat) => openai.responses.create(
          {
            ...(withFormat && format ? { text: { format: { type: "json_schema", name: format.name, schema: format.schema, strict: true } } } : {}),
            model,
            instructions: request.instructions,
            input: request.items.flatMap(toInput),
            tools: request.tools.map((t) => ({ type: "function", name: t.name, description: t.description, parameters: t.parameters, strict: false })),
            store: false,
          },
          { signal },
        ));
        const toolCalls: ToolCall[] = [];
        for (const item of response.output) {
          if (item.type === "function_call") toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments });
        }
        return {
          text: response.output_text ?? "",
          toolCalls,
          usage: { inputTokens: response.usage?.input_tokens ?? 0, outputTokens: response.usage?.output_tokens ?? 0 },
          native: response.output,
        };
      } catch (error) {
        throw toModelError(error);
      }
    },
  };
}

function toInput(item: ConversationItem): ResponseInputItem[] {
  if (item.type === "user") return [{ role: "user", content: item.text }];
  if (item.type === "tool_result") return [{ type: "function_call_output", call_id: item.callId, output: item.output }];
  if (item.native) return (item.native as ResponseOutputItem[]).flatMap(replayable);
  const calls: ResponseInputItem[] = item.toolCalls.map((c) => ({ type: "function_call", call_id: c.id, name: c.name, arguments: c.arguments }));
  return item.text ? [{ role: "assistant", content: item.text }, ...calls] : calls;
}

/** Without `store`, reasoning can only be replayed with its encrypted content; ids point at nothing. */
function replayable(item: ResponseOutputItem): ResponseInputItem[] {
  if (item.type === "reasoning") return item.encrypted_content ? [item as ResponseInputItem] : [];
  if (item.type === "function_call") return [{ type: "function_call", call_id: item.call_id, name: item.name, arguments: item.arguments }];
  if (item.type === "message") {
    const text = item.content.map((c) => (c.type === "output_text" ? c.text : "")).join("");
    return text ? [{ role: "assistant", content: text }] : [];
  }
  return [];
}
