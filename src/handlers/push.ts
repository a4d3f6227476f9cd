import type { Context } from "probot";
import type { HandlerDeps } from "./issue-labeled.js";

const BRANCH_PREFIX = "refs/heads/";

/**
 * A push to a branch may change its `.github/codex.yml`: the cached copy is asked for again on
 * the next read. Every branch push counts, whatever its commits list (which can be truncated or,
 * for a force push, say little): the cost of being wrong is one conditional request, a 304.
 */
export function handlePush(deps: Pick<HandlerDeps, "repoConfig">) {
  return async (context: Context<"push">): Promise<void> => {
    const { ref, repository } = context.payload;
    if (!ref.startsWith(BRANCH_PREFIX)) return context.log.debug({ delivery: context.id, ref }, "ignored: not a branch");
    deps.repoConfig.invalidateBranch(context.repo(), ref.slice(BRANCH_PREFIX.length), repository.default_branch);
  };
}
