import type OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ConversationItem, ModelClient, ModelTurn } from "./conversation.js";
import { StructuredOutputSupport, toModelError } from "./model-error.js";

/** Chat Completions, for OpenAI-compatible servers (vLLM, Ollama, ...) that lack the Responses API. */
export function createChatClient(openai: OpenAI, model: string): ModelClient {
  const formats = new StructuredOutputSupport();
  return {
    model,
    async complete(request, signal): Promise<ModelTurn> {
      try {
        const format = formats.use(request.responseFormat);
        const completion = await formats.attempt(Boolean(format), (withFormat) => openai.chat.completions.create(
          {
            ...(withFormat && format ? { response_format: { type: "json_schema" as const, json_schema: { name: format.name, schema: format.schema, strict: true } } } : {}),
            model,
            messages: [{ role: "system", content: request.instructions }, ...request.items.map(toMessage)],
            tools: request.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters } })),
          },
          { signal },
        ));
        const message = completion.choices[0]?.message;
        const toolCalls = (message?.tool_calls ?? []).flatMap((c) =>
          c.type === "function" ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
        );
        return {
          text: message?.content ?? "",
          toolCalls,
          usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
        };
      } catch (error) {
        throw toModelError(error);
      }
    },
  };
}

function toMessage(item: ConversationItem): ChatCompletionMessageParam {
  if (item.type === "user") return { role: "user", content: item.text };
  if (item.type === "tool_result") return { role: "tool", tool_call_id: item.callId, content: item.output };
  return {
    role: "assistant",
    content: item.text || null,
    ...(item.toolCalls.length
      ? { tool_calls: item.toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })) }
      : {}),
  };
}
