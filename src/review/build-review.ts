import { anchorFindings, type InlineComment } from "./anchor-findings.js";
import type { DiffFile } from "./diff-types.js";
import type { SkippedFile } from "./file-filter.js";
import type { ReviewOutput } from "./findings.js";
import { filterAlreadyPosted, fingerprintFindings } from "./fingerprint.js";
import { renderReviewBody } from "./render-review.js";
import { compareFindings, selectFindings, type SelectOptions } from "./select-findings.js";

export interface BuildReviewInput {
  /** Every file of the pull request diff at `headSha`, reviewed or not. */
  files: readonly DiffFile[];
  output: ReviewOutput;
  /** The head commit the diff was taken at; comments are placed against it. */
  headSha: string;
  skipped?: readonly SkippedFile[];
  /** Fingerprints from the marker of the bot's latest earlier review of this pull request. */
  postedFingerprints?: readonly string[];
  /** Set when the review does not cover the whole change, saying why. */
  partial?: string;
  select?: SelectOptions;
}

/** The parameters of `pulls.createReview` besides owner, repo and pull_number. */
export interface PlannedReview {
  commit_id: string;
  event: "COMMENT";
  body: string;
  comments: InlineComment[];
  /** How many findings were new (not reported by an earlier review); 0 may mean "skip posting". */
  newFindings: number;
}

/** Turns the model's review into the one GitHub review to post. Pure: no network. */
export function buildReview(input: BuildReviewInput): PlannedReview {
  const posted = input.postedFingerprints ?? [];
  // 1. Identify findings across pushes and leave out what an earlier review already said.
  const all = fingerprintFindings(input.output.findings, input.files);
  const fresh = filterAlreadyPosted(all, posted);
  // 2. Keep few comments worth reading: merge duplicates, apply the bars, cap.
  const selection = selectFindings(fresh, input.select);
  // 3. Put each comment on a line GitHub accepts; what cannot be placed goes to the body.
  const { inline, unanchored } = anchorFindings(input.files, selection.inline);
  // 4. Write the body, remembering everything this review reported for the next push.
  const reported = [...selection.inline, ...selection.overflow, ...selection.lowPriority, ...selection.merged];
  const body = renderReviewBody({
    summary: input.output.summary,
    inlineCount: inline.length,
    alsoNoticed: [...unanchored, ...selection.overflow].sort(compareFindings),
    lowPriority: selection.lowPriority,
    skipped: input.skipped ?? [],
    repeatedCount: all.length - fresh.length,
    ...(input.partial ? { partial: input.partial } : {}),
    marker: { head: input.headSha, fingerprints: [...posted, ...reported.map((finding) => finding.fingerprint)] },
  });
  return { commit_id: input.headSha, event: "COMMENT", body, comments: inline, newFindings: fresh.length };
}
