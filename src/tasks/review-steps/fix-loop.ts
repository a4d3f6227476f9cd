import type { RepoConfig } from "../../config/repo-config.js";
import { postComment } from "../../github/comments.js";
import { fixRoundAfterReview } from "../task-requests.js";
import type { PresentFinding } from "./conclude-review.js";
import type { PullRequest, ReviewTaskContext } from "./review-task-context.js";

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

/** On the bot's own pull requests, `auto_fix` runs review → fix → re-review, bounded: queue the next round, or hand over once. */
export async function continueFixLoop(ctx: ReviewTaskContext, pull: PullRequest, config: RepoConfig, present: PresentFinding[]): Promise<void> {
  const { deps, task } = ctx;
  const blocking = present.filter((f) => f.priority <= 1);
  const step = nextFixStep({
    isBotPull: (await deps.store.getBotPullRequest(task.owner, task.repo, task.number))?.state === "open", autoFix: config.auto_fix,
    maxRounds: config.max_fix_rounds, roundsDone: await deps.store.countAutoFixRounds(task.owner, task.repo, task.number),
    blocking: blocking.length, afterAutoFix: task.request.afterAutoFix === true,
  });
  if (step === "fix") {
    await deps.store.enqueue(fixRoundAfterReview(task, pull), { queueBehindRunning: true });
    ctx.log.write("review: queued an automatic fix round");
  } else if (step === "hand-over") {
    await postComment(ctx.octokit, ctx.repo, task.number, [
      `codex stopped fixing after ${config.max_fix_rounds} automatic round(s); these findings are still open and need a human:`, "",
      ...blocking.map((f) => `- P${f.priority} ${f.title} (\`${f.path}:${f.startLine}\`)`),
    ].join("\n"), ctx.outgoing);
  }
}
