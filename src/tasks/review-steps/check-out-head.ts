import { guidelinesForFiles } from "../../review/index.js";
import { checkoutPullRequestHead, readReviewGuidelinesAt, resolveCommit } from "../../workspace/review-checkout.js";
import type { Checkout } from "../clone-task-workspace.js";
import type { PullRequest, ReviewTaskContext } from "./review-task-context.js";
import type { FilesToReview } from "./select-files-to-review.js";

export type ReviewGuidelines = ReturnType<typeof guidelinesForFiles>;

/** The head checked out for reading over the base branch's clone, and the base branch's AGENTS.md review guidelines for the files under review. */
export async function checkOutHead(ctx: ReviewTaskContext, checkout: Checkout, pull: PullRequest, files: FilesToReview): Promise<ReviewGuidelines> {
  const ws = checkout.workspace;
  const baseSha = await resolveCommit(ws, "HEAD");
  await checkoutPullRequestHead(ws, ctx.task.number, pull.head.sha, checkout.token);
  return guidelinesForFiles(await readReviewGuidelinesAt(ws, baseSha), files.reviewed.map((f) => f.path));
}
