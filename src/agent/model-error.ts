import OpenAI from "openai";
import { ModelError } from "./conversation.js";

/** Turns SDK errors into a ModelError whose message is safe to show a user (no headers, no keys). */
export function toModelError(error: unknown): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof OpenAI.APIConnectionError) return new ModelError(`model endpoint unreachable: ${error.message}`);
  if (error instanceof OpenAI.APIError) {
    return new ModelError(`model endpoint answered ${error.status ?? "with an error"}: ${error.message}`, error.status);
  }
  return new ModelError(`model endpoint unreachable: ${(error as Error).message}`);
}
