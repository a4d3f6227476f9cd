import { describeBlockedRequest, type BlockedRequest } from "../sandbox/agent-network/types.js";
import type { StagedChange } from "../workspace/task-workspace.js";

export interface Verification {
  command: string;
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  outputTail: string;
}

export interface PullRequestReport {
  summary: string;
  /** The issue the change fixes; null for a follow-up on someone's own pull request. */
  issueNumber: number | null;
  changes: StagedChange[];
  verification: Verification | null;
  requestedBy: string;
  model: string;
  turns: number;
  tokens: number;
  durationMs: number;
  logUrl?: string;
  /** Why the agent stopped, when it did not finish on its own. */
  incomplete?: string;
  /** What the agent network's proxy refused; the section is left out when there is none. */
  blocked?: readonly BlockedRequest[];
}

const STATUS_WORDS: Record<StagedChange["status"], string> = { A: "added", M: "modified", D: "deleted", R: "renamed", T: "type changed" };
const MAX_FILES_LISTED = 50;
const MAX_BLOCKED_LISTED = 20;

/** The model's final answer: a title line, then the summary. */
export function splitTitle(finalText: string, fallback: string): { title: string; summary: string } {
  const lines = finalText.trim().split("\n");
  const first = (lines[0] ?? "").replace(/^#+\s*/, "").replace(/^title:\s*/i, "").replace(/[*`]/g, "").trim();
  const title = first.length > 0 && first.length <= 120 ? first.slice(0, 72).replace(/[.\s]+$/, "") : fallback;
  return { title, summary: (first === title ? lines.slice(1) : lines).join("\n").trim() };
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

export function renderVerification(v: Verification | null): string {
  if (!v) return "No test command was configured or detected, so nothing was verified. Set `test:` in `.github/codex.yml`.";
  const verdict = v.timedOut ? "timed out" : v.exitCode === 0 ? "passed" : "failed";
  return [
    `\`${v.command}\` → exit ${v.exitCode} (**${verdict}**) in ${formatDuration(v.durationMs)}`,
    "", "<details><summary>Output (tail)</summary>", "", "```", v.outputTail.replace(/```/g, "`\u200b``"), "```", "", "</details>",
  ].join("\n");
}

export function renderPullRequestBody(r: PullRequestReport): string {
  const files = r.changes.slice(0, MAX_FILES_LISTED).map((c) => `- \`${c.path}\` (${STATUS_WORDS[c.status]})`);
  if (r.changes.length > MAX_FILES_LISTED) files.push(`- … and ${r.changes.length - MAX_FILES_LISTED} more`);
  return [
    r.incomplete ? `> [!WARNING]\n> ${r.incomplete}\n` : "",
    r.summary || "_The agent gave no summary._",
    "",
    ...(r.issueNumber === null ? [] : [`Fixes #${r.issueNumber}`, ""]),
    "### Files changed", "", ...files,
    "", "### Verification", "", renderVerification(r.verification),
    ...renderBlockedRequests(r.blocked ?? []),
    "", "---",
    `Requested by @${r.requestedBy} · model \`${r.model}\` · ${r.turns} turns · ${r.tokens.toLocaleString("en-US")} tokens · ${formatDuration(r.durationMs)}${r.logUrl ? ` · [full log](${r.logUrl})` : ""}`,
  ].join("\n").trim();
}

/**
 * The refused requests, in a code block: a URL or a command in it stays text, whatever the
 * agent put there (the outgoing sanitiser leaves code blocks alone, so they are its only guard).
 */
export function renderBlockedRequests(blocked: readonly BlockedRequest[]): string[] {
  if (blocked.length === 0) return [];
  const lines = blocked.slice(0, MAX_BLOCKED_LISTED).map((request) => describeBlockedRequest(request).replace(/[\r\n]+/g, " ").replace(/```/g, "`\u200b``"));
  if (blocked.length > MAX_BLOCKED_LISTED) lines.push(`… and ${blocked.length - MAX_BLOCKED_LISTED} more (see the full log)`);
  return ["", "### Blocked network requests", "", `The agent's network proxy refused ${blocked.length} request(s):`, "", "```text", ...lines, "```"];
}

/** The last lines of an output, for the PR body. */
export function tail(text: string, lines = 40, maxChars = 4000): string {
  const kept = text.trimEnd().split("\n").slice(-lines).join("\n");
  return kept.length > maxChars ? kept.slice(kept.length - maxChars) : kept;
}
