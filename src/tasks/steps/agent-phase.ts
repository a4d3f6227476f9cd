import { runAgent, type AgentOutcome } from "../../agent/agent-loop.js";
import type { ModelClient } from "../../agent/conversation.js";
import { SYSTEM_PROMPT } from "../../agent/task-prompt.js";
import { createApplyPatchTool } from "../../agent/tools/apply-patch.js";
import { createShellTool } from "../../agent/tools/shell.js";
import { createUpdatePlanTool, type PlanStep } from "../../agent/tools/update-plan.js";
import type { Budgets } from "../../agent/budgets.js";
import type { WorkspaceFiles } from "../../agent/workspace-files.js";
import type { Sandbox } from "../../sandbox/types.js";
import type { TaskLog } from "../task-log.js";

export interface AgentPhase {
  sandbox: Sandbox;
  /** The work tree as apply_patch edits it (the host's link-refusing file editor). */
  files: WorkspaceFiles;
  model: ModelClient;
  prompt: string;
  budgets: Budgets;
  commandTimeoutMs: number;
  onPlan: (plan: PlanStep[]) => void;
  log: TaskLog;
  signal?: AbortSignal;
}

/** Runs the agent with the three tools; every step goes to the task log. */
export async function runAgentPhase(phase: AgentPhase): Promise<AgentOutcome> {
  const { log } = phase;
  const tools = [
    createShellTool({ sandbox: phase.sandbox, defaultTimeoutMs: phase.commandTimeoutMs }),
    createApplyPatchTool(phase.files),
    createUpdatePlanTool(phase.onPlan),
  ];
  log.write("agent: task prompt", phase.prompt);
  return runAgent({
    instructions: SYSTEM_PROMPT,
    task: phase.prompt,
    tools,
    model: phase.model,
    budgets: phase.budgets,
    ...(phase.signal ? { signal: phase.signal } : {}),
    onEvent: (event) => {
      if (event.type === "model") {
        log.write(`agent: turn ${event.turn} (${event.usage.inputTokens} in / ${event.usage.outputTokens} out)`, event.text);
      } else if (event.type === "tool") {
        log.write(`agent: tool ${event.call.name} ${event.call.arguments}`, event.output);
      } else {
        log.write(`agent: stopped (${event.reason})${event.detail ? `: ${event.detail}` : ""}`);
      }
    },
  });
}
