import type { RepoConfig } from "../../config/repo-config.js";
import { checkOutgoingChanges, MAX_FILE_BYTES } from "../../workspace/check-changes.js";
import { stageAll, type StagedChange } from "../../workspace/task-workspace.js";
import type { Checkout } from "../clone-task-workspace.js";
import { describeStop } from "../task-outcome.js";
import type { CodeTaskContext } from "./code-task-context.js";
import type { AgentResult } from "./run-task-agent.js";

/**
 * What changed, and whether it may leave the sandbox: no change ends the task with the agent's
 * own account; a workflow change, an oversized file or a secret refuses it. Null when it ended here.
 */
export async function stageAndCheck(ctx: CodeTaskContext, checkout: Checkout, config: RepoConfig, agent: AgentResult): Promise<StagedChange[] | null> {
  const { changes, removedGitDirs } = await stageAll(checkout.workspace);
  if (removedGitDirs.length > 0) ctx.log.write("workspace: removed nested git directories before host git read the tree", removedGitDirs.join("\n"));
  if (changes.length === 0) {
    const { outcome } = agent;
    const incomplete = describeStop(outcome);
    await ctx.finish(outcome.stopReason === "done" ? "succeeded" : "failed", incomplete ? `codex stopped without a change: ${incomplete}` : "codex made no changes",
      outcome.finalText || "The agent ended without a summary.");
    return null;
  }
  const problems = await checkOutgoingChanges(checkout.workspace, changes, { allowWorkflowChanges: config.allow_workflow_changes, maxFileBytes: MAX_FILE_BYTES, secrets: ctx.secrets });
  if (problems.length === 0) return changes;
  await ctx.finish("refused", "codex-bot refused to push this change", problems.map((p) => `- ${p}`).join("\n"));
  return null;
}
