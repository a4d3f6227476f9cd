import type { AgentOutcome } from "../agent/agent-loop.js";
import type { TaskStatus } from "./task-types.js";

export type Finish = (outcome: Exclude<TaskStatus, "queued" | "running">, headline: string, detail?: string) => Promise<void>;

/** A plain sentence for why the agent stopped early; undefined when it finished on its own. */
export function describeStop(outcome: AgentOutcome): string | undefined {
  switch (outcome.stopReason) {
    case "done":
      return undefined;
    case "max_turns":
      return `the agent used all ${outcome.turns} turns it was allowed`;
    case "timeout":
      return "the agent ran out of time";
    case "tokens":
      return `the agent used its token budget (${outcome.usage.inputTokens + outcome.usage.outputTokens} tokens)`;
    case "model_error":
      return `the model endpoint failed: ${outcome.error ?? "unknown error"}`;
    case "cancelled":
      return "the task was cancelled";
  }
}
