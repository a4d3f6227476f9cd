import type { DiffFile } from "./diff-types.js";
import type { Finding } from "./findings.js";
import { describeLines, renderCommentBody } from "./render-comment.js";

/**
 * One entry of `comments[]` for `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews`.
 * Lines are file line numbers on the RIGHT (new) side; `start_line` only for multi-line comments.
 * https://docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request
 */
export interface InlineComment {
  path: string;
  line: number;
  side: "RIGHT";
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

export interface AnchorResult<T extends Finding> {
  inline: InlineComment[];
  /** Findings no diff line can carry; they belong in the review body, with their location. */
  unanchored: T[];
}

/** A finding just outside a hunk is about that hunk's code; further away it may be anything. */
export const NEAR_DIFF_LINES = 3;

/** The new-side lines one hunk shows (contiguous), and which of them were added. */
interface HunkSpan {
  start: number;
  end: number;
  added: number[];
}

interface Anchor {
  path: string;
  start: number;
  end: number;
  moved: boolean;
}

/**
 * Places each finding on lines GitHub will accept: RIGHT-side lines (added or context) of one
 * hunk. A range crossing hunks shrinks to its part in the last hunk it touches; a finding up to
 * NEAR_DIFF_LINES away from a hunk moves to that hunk's nearest added line. Anything else
 * (deleted files, files without a patch, code far from the diff) is returned as unanchored
 * rather than risking a comment on the wrong line or a 422.
 */
export function anchorFindings<T extends Finding>(files: readonly DiffFile[], findings: readonly T[]): AnchorResult<T> {
  const result: AnchorResult<T> = { inline: [], unanchored: [] };
  for (const finding of findings) {
    const anchor = findAnchor(files, finding);
    if (anchor) result.inline.push(toInlineComment(finding, anchor));
    else result.unanchored.push(finding);
  }
  return result;
}

function findAnchor(files: readonly DiffFile[], finding: Finding): Anchor | undefined {
  // Models sometimes cite a renamed file by its old name; the lines are still new-side lines.
  const file = files.find((f) => f.path === finding.path) ?? files.find((f) => f.status === "renamed" && f.previousPath === finding.path);
  if (!file || file.status === "removed") return undefined;
  const spans = hunkSpans(file);
  const clipped = clipToHunk(spans, finding);
  if (clipped) return { path: file.path, ...clipped, moved: false };
  const nearest = nearestAddedLine(spans, finding);
  return nearest === undefined ? undefined : { path: file.path, start: nearest, end: nearest, moved: true };
}

function hunkSpans(file: DiffFile): HunkSpan[] {
  return file.hunks.flatMap((hunk) => {
    const right = hunk.lines.filter((line) => line.newLine !== undefined);
    const first = right[0]?.newLine;
    const last = right.at(-1)?.newLine;
    if (first === undefined || last === undefined) return [];
    const added = right.filter((line) => line.kind === "add").map((line) => line.newLine ?? 0);
    return [{ start: first, end: last, added }];
  });
}

/**
 * The part of the finding's range inside the last hunk it overlaps. That hunk is the one holding
 * end_line when any does, and the comment's `line` (its end) is what GitHub shows the comment at.
 */
function clipToHunk(spans: readonly HunkSpan[], finding: Finding): { start: number; end: number } | undefined {
  const overlapping = spans.filter((span) => span.start <= finding.end_line && finding.start_line <= span.end);
  const span = overlapping.at(-1);
  if (!span) return undefined;
  return { start: Math.max(finding.start_line, span.start), end: Math.min(finding.end_line, span.end) };
}

/** The closest added line of the closest hunk within NEAR_DIFF_LINES; earlier lines win ties. */
function nearestAddedLine(spans: readonly HunkSpan[], finding: Finding): number | undefined {
  let best: { distance: number; span: HunkSpan } | undefined;
  for (const span of spans) {
    const distance = gap(finding, span.start, span.end);
    if (span.added.length > 0 && distance <= NEAR_DIFF_LINES && (!best || distance < best.distance)) best = { distance, span };
  }
  let line: number | undefined;
  for (const added of best?.span.added ?? []) {
    if (line === undefined || gap(finding, added, added) < gap(finding, line, line)) line = added;
  }
  return line;
}

/** Lines between the finding's range and [start, end]; 0 when they overlap. */
function gap(finding: Finding, start: number, end: number): number {
  return Math.max(0, start - finding.end_line, finding.start_line - end);
}

function toInlineComment(finding: Finding, anchor: Anchor): InlineComment {
  // A suggestion replaces exactly the commented lines, so it is only safe on the finding's own range.
  const exact = !anchor.moved && anchor.start === finding.start_line && anchor.end === finding.end_line;
  const body = renderCommentBody(finding, { withSuggestion: exact, ...(anchor.moved ? { movedFrom: describeLines(finding) } : {}) });
  const range = anchor.start < anchor.end ? { start_line: anchor.start, start_side: "RIGHT" as const } : {};
  return { path: anchor.path, line: anchor.end, side: "RIGHT", ...range, body };
}
