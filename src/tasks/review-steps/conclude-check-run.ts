import type { Logger } from "pino";
import { completeCheckRun, type CheckConclusion } from "../../github/check-runs.js";
import type { OutgoingPolicy } from "../../github/outgoing/sanitize-outgoing.js";
import type { Octokit, RepoRef } from "../../github/types.js";

export interface CheckRunResult {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
}

export interface ConcludeContext {
  log: Pick<Logger, "warn">;
  taskId: string;
  outgoing?: OutgoingPolicy;
}

/**
 * Pauses before the second and third attempts. Octokit's retry plugin has already retried a
 * 5xx or a dropped connection by the time an update fails here, so these are for an outage
 * lasting seconds, not milliseconds.
 */
const RETRY_DELAYS_MS = [1_000, 2_000];
const SHORT_SUMMARY = "The full result could not be reported here; the review on the pull request has it.";

/**
 * Completes the `codex review` check. A check left "in progress" never ends: a required check
 * blocks the merge for good, and nobody is told why. So the update is retried, the last time
 * with a short summary in case the output was what GitHub refused, but always with the same
 * conclusion (a blocking verdict must stay blocking). When even that fails, a warning names the
 * task and the check run. Never throws; returns whether the check was completed.
 */
export async function concludeCheckRun(octokit: Octokit, repo: RepoRef, checkRunId: number, result: CheckRunResult, context: ConcludeContext): Promise<boolean> {
  const attempts = [result, result, { ...result, summary: SHORT_SUMMARY }];
  let lastError: unknown;
  for (const [index, attempt] of attempts.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[index - 1]));
    try {
      await completeCheckRun(octokit, repo, checkRunId, attempt.conclusion, attempt.title, attempt.summary, context.outgoing);
      return true;
    } catch (error) {
      lastError = error;
    }
  }
  context.log.warn({ err: lastError, task: context.taskId, checkRun: checkRunId, conclusion: result.conclusion }, "could not complete the codex review check run; it stays in progress on GitHub");
  return false;
}
