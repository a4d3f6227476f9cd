import { describeSkipReason, type SkippedFile } from "./file-filter.js";
import type { Finding } from "./findings.js";
import { renderReviewMarker, type ReviewMarker } from "./fingerprint.js";
import { formatLocation, neutraliseMarkers, oneLine, priorityBadge } from "./render-comment.js";

export interface ReviewBodyInput {
  summary: string;
  /** How many inline comments go with this body. */
  inlineCount: number;
  /** Findings worth reading that are not inline: outside the diff, or over the comment cap. */
  alsoNoticed: readonly Finding[];
  lowPriority?: readonly Finding[];
  skipped?: readonly SkippedFile[];
  /** Findings left out because an earlier review of this pull request reported them. */
  repeatedCount?: number;
  /** Why the review does not cover the whole change (a budget ran out, files were cut), if it does not. */
  partial?: string;
  marker: ReviewMarker;
}

/** Longest list shown in a section; GitHub caps a review body at 65,536 characters. */
const MAX_LISTED = 20;
const MAX_SUMMARY_CHARS = 3000;
const MAX_NOTE_CHARS = 600;

/** The review's top-level body. Sections without content are left out. */
export function renderReviewBody(input: ReviewBodyInput): string {
  const sections = [
    truncate(neutraliseMarkers(input.summary.trim()), MAX_SUMMARY_CHARS),
    verdictLine(input),
    input.partial ? `> [!NOTE]\n> This review is partial: ${oneLine(input.partial)}` : "",
    alsoNoticedSection(input.alsoNoticed),
    lowPrioritySection(input.lowPriority ?? []),
    notReviewedSection(input.skipped ?? []),
    renderReviewMarker(input.marker),
  ];
  return sections.filter((section) => section !== "").join("\n\n");
}

function verdictLine(input: ReviewBodyInput): string {
  if (input.inlineCount > 0 || input.alsoNoticed.length > 0) return "";
  const repeated = input.repeatedCount ?? 0;
  // A partial review must never read as a clean bill of health for the whole change.
  if (input.partial) return "No major issues found in the files that were reviewed; see the note below for what was not.";
  if (repeated === 0) return "No major issues found.";
  return `No new major issues found (${plural(repeated, "finding")} from earlier reviews not repeated).`;
}

function alsoNoticedSection(findings: readonly Finding[]): string {
  if (findings.length === 0) return "";
  const items = findings.slice(0, MAX_LISTED).map((finding) => {
    const note = truncate(neutraliseMarkers(finding.body.trim()), MAX_NOTE_CHARS).replace(/\n+/g, " ");
    return `- ${priorityBadge(finding.priority)} **${oneLine(finding.title)}** (\`${formatLocation(finding)}\`): ${note}`;
  });
  return ["**Also noticed**", "", ...items, ...moreLine(findings.length)].join("\n");
}

function lowPrioritySection(findings: readonly Finding[]): string {
  if (findings.length === 0) return "";
  const items = findings.slice(0, MAX_LISTED).map((f) => `- P${f.priority} \`${formatLocation(f)}\`: ${oneLine(f.title)}`);
  return details(`Lower-priority notes (${findings.length})`, [...items, ...moreLine(findings.length)]);
}

function notReviewedSection(skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return "";
  const items = skipped.slice(0, MAX_LISTED).map((file) => `- \`${file.path}\`: ${describeSkipReason(file.reason)}`);
  return details(`Not reviewed (${plural(skipped.length, "file")})`, [...items, ...moreLine(skipped.length)]);
}

function details(summary: string, lines: string[]): string {
  // Blank lines around the list let GitHub render Markdown inside <details>.
  return [`<details><summary>${summary}</summary>`, "", ...lines, "", "</details>"].join("\n");
}

function moreLine(total: number): string[] {
  return total > MAX_LISTED ? [`- …and ${total - MAX_LISTED} more`] : [];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
