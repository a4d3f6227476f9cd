import type { RunnerDeps } from "./runner-deps.js";
import { announceStart } from "./steps/announce-start.js";
import { openCodeTask, reportFailure } from "./steps/code-task-context.js";
import { loadTaskConfig } from "./steps/load-task-config.js";
import { preparePrompt } from "./steps/prepare-prompt.js";
import { prepareWorkspace } from "./steps/prepare-workspace.js";
import { publishOutcome } from "./steps/publish-outcome.js";
import { refuseUnhealthySandbox } from "./steps/refuse-unhealthy-sandbox.js";
import { refuseUnpushableBranch } from "./steps/refuse-unpushable-branch.js";
import { runTaskAgent } from "./steps/run-task-agent.js";
import { setUpWorkspace } from "./steps/set-up-workspace.js";
import { stageAndCheck } from "./steps/stage-and-check.js";
import { verifyChange } from "./steps/verify.js";
import { closeTaskContext } from "./task-context.js";
import type { CodeTask } from "./task-types.js";

/**
 * One code task, start to finish, in numbered steps. Every ending is reported on the issue: a
 * step that ends the task (a refusal, a failed setup, no change) reports it and returns nothing.
 */
export function createCodeTaskRunner(deps: RunnerDeps) {
  return async function runCodeTask(task: CodeTask, signal: AbortSignal = new AbortController().signal): Promise<void> {
    const ctx = await openCodeTask(deps, task, signal);
    try {
      // 1. Refuse when the sandbox is not healthy: never run agent commands bare.
      if (await refuseUnhealthySandbox(ctx)) return;
      // 2. The status comment: working on it, attempt n, who asked.
      await announceStart(ctx);
      // 3. Repository config from the default branch.
      const config = await loadTaskConfig(ctx);
      if (!config) return;
      // 4. A follow-up starts from the pull request's branch, after checks that the bot may push there.
      if (await refuseUnpushableBranch(ctx)) return;
      // 5. Workspace: from the repository's refreshed mirror, the git directory outside the agent's reach.
      const checkout = await prepareWorkspace(ctx);
      signal.throwIfAborted();
      // 6. Setup phase: dependencies, with network and setup secrets, before the agent (which has neither).
      const ready = await setUpWorkspace(ctx, checkout, config);
      if (!ready) return;
      // 7. The prompt: issue, maintainers' comments, AGENTS.md, config instructions.
      const brief = await preparePrompt(ctx, checkout, config);
      signal.throwIfAborted();
      // 8. The agent, in a sandbox with no network and no credentials.
      const agent = await runTaskAgent(ctx, checkout, config, brief);
      signal.throwIfAborted();
      // 9. The host verifies; the report says what the tests did, not what the model said.
      const verification = await verifyChange(agent.sandbox, brief.testCommand, deps.config.CODEX_COMMAND_TIMEOUT_SECONDS * 1000, ctx.log);
      // 10. What changed, and whether it may leave the sandbox.
      const changes = await stageAndCheck(ctx, checkout, config, agent);
      if (!changes) return;
      // 11. Commit, push, open or update the pull request (a follow-up: reply, and re-review a fix round).
      await publishOutcome(ctx, { checkout, config, agent, verification, changes });
    } catch (error) {
      await reportFailure(ctx, error);
    } finally {
      await closeTaskContext(ctx);
    }
  };
}
