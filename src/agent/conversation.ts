/** The agent's transcript in a neutral shape; each model adapter translates it to its API. */
export interface ToolCall {
  id: string;
  name: string;
  /** JSON text exactly as the model produced it (it may be invalid; the tool wrapper says so). */
  arguments: string;
}

export type ConversationItem =
  | { type: "user"; text: string }
  | { type: "assistant"; text: string; toolCalls: ToolCall[]; native?: unknown[] }
  | { type: "tool_result"; callId: string; output: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ModelTurn {
  text: string;
  toolCalls: ToolCall[];
  usage: { inputTokens: number; outputTokens: number };
  /** The API's own output items, replayed verbatim by the adapter that made them. */
  native?: unknown[];
}

/** A JSON Schema the final answer must follow (structured output), where the endpoint supports it. */
export interface ResponseFormat {
  name: string;
  schema: Record<string, unknown>;
}

export interface ModelRequest {
  instructions: string;
  items: ConversationItem[];
  tools: ToolSpec[];
  responseFormat?: ResponseFormat;
}

/** One call to the model. Errors the SDK could not retry away are thrown as ModelError. */
export interface ModelClient {
  readonly model: string;
  complete(request: ModelRequest, signal?: AbortSignal): Promise<ModelTurn>;
}

export class ModelError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "ModelError";
  }
}
