export { anchorFindings, NEAR_DIFF_LINES, type AnchorResult, type InlineComment } from "./anchor-findings.js";
export { buildReview, type BuildReviewInput, type PlannedReview } from "./build-review.js";
export type { DiffFile, DiffHunk, DiffLine, DiffLineKind, FileStatus, PatchStatus, PullRequestFile } from "./diff-types.js";
export { describeSkipReason, filterFiles, type FileFilterOptions, type SkippedFile, type SkipReason } from "./file-filter.js";
export {
  parseReviewOutput,
  reviewOutputJsonSchema,
  reviewOutputSchema,
  type Finding,
  type ParseReviewResult,
  type Priority,
  type ReviewOutput,
} from "./findings.js";
export {
  extractReviewMarker,
  filterAlreadyPosted,
  fingerprintFinding,
  fingerprintFindings,
  MAX_MARKER_FINGERPRINTS,
  renderReviewMarker,
  type FingerprintedFinding,
  type ReviewMarker,
} from "./fingerprint.js";
export { compileBranchGlobs, compilePathGlobs, type GlobMatcher } from "./glob.js";
export { parsePullRequestFiles } from "./parse-diff.js";
export { parseFilePatch } from "./parse-hunks.js";
export { formatLocation, priorityBadge, renderCommentBody, type CommentBodyOptions } from "./render-comment.js";
export { renderReviewBody, type ReviewBodyInput } from "./render-review.js";
export { compareFindings, DEFAULT_SELECT_OPTIONS, isDuplicate, selectFindings, type Selection, type SelectOptions } from "./select-findings.js";
export { extractReviewGuidelines, guidelinesForFiles, type ScopedGuidelines } from "./review-guidelines.js";
export { groupFilesForReview, renderFileDiff, type FileGroups } from "./group-files.js";
