import { parseRepoConfig, REPO_CONFIG_PATH, type RepoConfig } from "../config/repo-config.js";
import { readRepoFile } from "../github/repo-files.js";
import type { Octokit, RepoRef } from "../github/types.js";
import { checkOutgoingChanges, MAX_FILE_BYTES } from "../workspace/check-changes.js";
import { detectSetupCommands, detectTestCommand } from "../workspace/detect-commands.js";
import { cloneIntoWorkspace, stageAll, type TaskWorkspace } from "../workspace/task-workspace.js";
import { codexBranchName } from "./branch-name.js";
import { renderPullRequestBody, splitTitle, tail } from "./pull-request-body.js";
import { redactSecrets } from "./redact.js";
import type { RunnerDeps } from "./runner-deps.js";
import { StatusComment } from "./status-comment.js";
import { runAgentPhase } from "./steps/agent-phase.js";
import { gatherTaskPrompt } from "./steps/gather-context.js";
import { noreplyIdentity, publishChange } from "./steps/publish.js";
import { runSetupPhase } from "./steps/setup-phase.js";
import { verificationPassed, verifyChange } from "./steps/verify.js";
import { TaskLog } from "./task-log.js";
import { join } from "node:path";
import type { TaskRecord } from "./task-types.js";
import { describeStop, type Finish } from "./task-outcome.js";

/** One code task, start to finish, in numbered steps. Every ending is reported on the issue. */
export function createCodeTaskRunner(deps: RunnerDeps) {
  return async function runCodeTask(task: TaskRecord): Promise<void> {
    const repo: RepoRef = { owner: task.owner, repo: task.repo };
    const secrets: string[] = [...deps.configuredSecrets];
    const log = new TaskLog(deps.config.CODEX_DATA_DIR, task.logId, () => secrets);
    const startedAt = Date.now();
    const octokit = await deps.installationOctokit(task.installationId);
    const status = new StatusComment(octokit, repo, task, deps.store, deps.logUrl(task.logId));
    const finish: Finish = async (outcome, headline, detail) => {
      log.write(`finished: ${outcome}: ${headline}`, detail);
      await status.update({ headline, ...(detail ? { detail: redactSecrets(detail, secrets) } : {}) });
      deps.store.finish(task.id, outcome, headline);
    };
    let ws: TaskWorkspace | undefined;
    try {
      // 1. Refuse when the sandbox is not healthy: never run agent commands bare.
      const health = deps.sandboxHealth();
      if (!health.ok) return await finish("refused", "codex-bot cannot run tasks right now: its sandbox is unavailable", `${health.reason}\n\nThe bot's operator has to fix this; nothing was run.`);
      await status.update({ headline: "codex is working on this", detail: `Attempt ${task.attempts} · started by @${task.request.sender.login}` });

      // 2. Repository config from the default branch.
      const parsed = parseRepoConfig(await readRepoFile(octokit, repo, REPO_CONFIG_PATH));
      if (!parsed.ok) return await finish("refused", `codex-bot did not start: \`${REPO_CONFIG_PATH}\` is invalid`, parsed.errors.map((e) => `- ${e}`).join("\n"));
      const config: RepoConfig = parsed.config;
      for (const warning of parsed.warnings) log.write(`config: ${warning}`);

      // 3. Workspace: a fresh clone with the git directory outside the agent's reach.
      const token = await deps.installationToken(octokit);
      secrets.push(token);
      ws = await cloneIntoWorkspace({ cloneUrl: task.request.cloneUrl, branch: task.request.defaultBranch, token, parentDir: join(deps.config.CODEX_DATA_DIR, "workspaces") });
      log.write(`workspace: cloned ${task.request.defaultBranch} at ${ws.baseSha}`);
      const gitMount = [{ host: ws.gitDir, sandbox: "/workspace/.git" }];

      // 4. Setup phase: dependencies, with network, before the agent (which has none).
      const setupCommands = config.setup ?? (await detectSetupCommands(ws.workTree));
      const setup = await runSetupPhase(deps.createSandbox({ workspace: ws.workTree, network: true }), setupCommands, deps.config.CODEX_SETUP_TIMEOUT_MINUTES * 60_000, log);
      if (!setup.ok) return await finish("failed", "codex could not set up the repository", `\`${setup.failedCommand}\` failed:\n\n\`\`\`\n${tail(setup.output ?? "")}\n\`\`\``);

      // 5. The prompt: issue, maintainers' comments, AGENTS.md, config instructions.
      const testCommand = config.test ?? (await detectTestCommand(ws.workTree));
      const prompt = await gatherTaskPrompt(octokit, repo, task, ws.workTree, config, testCommand);

      // 6. The agent, in a sandbox with no network and no credentials.
      const sandbox = deps.createSandbox({ workspace: ws.workTree, network: false, readOnly: gitMount });
      const model = deps.createModel(config.model ?? deps.config.CODEX_MODEL);
      const outcome = await runAgentPhase({
        sandbox, workTree: ws.workTree, model, prompt, log,
        budgets: {
          maxTurns: config.max_turns ?? deps.config.CODEX_MAX_TURNS,
          wallTimeMs: (config.timeout_minutes ?? deps.config.CODEX_TIMEOUT_MINUTES) * 60_000,
          maxTokens: deps.config.CODEX_MAX_TOKENS,
        },
        commandTimeoutMs: deps.config.CODEX_COMMAND_TIMEOUT_SECONDS * 1000,
        onPlan: (plan) => status.setPlan(plan),
      });

      // 7. The host verifies; the report says what the tests did, not what the model said.
      const verification = await verifyChange(sandbox, testCommand, deps.config.CODEX_COMMAND_TIMEOUT_SECONDS * 1000, log);

      // 8. What changed, and whether it may leave the sandbox.
      const changes = await stageAll(ws);
      const incomplete = describeStop(outcome);
      if (changes.length === 0) {
        return await finish(outcome.stopReason === "done" ? "succeeded" : "failed", incomplete ? `codex stopped without a change: ${incomplete}` : "codex made no changes",
          outcome.finalText || "The agent ended without a summary.");
      }
      const problems = await checkOutgoingChanges(ws.workTree, changes, { allowWorkflowChanges: false, maxFileBytes: MAX_FILE_BYTES, secrets });
      if (problems.length > 0) return await finish("refused", "codex-bot refused to push this change", problems.map((p) => `- ${p}`).join("\n"));

      // 9. Commit, push, open or update the pull request.
      const passed = verificationPassed(verification);
      const { title, summary } = splitTitle(outcome.finalText, task.request.issueTitle);
      const body = renderPullRequestBody({
        summary, issueNumber: task.number, changes, verification, requestedBy: task.request.sender.login, model: model.model,
        turns: outcome.turns, tokens: outcome.usage.inputTokens + outcome.usage.outputTokens, durationMs: Date.now() - startedAt,
        ...(deps.logUrl(task.logId) ? { logUrl: deps.logUrl(task.logId) } : {}), ...(incomplete ? { incomplete } : {}),
      });
      const draft = (!passed && verification !== null && config.draft_on_failure) || incomplete !== undefined;
      const pr = await publishChange(octokit, repo, task, ws, token, {
        branch: codexBranchName(task.number, task.request.issueTitle), title: redactSecrets(title, secrets), body: redactSecrets(body, secrets), draft,
        author: await deps.botIdentity(octokit), coAuthor: noreplyIdentity(task.request.sender.login, task.request.sender.id, deps.config.githubHost),
      });
      deps.store.setPullRequest(task.id, pr.number);
      log.write(`published: ${pr.created ? "opened" : "updated"} #${pr.number} at ${pr.sha}`);
      const verdict = verification === null ? "no test command to verify with" : passed ? "tests pass" : "tests fail";
      await finish(passed && !incomplete ? "succeeded" : "failed", `${pr.created ? "Opened" : "Updated"} #${pr.number}${pr.draft ? " (draft)" : ""}`, `${verdict}${incomplete ? ` · ${incomplete}` : ""}`);
    } catch (error) {
      deps.log.error({ err: error, task: task.id }, "task failed");
      await finish("failed", "codex hit an error and stopped", redactSecrets(`${(error as Error).message}`, secrets)).catch((e: unknown) => deps.log.error({ err: e }, "could not report failure"));
    } finally {
      await ws?.remove();
    }
  };
}

export type { Octokit };
