import { type Budgets, spentBudget, type StopReason, type Usage } from "./budgets.js";
import { ModelError, type ConversationItem, type ModelClient, type ResponseFormat, type ToolCall } from "./conversation.js";
import { runToolCall, toToolSpec, type Tool } from "./tools/tool.js";

export interface AgentRun {
  instructions: string;
  task: string;
  tools: readonly Tool[];
  model: ModelClient;
  budgets: Budgets;
  /** The final answer's JSON Schema (structured output), e.g. for reviews. */
  responseFormat?: ResponseFormat;
  /** A transcript to continue (e.g. a repair request after an unusable answer); `task` is appended to it. */
  history?: ConversationItem[];
  /** Every step, for the task log. */
  onEvent?: (event: AgentEvent) => void;
  signal?: AbortSignal;
}

export type AgentEvent =
  | { type: "model"; turn: number; text: string; toolCalls: ToolCall[]; usage: Usage }
  | { type: "tool"; call: ToolCall; output: string }
  | { type: "stopped"; reason: StopReason; detail?: string };

export interface AgentOutcome {
  stopReason: StopReason;
  /** The model's last words: its summary when done. */
  finalText: string;
  turns: number;
  usage: Usage;
  /** Set when the model endpoint failed (after the SDK's retries). */
  error?: string;
  /** The whole transcript, to continue from. */
  items: ConversationItem[];
}

/**
 * The loop: ask the model, run the tools it calls, feed results back, until it answers without
 * a tool call or a budget runs out. Budgets are checked here, never left to the model.
 */
export async function runAgent(run: AgentRun): Promise<AgentOutcome> {
  const startedAt = Date.now();
  const items: ConversationItem[] = [...(run.history ?? []), { type: "user", text: run.task }];
  const specs = run.tools.map(toToolSpec);
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const signal = run.signal ?? new AbortController().signal;
  let turns = 0;
  let finalText = "";
  const stop = (stopReason: StopReason, error?: string): AgentOutcome => {
    run.onEvent?.({ type: "stopped", reason: stopReason, detail: error });
    return { stopReason, finalText, turns, usage, items, ...(error ? { error } : {}) };
  };

  for (;;) {
    if (signal.aborted) return stop("cancelled");
    const spent = spentBudget(run.budgets, turns, startedAt, usage);
    if (spent) return stop(spent);
    let turn;
    const deadline = AbortSignal.timeout(Math.max(1, run.budgets.wallTimeMs - (Date.now() - startedAt)));
    try {
      turn = await run.model.complete({ instructions: run.instructions, items, tools: specs, ...(run.responseFormat ? { responseFormat: run.responseFormat } : {}) }, AbortSignal.any([signal, deadline]));
    } catch (error) {
      // Decide from our own signals: the SDK reports an abort as one of its errors.
      if (signal.aborted) return stop("cancelled");
      if (deadline.aborted) return stop("timeout");
      if (error instanceof ModelError) return stop("model_error", error.message);
      throw error;
    }
    turns += 1;
    usage.inputTokens += turn.usage.inputTokens;
    usage.outputTokens += turn.usage.outputTokens;
    if (turn.text) finalText = turn.text;
    run.onEvent?.({ type: "model", turn: turns, text: turn.text, toolCalls: turn.toolCalls, usage: turn.usage });
    items.push({ type: "assistant", text: turn.text, toolCalls: turn.toolCalls, ...(turn.native ? { native: turn.native } : {}) });
    if (turn.toolCalls.length === 0) return stop("done");
    for (const call of turn.toolCalls) {
      const output = await runToolCall(run.tools, call, signal);
      run.onEvent?.({ type: "tool", call, output });
      items.push({ type: "tool_result", callId: call.id, output });
    }
  }
}
