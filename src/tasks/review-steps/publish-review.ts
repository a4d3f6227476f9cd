import type { ReviewConfig } from "../../config/repo-config.js";
import { reactToIssue } from "../../github/comments.js";
import { postReview } from "../../github/reviews.js";
import { buildReview, type Finding } from "../../review/index.js";
import type { PullRequest, ReviewTaskContext } from "./review-task-context.js";
import type { ModelReview } from "./review-with-model.js";
import type { FilesToReview } from "./select-files-to-review.js";

export interface PublishedReview {
  findings: Finding[];
  /** Which files the model did not get to, when it did not review them all. */
  partial: string | undefined;
}

/**
 * One GitHub review: new findings on the right lines, the rest in the body, nothing repeated. A
 * push that brings nothing new posts nothing; a clean, complete review gets a 👍 instead.
 */
export async function publishReview(ctx: ReviewTaskContext, pull: PullRequest, files: FilesToReview, review: ModelReview | null, config: ReviewConfig): Promise<PublishedReview> {
  const { octokit, repo, task } = ctx;
  const notReviewed = review?.notReviewed ?? [];
  const partial = notReviewed.length > 0 ? `${notReviewed.length} file(s) not reviewed: ${notReviewed.slice(0, 10).map((f) => `\`${f.path}\` (${f.reason})`).join(", ")}` : undefined;
  const output = { summary: review?.summary || "No reviewable changes.", findings: review?.findings ?? [] };
  const planned = buildReview({
    files: files.all, output, headSha: pull.head.sha, skipped: files.skipped, postedFingerprints: files.marker?.fingerprints ?? [], ...(partial ? { partial } : {}),
    select: { minPriority: config.min_priority, maxComments: config.max_comments },
  });
  const quietPush = task.request.action === "synchronize" && planned.newFindings === 0 && !partial;
  if (!quietPush) {
    const posted = await postReview(octokit, repo, task.number, planned, ctx.outgoing);
    ctx.log.write(`review: posted review ${posted.id} with ${planned.comments.length} inline comments${posted.fellBack ? " (moved to the body after a 422)" : ""}`);
  }
  if (output.findings.length === 0 && !partial) await reactToIssue(octokit, repo, task.number, "+1").catch((err: unknown) => ctx.deps.log.warn({ err, task: task.id }, "could not react to the pull request"));
  return { findings: output.findings, partial };
}
