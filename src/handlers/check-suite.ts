import type { Context } from "probot";
import { enqueueFollowUp } from "./commands/enqueue-follow-up.js";
import type { HandlerDeps } from "./issue-labeled.js";

/**
 * CI failed on one of the bot's pull requests. With `fix_ci: true` the bot makes one bounded
 * attempt per failing head commit: the task reads the failed checks' output and pushes a fix.
 */
export function handleCheckSuiteCompleted(deps: HandlerDeps & { botLogin: () => Promise<string> }) {
  return async (context: Context<"check_suite.completed">): Promise<void> => {
    const suite = context.payload.check_suite;
    if (suite.conclusion !== "failure" && suite.conclusion !== "timed_out") return;
    const repo = context.repo();
    const log = context.log.child({ delivery: context.id, suite: suite.id });
    for (const pr of suite.pull_requests) {
      const record = await deps.store.getBotPullRequest(repo.owner, repo.repo, pr.number);
      if (!record || record.state !== "open") continue;
      if (await deps.store.hasCiFixFor(repo.owner, repo.repo, pr.number, suite.head_sha)) {
        log.info({ pull: pr.number }, "CI still failing after the one fix attempt for this commit; leaving it to a human");
        continue;
      }
      const parsed = await deps.repoConfig.loadRecent(context.octokit, repo);
      if (!parsed.ok || !parsed.config.fix_ci) continue;
      const bot = await deps.botLogin();
      await enqueueFollowUp({ octokit: context.octokit, repo, deliveryId: `${context.id}:${pr.number}`, installation: context.payload.installation, repository: context.payload.repository }, deps, {
        pullNumber: pr.number,
        instruction: "CI failed on this pull request. Read the failing checks' output below, find the cause and fix it.",
        sender: { login: bot, id: 0 },
        target: { ciFailure: { headSha: suite.head_sha, checkSuiteId: suite.id } },
      });
    }
  };
}
