import { createHash } from "node:crypto";
import { z } from "zod";
import type { DiffFile } from "./diff-types.js";
import type { Finding } from "./findings.js";

export type FingerprintedFinding<T extends Finding = Finding> = T & { fingerprint: string };

/** What a review body remembers for the next push: the head it reviewed and what it reported. */
export interface ReviewMarker {
  head: string;
  fingerprints: string[];
}

const MARKER = /<!-- codex-review: ([\s\S]*?) -->/g;
/** Keeps the hidden marker small when fingerprints accumulate over many pushes (newest are kept). */
export const MAX_MARKER_FINGERPRINTS = 500;
const markerSchema = z.object({ head: z.string(), fingerprints: z.array(z.string()) });

/**
 * A finding's identity across pushes: its path, its title (case, punctuation and spacing
 * ignored) and the code it points at (indentation and spacing ignored), but not its line
 * numbers, so the same problem is recognised after lines above it move. Code is read from the
 * new side of the diff; a finding outside the diff is identified by path and title alone.
 */
export function fingerprintFinding(finding: Finding, files: readonly DiffFile[]): string {
  const code = newSideText(files, finding.path, finding.start_line, finding.end_line)
    .map((line) => line.trim().replace(/\s+/g, " "))
    .join("\n");
  return sha256([finding.path, normaliseTitle(finding.title), sha256(code)].join("\0")).slice(0, 16);
}

export function fingerprintFindings<T extends Finding>(findings: readonly T[], files: readonly DiffFile[]): FingerprintedFinding<T>[] {
  return findings.map((finding) => ({ ...finding, fingerprint: fingerprintFinding(finding, files) }));
}

/** Drops findings an earlier review of this pull request already reported. */
export function filterAlreadyPosted<T extends { fingerprint: string }>(findings: readonly T[], posted: Iterable<string>): T[] {
  const seen = new Set(posted);
  return findings.filter((finding) => !seen.has(finding.fingerprint));
}

/**
 * The hidden HTML comment carried in a review body. `<` and `>` are escaped inside the JSON so
 * no value can close the comment early.
 */
export function renderReviewMarker(marker: ReviewMarker): string {
  // Deduplicated keeping the last occurrence, so a finding reported again counts as recent.
  const fingerprints = [...new Set([...marker.fingerprints].reverse())].reverse().slice(-MAX_MARKER_FINGERPRINTS);
  const json = JSON.stringify({ head: marker.head, fingerprints }).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
  return `<!-- codex-review: ${json} -->`;
}

/**
 * Reads the marker from a review body. The last valid one wins: the bot appends its marker at
 * the end, after any text quoted from elsewhere. Only read bodies of reviews the bot wrote.
 */
export function extractReviewMarker(body: string): ReviewMarker | undefined {
  let found: ReviewMarker | undefined;
  for (const match of body.matchAll(MARKER)) {
    try {
      const parsed = markerSchema.safeParse(JSON.parse(match[1] ?? ""));
      if (parsed.success) found = parsed.data;
    } catch {
      // Not our JSON (a quoted or hand-edited marker): keep looking.
    }
  }
  return found;
}

function normaliseTitle(title: string): string {
  return title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function newSideText(files: readonly DiffFile[], path: string, start: number, end: number): string[] {
  const file = files.find((candidate) => candidate.path === path);
  const lines = file?.hunks.flatMap((hunk) => hunk.lines) ?? [];
  return lines.filter((line) => line.newLine !== undefined && line.newLine >= start && line.newLine <= end).map((line) => line.text);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
