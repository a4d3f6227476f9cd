import { sanitizeOutgoing, type OutgoingPolicy } from "./outgoing/sanitize-outgoing.js";
import type { Octokit, RepoRef } from "./types.js";

export const REVIEW_CHECK_NAME = "codex review";

export type CheckConclusion = "success" | "neutral" | "failure" | "cancelled";

/** Starts the `codex review` check on the head commit; returns its id for the update. */
export async function startCheckRun(octokit: Octokit, repo: RepoRef, headSha: string, detailsUrl?: string): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    ...repo, name: REVIEW_CHECK_NAME, head_sha: headSha, status: "in_progress",
    output: { title: "Reviewing", summary: "codex is reviewing this pull request." },
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
  });
  return data.id;
}

/** Title and summary are sanitised: a summary can carry an error message or a file name. */
export async function completeCheckRun(octokit: Octokit, repo: RepoRef, checkRunId: number, conclusion: CheckConclusion, title: string, summary: string, policy?: OutgoingPolicy): Promise<void> {
  const output = { title: sanitizeOutgoing(title, policy), summary: sanitizeOutgoing(summary.slice(0, 65_000), policy) };
  await octokit.rest.checks.update({ ...repo, check_run_id: checkRunId, status: "completed", conclusion, output });
}
