import type { DiffFileRecord } from "./diff-files.js";
import type { PatchLine, Side } from "./patch-lines.js";
import { findPatchLine, parsePatchLines } from "./patch-lines.js";

/** Where one review comment sits, once GitHub has found its lines in the diff. */
export interface ReviewCommentAnchor {
  path: string;
  line: number;
  side: Side;
  startLine: number | null;
  startSide: Side | null;
  /** GitHub's legacy `position`: lines below the file's first `@@`. */
  position: number;
  /** The hunk header through the commented line, as GitHub's `diff_hunk`. */
  diffHunk: string;
}

/**
 * GitHub's 422 texts for comments it cannot place. The first two are what `POST .../reviews`
 * answers today (https://github.com/max-sixty/tend/pull/252 quotes one); the range errors are
 * the ones it gives for a multi-line comment (quoted in parkerbxyz/suggest-changes#64, ubuntu/WSL#244).
 */
export const PATH_UNRESOLVED = "Path could not be resolved";
export const LINE_UNRESOLVED = "Line could not be resolved";
export const START_IN_OTHER_HUNK = "Pull request review thread start line must be part of the same hunk as the line.";
export const START_AFTER_END = "Pull request review thread start line must precede the end line.";

export type AnchorOutcome = { ok: true; anchor: ReviewCommentAnchor } | { ok: false; error: string };

export interface CommentPlacement {
  path: string;
  line?: number;
  side?: Side;
  startLine?: number;
  startSide?: Side;
  /** The legacy way to place a comment, instead of `line`. */
  position?: number;
}

function diffHunk(patch: string, end: PatchLine): string {
  const rows = patch.split("\n").slice(0, end.index + 1);
  const header = rows.findLastIndex((row) => row.startsWith("@@ "));
  return rows.slice(header).join("\n");
}

function endLine(lines: PatchLine[], placement: CommentPlacement): { side: Side; target: PatchLine | undefined } {
  if (placement.line === undefined && placement.position !== undefined) {
    const target = lines.find((candidate) => candidate.position === placement.position);
    return { side: target?.kind === "deleted" ? "LEFT" : "RIGHT", target };
  }
  const side = placement.side ?? "RIGHT";
  return { side, target: placement.line === undefined ? undefined : findPatchLine(lines, side, placement.line) };
}

/** Finds a comment's lines in the diff the way GitHub does, or says which 422 GitHub would give. */
export function anchorReviewComment(files: DiffFileRecord[], placement: CommentPlacement): AnchorOutcome {
  const file = files.find((candidate) => candidate.filename === placement.path);
  if (file === undefined) return { ok: false, error: PATH_UNRESOLVED };
  const patch = file.patch ?? "";
  const lines = parsePatchLines(patch);
  const { side, target } = endLine(lines, placement);
  if (target === undefined) return { ok: false, error: LINE_UNRESOLVED };
  const line = (side === "RIGHT" ? target.newLine : target.oldLine) ?? 0;
  const anchor = { path: file.filename, line, side, startLine: null, startSide: null, position: target.position, diffHunk: diffHunk(patch, target) };
  if (placement.startLine === undefined) return { ok: true, anchor };
  const startSide = placement.startSide ?? side;
  const start = findPatchLine(lines, startSide, placement.startLine);
  if (start === undefined) return { ok: false, error: LINE_UNRESOLVED };
  if (start.hunk !== target.hunk) return { ok: false, error: START_IN_OTHER_HUNK };
  if (start.index >= target.index) return { ok: false, error: START_AFTER_END };
  return { ok: true, anchor: { ...anchor, startLine: placement.startLine, startSide } };
}
