export interface FixLoopState {
  /** The pull request is the bot's own (the loop never touches people's branches by itself). */
  isBotPull: boolean;
  autoFix: boolean;
  maxRounds: number;
  roundsDone: number;
  /** P0/P1 findings present at the reviewed head. */
  blocking: number;
  /** This review followed an automatic fix round. */
  afterAutoFix: boolean;
}

/**
 * After a review: run another fix round, stop and hand over to a human, or do nothing. The
 * loop is bounded by `max_fix_rounds`; when it stops with findings left, it says so once.
 */
export function nextFixStep(s: FixLoopState): "fix" | "hand-over" | "none" {
  if (!s.isBotPull || !s.autoFix || s.blocking === 0) return "none";
  if (s.roundsDone < s.maxRounds) return "fix";
  return s.afterAutoFix ? "hand-over" : "none";
}
