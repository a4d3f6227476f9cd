import type { ReviewConfig } from "../../config/repo-config.js";
import { filesChangedBetween, listPullRequestFiles } from "../../github/pull-request-files.js";
import { findLastReviewMarker } from "../../github/reviews.js";
import { filterFiles, parsePullRequestFiles, type DiffFile, type ReviewMarker, type SkippedFile } from "../../review/index.js";
import type { PullRequest, ReviewTaskContext } from "./review-task-context.js";

export interface FilesToReview {
  /** Every file of the pull request, reviewed this time or not. */
  all: DiffFile[];
  reviewed: DiffFile[];
  skipped: SkippedFile[];
  /** The bot's last review on the pull request: what it reviewed and said. */
  marker: ReviewMarker | undefined;
  /** On an incremental review, the head the last review saw. */
  since: string | undefined;
}

/** What to review: the whole diff, or on a push only what changed since the last review, within `paths` and `ignore_paths`. */
export async function selectFilesToReview(ctx: ReviewTaskContext, pull: PullRequest, config: ReviewConfig): Promise<FilesToReview> {
  const { octokit, repo, task } = ctx;
  const headSha = pull.head.sha;
  const all = parsePullRequestFiles(await listPullRequestFiles(octokit, repo, task.number));
  const bot = (await ctx.deps.botIdentity(octokit)).name;
  const marker = await findLastReviewMarker(octokit, repo, task.number, bot);
  const since = marker && marker.head !== headSha && task.request.action === "synchronize" ? marker.head : undefined;
  const changed = since ? await filesChangedBetween(octokit, repo, since, headSha) : null;
  const inScope = changed ? all.filter((f) => changed.has(f.path)) : all;
  const { reviewed, skipped } = filterFiles(inScope, { paths: config.paths, ignorePaths: config.ignore_paths });
  ctx.log.write(`review: ${reviewed.length} files to review, ${skipped.length} skipped${changed ? ` (changes since ${since})` : ""}`);
  return { all, reviewed, skipped, marker, since };
}
