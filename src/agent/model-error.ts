import OpenAI from "openai";
import { ModelError, type ResponseFormat } from "./conversation.js";

/** Turns SDK errors into a ModelError whose message is safe to show a user (no headers, no keys). */
export function toModelError(error: unknown): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof OpenAI.APIConnectionError) return new ModelError(`model endpoint unreachable: ${error.message}`);
  if (error instanceof OpenAI.APIError) {
    return new ModelError(`model endpoint answered ${error.status ?? "with an error"}: ${error.message}`, error.status);
  }
  return new ModelError(`model endpoint unreachable: ${(error as Error).message}`);
}

/**
 * Many OpenAI-compatible servers reject structured output with a 400. Then the request is sent
 * again without it, and this client stops asking; the caller's tolerant parser takes over.
 */
export class StructuredOutputSupport {
  #unsupported = false;

  use(format: ResponseFormat | undefined): ResponseFormat | undefined {
    return this.#unsupported ? undefined : format;
  }

  async attempt<T>(withFormat: boolean, call: (withFormat: boolean) => Promise<T>): Promise<T> {
    try {
      return await call(withFormat);
    } catch (error) {
      if (!withFormat || !(error instanceof OpenAI.BadRequestError)) throw error;
      this.#unsupported = true;
      return call(false);
    }
  }
}
