import { REPO_CONFIG_PATH, type RepoConfig } from "../config/repo-config.js";
import type { Octokit, RepoRef } from "../github/types.js";
import { checkOutgoingChanges, MAX_FILE_BYTES } from "../workspace/check-changes.js";
import { detectSetupCommands, detectTestCommand } from "../workspace/detect-commands.js";
import { openWorkspaceFiles } from "../workspace/open-workspace-files.js";
import { cloneIntoWorkspace, stageAll, type TaskWorkspace } from "../workspace/task-workspace.js";
import { codexBranchName } from "./branch-name.js";
import { renderPullRequestBody, splitTitle, tail } from "./pull-request-body.js";
import { redactSecrets } from "./redact.js";
import type { RunnerDeps } from "./runner-deps.js";
import { StatusComment } from "./status-comment.js";
import { taskOutgoingPolicy } from "./task-outgoing-policy.js";
import { reviewAfterFix } from "./task-requests.js";
import { runAgentPhase } from "./steps/agent-phase.js";
import { gatherPullContext } from "./steps/pull-context.js";
import { publishFollowUp } from "./steps/publish-follow-up.js";
import { isProtectedBranch } from "../github/branches.js";
import { gatherTaskPrompt } from "./steps/gather-context.js";
import { noreplyIdentity, publishChange } from "./steps/publish.js";
import { runSetupPhase } from "./steps/setup-phase.js";
import { verificationPassed, verifyChange } from "./steps/verify.js";
import { describeOrigin, TaskLog } from "./task-log.js";
import { join } from "node:path";
import type { CodeTask } from "./task-types.js";
import { describeStop, type Finish } from "./task-outcome.js";

/** One code task, start to finish, in numbered steps. Every ending is reported on the issue. */
export function createCodeTaskRunner(deps: RunnerDeps) {
  return async function runCodeTask(task: CodeTask, signal: AbortSignal = new AbortController().signal): Promise<void> {
    const repo: RepoRef = { owner: task.owner, repo: task.repo };
    const secrets: string[] = [...deps.configuredSecrets];
    const log = new TaskLog(deps.config.CODEX_DATA_DIR, task.logId, () => secrets);
    log.write(describeOrigin(task));
    const startedAt = Date.now();
    const scope = { installationId: task.installationId, repo, kind: task.kind };
    const octokit = await deps.installationOctokit(scope);
    const outgoing = taskOutgoingPolicy(deps, task, secrets);
    const status = new StatusComment(octokit, repo, task, deps.store, deps.logUrl(task.logId), { outgoing, log: deps.log });
    const finish: Finish = async (outcome, headline, detail) => {
      log.write(`finished: ${outcome}: ${headline}`, detail);
      await status.update({ headline, ...(detail ? { detail: redactSecrets(detail, secrets) } : {}) });
      await deps.store.finish(task.id, outcome, headline);
    };
    let ws: TaskWorkspace | undefined;
    try {
      // 1. Refuse when the sandbox is not healthy: never run agent commands bare.
      const health = deps.sandboxHealth();
      if (!health.ok) return await finish("refused", "codex-bot cannot run tasks right now: its sandbox is unavailable", `${health.reason}\n\nThe bot's operator has to fix this; nothing was run.`);
      await status.update({ headline: "codex is working on this", detail: `Attempt ${task.attempts} · started by @${task.request.sender.login}` });

      // 2. Repository config from the default branch.
      const parsed = await deps.repoConfig.loadLatest(octokit, repo);
      if (!parsed.ok) return await finish("refused", `codex-bot did not start: \`${REPO_CONFIG_PATH}\` is invalid`, parsed.errors.map((e) => `- ${e}`).join("\n"));
      const config: RepoConfig = parsed.config;
      for (const warning of parsed.warnings) log.write(`config: ${warning}`);

      // A follow-up starts from the pull request's branch, after checks that the bot may push there.
      const pull = task.request.pull;
      const startBranch = pull?.headRef ?? task.request.defaultBranch;
      if (pull && (pull.headRef === task.request.defaultBranch || (await isProtectedBranch(octokit, repo, pull.headRef)))) {
        return await finish("refused", `codex-bot does not push to \`${pull.headRef}\``, "It is the default branch or a protected branch. Ask on an issue instead: codex will open a new pull request.");
      }

      // 3. Workspace: from the repository's refreshed mirror, the git directory outside the agent's reach.
      const token = await deps.installationToken(scope);
      secrets.push(token);
      ws = await cloneIntoWorkspace({
        cloneUrl: task.request.cloneUrl, branch: startBranch, token,
        parentDir: join(deps.config.CODEX_DATA_DIR, "workspaces"), mirrorsDir: join(deps.config.CODEX_DATA_DIR, "mirrors"),
      });
      log.write(`workspace: cloned ${startBranch} at ${ws.baseSha}`);
      signal.throwIfAborted();
      const gitMount = [{ host: ws.gitDir, sandbox: "/workspace/.git" }];

      // 4. Setup phase: dependencies, with network, before the agent (which has none); restored from the cache when the lockfiles match.
      const setupCommands = config.setup ?? (await detectSetupCommands(ws.workTree));
      const setupSecrets: Record<string, string> = {};
      for (const name of config.setup_secrets) {
        const value = deps.setupSecret(name);
        if (value === undefined) return await finish("refused", `codex-bot has no setup secret \`${name}\``, `\`${REPO_CONFIG_PATH}\` asks for it in \`setup_secrets\`; the operator provides it as the environment variable \`CODEX_SETUP_SECRET_${name}\`.`);
        setupSecrets[name] = value;
        secrets.push(value);
      }
      const setup = await runSetupPhase({
        sandbox: deps.createSandbox({ workspace: ws.workTree, network: true, secrets: setupSecrets }), workspace: ws, commands: setupCommands,
        timeoutMs: deps.config.CODEX_SETUP_TIMEOUT_MINUTES * 60_000, log,
        cache: { rootDir: join(deps.config.CODEX_DATA_DIR, "cache", "deps"), repo: ws.repo, store: startBranch === task.request.defaultBranch },
      });
      if (!setup.ok) return await finish("failed", "codex could not set up the repository", `\`${setup.failedCommand}\` failed:\n\n\`\`\`\n${tail(setup.output ?? "")}\n\`\`\``);

      // 5. The prompt: issue, maintainers' comments, AGENTS.md, config instructions.
      const testCommand = config.test ?? (await detectTestCommand(ws.workTree));
      const pullContext = pull ? await gatherPullContext(octokit, repo, task, pull, deps.store) : undefined;
      const files = await openWorkspaceFiles(ws.workTree);
      const prompt = await gatherTaskPrompt(octokit, repo, task, files, config, testCommand, pullContext);
      signal.throwIfAborted();

      // 6. The agent, in a sandbox with no network and no credentials.
      const sandbox = deps.createSandbox({ workspace: ws.workTree, network: false, readOnly: gitMount });
      const model = deps.createModel(config.model ?? deps.config.CODEX_MODEL);
      const outcome = await runAgentPhase({
        sandbox, files, model, prompt, log,
        budgets: {
          maxTurns: config.max_turns ?? deps.config.CODEX_MAX_TURNS,
          wallTimeMs: (config.timeout_minutes ?? deps.config.CODEX_TIMEOUT_MINUTES) * 60_000,
          maxTokens: deps.config.CODEX_MAX_TOKENS,
        },
        commandTimeoutMs: deps.config.CODEX_COMMAND_TIMEOUT_SECONDS * 1000,
        onPlan: (plan) => status.setPlan(plan),
        signal,
      });
      signal.throwIfAborted();

      // 7. The host verifies; the report says what the tests did, not what the model said.
      const verification = await verifyChange(sandbox, testCommand, deps.config.CODEX_COMMAND_TIMEOUT_SECONDS * 1000, log);

      // 8. What changed, and whether it may leave the sandbox.
      const { changes, removedGitDirs } = await stageAll(ws);
      if (removedGitDirs.length > 0) log.write("workspace: removed nested git directories before host git read the tree", removedGitDirs.join("\n"));
      const incomplete = describeStop(outcome);
      if (changes.length === 0) {
        return await finish(outcome.stopReason === "done" ? "succeeded" : "failed", incomplete ? `codex stopped without a change: ${incomplete}` : "codex made no changes",
          outcome.finalText || "The agent ended without a summary.");
      }
      const problems = await checkOutgoingChanges(ws, changes, { allowWorkflowChanges: config.allow_workflow_changes, maxFileBytes: MAX_FILE_BYTES, secrets });
      if (problems.length > 0) return await finish("refused", "codex-bot refused to push this change", problems.map((p) => `- ${p}`).join("\n"));

      // 9. Commit, push, open or update the pull request.
      const passed = verificationPassed(verification);
      const { title, summary } = splitTitle(outcome.finalText, task.request.issueTitle);
      const report = {
        summary, issueNumber: task.number as number | null, changes, verification, requestedBy: task.request.sender.login, model: model.model,
        turns: outcome.turns, tokens: outcome.usage.inputTokens + outcome.usage.outputTokens, durationMs: Date.now() - startedAt,
        ...(deps.logUrl(task.logId) ? { logUrl: deps.logUrl(task.logId) } : {}), ...(incomplete ? { incomplete } : {}),
      };
      const body = renderPullRequestBody(report);
      const verdict = verification === null ? "no test command to verify with" : passed ? "tests pass" : "tests fail";
      const author = await deps.botIdentity(octokit);
      const coAuthor = noreplyIdentity(task.request.sender.login, task.request.sender.id, deps.config.githubHost);
      if (pull) {
        const issueNumber = (await deps.store.getBotPullRequest(task.owner, task.repo, pull.number))?.issueNumber ?? null;
        const sha = await publishFollowUp(octokit, repo, pull, ws, token, {
          title: redactSecrets(title, secrets), author, coAuthor, outgoing: { ...outgoing, ...(issueNumber === null ? {} : { closesIssue: issueNumber }) },
          renderBody: (all) => redactSecrets(renderPullRequestBody({ ...report, issueNumber, changes: all }), secrets),
          reply: redactSecrets(`${summary.split("\n\n")[0] ?? ""}\n\nFiles changed in this commit: ${changes.map((c) => `\`${c.path}\``).join(", ")}. Verification: ${verdict}.`, secrets),
        });
        log.write(`published: follow-up ${sha} on ${pull.headRef}`);
        if (pull.fixFindings) {
          // A fix round is followed by a re-review of what it changed.
          await deps.store.enqueue(reviewAfterFix(task, pull, sha), { replaceQueued: true });
        }
        return await finish(passed && !incomplete ? "succeeded" : "failed", `Pushed ${sha.slice(0, 7)} to #${pull.number}`, `${verdict}${incomplete ? ` · ${incomplete}` : ""}`);
      }
      const draft = (!passed && verification !== null && config.draft_on_failure) || incomplete !== undefined;
      const branch = codexBranchName(task.number, task.request.issueTitle);
      const pr = await publishChange(octokit, repo, task, ws, token, {
        branch, title: redactSecrets(title, secrets), body: redactSecrets(body, secrets), draft, author, coAuthor, outgoing: { ...outgoing, closesIssue: task.number },
      });
      await deps.store.setPullRequest(task.id, pr.number);
      await deps.store.recordBotPullRequest({ owner: task.owner, repo: task.repo, number: pr.number, issueNumber: task.number, headRef: branch, installationId: task.installationId });
      log.write(`published: ${pr.created ? "opened" : "updated"} #${pr.number} at ${pr.sha}`);
      await finish(passed && !incomplete ? "succeeded" : "failed", `${pr.created ? "Opened" : "Updated"} #${pr.number}${pr.draft ? " (draft)" : ""}`, `${verdict}${incomplete ? ` · ${incomplete}` : ""}`);
    } catch (error) {
      if (signal.aborted) {
        await finish("cancelled", "codex stopped", `${(signal.reason as Error)?.message ?? "stopped"}; nothing was pushed.`).catch(() => undefined);
        return;
      }
      deps.log.error({ err: error, task: task.id }, "task failed");
      await finish("failed", "codex hit an error and stopped", redactSecrets(`${(error as Error).message}`, secrets)).catch((e: unknown) => deps.log.error({ err: e }, "could not report failure"));
    } finally {
      await ws?.remove();
    }
  };
}

export type { Octokit };
