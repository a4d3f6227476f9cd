import type { Finding } from "./findings.js";

export interface SelectOptions {
  /** Worst priority still posted inline: 1 keeps P0 and P1. */
  minPriority?: number;
  /** Findings the model is less sure of than this stay out of inline comments. */
  minConfidence?: number;
  /** Most inline comments per review; a review with twenty comments is not read. */
  maxComments?: number;
}

export const DEFAULT_SELECT_OPTIONS: Required<SelectOptions> = { minPriority: 1, minConfidence: 0.5, maxComments: 5 };

export interface Selection<T extends Finding> {
  /** Candidates for inline comments, most important first, at most `maxComments`. */
  inline: T[];
  /** Important enough but over the cap: listed in the review body. */
  overflow: T[];
  /** Below the priority or confidence bar: a brief list in the review body. */
  lowPriority: T[];
  /** Duplicates merged into a higher-ranked finding. */
  merged: T[];
}

/** Shared title words at or above this share (Jaccard) make two findings on the same lines one. */
const SIMILAR_TITLE = 0.5;
const STOPWORDS = new Set(
  "a an the of in on at to for from is are be by with when and or not no this that it its may can could might possible possibly potential".split(" "),
);

/** Ranks, de-duplicates and caps findings so a review carries few comments, each worth reading. */
export function selectFindings<T extends Finding>(findings: readonly T[], options: SelectOptions = {}): Selection<T> {
  const { minPriority, minConfidence, maxComments } = { ...DEFAULT_SELECT_OPTIONS, ...options };
  const kept: T[] = [];
  const merged: T[] = [];
  // Ranked first, so the finding a duplicate merges into is always the higher-priority one.
  for (const finding of [...findings].sort(compareFindings)) {
    if (kept.some((other) => isDuplicate(finding, other))) merged.push(finding);
    else kept.push(finding);
  }
  const important = kept.filter((f) => f.priority <= minPriority && f.confidence >= minConfidence);
  const lowPriority = kept.filter((f) => !important.includes(f));
  return { inline: important.slice(0, maxComments), overflow: important.slice(maxComments), lowPriority, merged };
}

/** Priority first (P0 before P1), then the more confident finding. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.priority - b.priority || b.confidence - a.confidence;
}

/** Same file, overlapping lines and a similar title. */
export function isDuplicate(a: Finding, b: Finding): boolean {
  const overlaps = a.start_line <= b.end_line && b.start_line <= a.end_line;
  return a.path === b.path && overlaps && titleSimilarity(a.title, b.title) >= SIMILAR_TITLE;
}

function titleSimilarity(a: string, b: string): number {
  const left = titleWords(a);
  const right = titleWords(b);
  const shared = [...left].filter((word) => right.has(word)).length;
  const union = new Set([...left, ...right]).size;
  return union === 0 ? 1 : shared / union;
}

function titleWords(title: string): Set<string> {
  const words = title.toLowerCase().split(/[^\p{L}\p{N}_]+/u);
  // Dropping a plural "s" lets "Missing check" match "Missing checks".
  return new Set(words.filter((w) => w !== "" && !STOPWORDS.has(w)).map((w) => (w.length > 3 ? w.replace(/s$/, "") : w)));
}
