import { isProtectedBranch } from "../../github/branches.js";
import type { CodeTaskContext } from "./code-task-context.js";

/** A follow-up pushes to the pull request's own branch: never the default branch or a protected one. True when refused. */
export async function refuseUnpushableBranch(ctx: CodeTaskContext): Promise<boolean> {
  const { pull, defaultBranch } = ctx.task.request;
  if (!pull) return false;
  if (pull.headRef !== defaultBranch && !(await isProtectedBranch(ctx.octokit, ctx.repo, pull.headRef))) return false;
  await ctx.finish("refused", `codex-bot does not push to \`${pull.headRef}\``, "It is the default branch or a protected branch. Ask on an issue instead: codex will open a new pull request.");
  return true;
}
