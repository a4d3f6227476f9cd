import type { Finding, Priority } from "./findings.js";

const BADGE_COLOR: Record<Priority, string> = { 0: "red", 1: "orange", 2: "yellow", 3: "lightgrey" };

/** Shields-style priority badge, e.g. `![P1 Badge](https://img.shields.io/badge/P1-orange?style=flat)`. */
export function priorityBadge(priority: Priority): string {
  return `![P${priority} Badge](https://img.shields.io/badge/P${priority}-${BADGE_COLOR[priority]}?style=flat)`;
}

export interface CommentBodyOptions {
  /** Add the finding's ```suggestion block (only when the comment covers exactly its lines). */
  withSuggestion: boolean;
  /** Where the finding really points, when the comment had to be placed elsewhere. */
  movedFrom?: string;
}

/** The body of one inline comment: badge and title, the reasoning, then a committable suggestion. */
export function renderCommentBody(finding: Finding, options: CommentBodyOptions): string {
  const parts = [`**${priorityBadge(finding.priority)} ${oneLine(finding.title)}**`, neutraliseMarkers(finding.body.trim())];
  if (options.movedFrom) parts.push(`_(About ${options.movedFrom}, just outside the diff.)_`);
  if (options.withSuggestion && finding.suggestion !== undefined) parts.push(suggestionBlock(finding.suggestion));
  return parts.join("\n\n");
}

/**
 * A fence longer than any backtick run in the code, so a suggestion that itself contains
 * ``` stays one block (GitHub accepts longer fences for suggestions).
 */
function suggestionBlock(code: string): string {
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}suggestion\n${code}\n${fence}`;
}

/** `path:12` or `path:12-14`. */
export function formatLocation(finding: Pick<Finding, "path" | "start_line" | "end_line">): string {
  const lines = finding.start_line === finding.end_line ? `${finding.start_line}` : `${finding.start_line}-${finding.end_line}`;
  return `${finding.path}:${lines}`;
}

/** "line 12" or "lines 12-14". */
export function describeLines(finding: Pick<Finding, "start_line" | "end_line">): string {
  return finding.start_line === finding.end_line ? `line ${finding.start_line}` : `lines ${finding.start_line}-${finding.end_line}`;
}

export function oneLine(text: string): string {
  return neutraliseMarkers(text.replace(/\s+/g, " ").trim());
}

/**
 * Model text comes from reading untrusted code; a copy of our hidden marker in it must not be
 * taken for the real one when the next push is reviewed.
 */
export function neutraliseMarkers(text: string): string {
  return text.replace(/<!--(\s*codex-review)/gi, "&lt;!--$1");
}
