import type { RepoConfig } from "../../config/repo-config.js";
import type { Identity, StagedChange } from "../../workspace/task-workspace.js";
import { codexBranchName } from "../branch-name.js";
import type { Checkout } from "../clone-task-workspace.js";
import { renderPullRequestBody, splitTitle, type PullRequestReport, type Verification } from "../pull-request-body.js";
import { redactSecrets } from "../redact.js";
import { describeStop } from "../task-outcome.js";
import { reviewAfterFix } from "../task-requests.js";
import type { PullTarget } from "../task-types.js";
import type { CodeTaskContext } from "./code-task-context.js";
import { publishFollowUp } from "./publish-follow-up.js";
import { noreplyIdentity, publishChange } from "./publish.js";
import type { AgentResult } from "./run-task-agent.js";
import { verificationPassed } from "./verify.js";

/** Everything the task produced that may leave the sandbox. */
export interface CodeResult {
  checkout: Checkout;
  config: RepoConfig;
  agent: AgentResult;
  verification: Verification | null;
  changes: StagedChange[];
}

/** What both kinds of publication say: the report is the host's (what the tests did), not the model's claim. */
interface Publishing {
  title: string;
  summary: string;
  report: PullRequestReport;
  /** How verification went, in words, and why the agent stopped early when it did. */
  verdict: string;
  incomplete: string | undefined;
  passed: boolean;
  author: Identity;
  coAuthor: Identity;
}

/** Commit and push; then open or update the task's pull request, or for a follow-up reply on the one it continues. */
export async function publishOutcome(ctx: CodeTaskContext, result: CodeResult): Promise<void> {
  const { deps, task } = ctx;
  const { outcome } = result.agent;
  const passed = verificationPassed(result.verification);
  const incomplete = describeStop(outcome);
  const { title, summary } = splitTitle(outcome.finalText, task.request.issueTitle);
  const logUrl = deps.logUrl(task.logId);
  const report: PullRequestReport = {
    summary, issueNumber: task.number as number | null, changes: result.changes, verification: result.verification, requestedBy: task.request.sender.login, model: result.agent.model,
    turns: outcome.turns, tokens: outcome.usage.inputTokens + outcome.usage.outputTokens, durationMs: Date.now() - ctx.startedAt,
    ...(logUrl ? { logUrl } : {}), ...(incomplete ? { incomplete } : {}), blocked: result.agent.blocked,
  };
  const verdict = result.verification === null ? "no test command to verify with" : passed ? "tests pass" : "tests fail";
  const author = await deps.botIdentity(ctx.octokit);
  const coAuthor = noreplyIdentity(task.request.sender.login, task.request.sender.id, deps.config.githubHost);
  const publishing = { title, summary, report, verdict, incomplete, passed, author, coAuthor };
  const pull = task.request.pull;
  if (pull) await publishFollowUpRound(ctx, result, pull, publishing);
  else await publishPullRequest(ctx, result, publishing);
}

/** A follow-up commit on the pull request's branch; after a fix round, a re-review of what it changed. */
async function publishFollowUpRound(ctx: CodeTaskContext, result: CodeResult, pull: PullTarget, p: Publishing): Promise<void> {
  const { deps, task, secrets } = ctx;
  const issueNumber = (await deps.store.getBotPullRequest(task.owner, task.repo, pull.number))?.issueNumber ?? null;
  const sha = await publishFollowUp(ctx.octokit, ctx.repo, pull, result.checkout.workspace, result.checkout.token, {
    title: redactSecrets(p.title, secrets), author: p.author, coAuthor: p.coAuthor,
    outgoing: { ...ctx.outgoing, ...(issueNumber === null ? {} : { closesIssue: issueNumber }) },
    renderBody: (all) => redactSecrets(renderPullRequestBody({ ...p.report, issueNumber, changes: all }), secrets),
    reply: redactSecrets(`${p.summary.split("\n\n")[0] ?? ""}\n\nFiles changed in this commit: ${result.changes.map((c) => `\`${c.path}\``).join(", ")}. Verification: ${p.verdict}.`, secrets),
  });
  ctx.log.write(`published: follow-up ${sha} on ${pull.headRef}`);
  // A fix round is followed by a re-review of what it changed.
  if (pull.fixFindings) await deps.store.enqueue(reviewAfterFix(task, pull, sha), { replaceQueued: true });
  await ctx.finish(p.passed && !p.incomplete ? "succeeded" : "failed", `Pushed ${sha.slice(0, 7)} to #${pull.number}`, `${p.verdict}${p.incomplete ? ` · ${p.incomplete}` : ""}`);
}

/** The task's own branch and pull request, a draft when the tests fail (with `draft_on_failure`) or the agent stopped early. */
async function publishPullRequest(ctx: CodeTaskContext, result: CodeResult, p: Publishing): Promise<void> {
  const { deps, task, secrets } = ctx;
  const draft = (!p.passed && result.verification !== null && result.config.draft_on_failure) || p.incomplete !== undefined;
  const branch = codexBranchName(task.number, task.request.issueTitle);
  const pr = await publishChange(ctx.octokit, ctx.repo, task, result.checkout.workspace, result.checkout.token, {
    branch, title: redactSecrets(p.title, secrets), body: redactSecrets(renderPullRequestBody(p.report), secrets), draft, author: p.author, coAuthor: p.coAuthor,
    outgoing: { ...ctx.outgoing, closesIssue: task.number },
  });
  await deps.store.setPullRequest(task.id, pr.number);
  await deps.store.recordBotPullRequest({ owner: task.owner, repo: task.repo, number: pr.number, issueNumber: task.number, headRef: branch, installationId: task.installationId });
  ctx.log.write(`published: ${pr.created ? "opened" : "updated"} #${pr.number} at ${pr.sha}`);
  await ctx.finish(p.passed && !p.incomplete ? "succeeded" : "failed", `${pr.created ? "Opened" : "Updated"} #${pr.number}${pr.draft ? " (draft)" : ""}`, `${p.verdict}${p.incomplete ? ` · ${p.incomplete}` : ""}`);
}
