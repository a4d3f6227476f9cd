import type { ReviewConfig } from "../../config/repo-config.js";
import { fingerprintFindings, type Finding } from "../../review/index.js";
import type { ReviewState } from "../../store/store.js";
import { concludeCheckRun } from "./conclude-check-run.js";
import type { PublishedReview } from "./publish-review.js";
import type { ReviewTaskContext } from "./review-task-context.js";
import { decideVerdict, type Verdict } from "./review-verdict.js";
import type { FilesToReview } from "./select-files-to-review.js";

export type PresentFinding = ReviewState["findings"][number];

/** The check run, a merge gate with `block_on`: findings still present at this head, stored for the next review and the fix loop. */
export async function concludeReview(ctx: ReviewTaskContext, checkRunId: number, headSha: string, files: FilesToReview, published: PublishedReview, config: ReviewConfig): Promise<{ present: PresentFinding[]; verdict: Verdict }> {
  const { task } = ctx;
  const present = await carryForward(ctx, fingerprintFindings(published.findings, files.all), files);
  await ctx.deps.store.setReviewState(task.owner, task.repo, task.number, { headSha, findings: present });
  const verdict = decideVerdict(present, config.block_on, published.partial !== undefined);
  await concludeCheckRun(ctx.octokit, ctx.repo, checkRunId, { ...verdict, summary: `${verdict.summary}${published.partial ? `\n\n${published.partial}` : ""}` }, ctx.concluding);
  return { present, verdict };
}

/**
 * Findings present at the new head: this review's, plus on a re-review the earlier ones in files
 * it did not look at again and that are still part of the pull request (a reverted file is not).
 */
async function carryForward(ctx: ReviewTaskContext, current: (Finding & { fingerprint: string })[], files: FilesToReview): Promise<PresentFinding[]> {
  const { task } = ctx;
  const now = current.map((f) => ({ path: f.path, priority: f.priority, title: f.title, fingerprint: f.fingerprint, startLine: f.start_line, endLine: f.end_line, body: f.body }));
  if (files.since === undefined) return now;
  const reviewedPaths = new Set(files.reviewed.map((f) => f.path));
  const prPaths = new Set(files.all.map((f) => f.path));
  const before = (await ctx.deps.store.getReviewState(task.owner, task.repo, task.number))?.findings ?? [];
  return [...now, ...before.filter((f) => !reviewedPaths.has(f.path) && prPaths.has(f.path))];
}
