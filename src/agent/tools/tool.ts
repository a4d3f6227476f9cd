import { z } from "zod";
import type { ToolCall, ToolSpec } from "../conversation.js";
import { truncateMiddle } from "../truncate.js";

/** A tool as data: what the model sees (name, description, schema) and what the host does. */
export interface Tool<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  parameters: Schema;
  execute(args: z.infer<Schema>, signal: AbortSignal): Promise<string>;
}

/** An error the model should read and act on (bad arguments, a hunk that did not apply). */
export class ToolInputError extends Error {
  override name = "ToolInputError";
}

export function toToolSpec(tool: Tool): ToolSpec {
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.parameters) as Record<string, unknown>;
  return { name: tool.name, description: tool.description, parameters };
}

/**
 * The one place a tool call is validated, executed and its result shaped for the model.
 * Only a ToolInputError becomes text for the model; any other error ends the run.
 */
export async function runToolCall(tools: readonly Tool[], call: ToolCall, signal: AbortSignal): Promise<string> {
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) return `error: there is no tool named "${call.name}"; the tools are ${tools.map((t) => t.name).join(", ")}`;
  let raw: unknown;
  try {
    raw = JSON.parse(call.arguments || "{}");
  } catch {
    return `error: the arguments are not valid JSON: ${truncateMiddle(call.arguments, 200)}`;
  }
  const args = tool.parameters.safeParse(raw);
  if (!args.success) return `error: invalid arguments for ${tool.name}: ${args.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}`;
  try {
    return truncateMiddle(await tool.execute(args.data, signal));
  } catch (error) {
    if (error instanceof ToolInputError) return `error: ${error.message}`;
    throw error;
  }
}
