/** Limits the orchestrator enforces whatever the model does. */
export interface Budgets {
  maxTurns: number;
  wallTimeMs: number;
  maxTokens: number;
}

export type StopReason = "done" | "max_turns" | "timeout" | "tokens" | "model_error" | "cancelled";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** Which budget, if any, is spent. Checked before every model call. */
export function spentBudget(budgets: Budgets, turns: number, startedAt: number, usage: Usage, now = Date.now()): StopReason | null {
  if (turns >= budgets.maxTurns) return "max_turns";
  if (now - startedAt >= budgets.wallTimeMs) return "timeout";
  if (usage.inputTokens + usage.outputTokens >= budgets.maxTokens) return "tokens";
  return null;
}
