import OpenAI from "openai";
import type { ModelClient } from "./conversation.js";
import { createChatClient } from "./model-chat.js";
import { createResponsesClient } from "./model-responses.js";

export interface ModelSettings {
  api: "responses" | "chat";
  model: string;
  baseURL?: string;
  apiKey?: string;
}

/** The SDK retries 408/409/429/5xx with backoff; these bound how long one call may take. */
const MAX_RETRIES = 4;
const REQUEST_TIMEOUT_MS = 10 * 60_000;

export function createModelClient(settings: ModelSettings): ModelClient {
  const openai = new OpenAI({
    apiKey: settings.apiKey ?? "not-needed",
    baseURL: settings.baseURL,
    maxRetries: MAX_RETRIES,
    timeout: REQUEST_TIMEOUT_MS,
  });
  return settings.api === "chat" ? createChatClient(openai, settings.model) : createResponsesClient(openai, settings.model);
}
