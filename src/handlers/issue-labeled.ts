import type { RepoConfigCache } from "../config/repo-config-cache.js";
import type { Context } from "probot";
import { REPO_CONFIG_PATH } from "../config/repo-config.js";
import { postComment, reactToIssue } from "../github/comments.js";
import { canWrite, getPermission, isBotAccount, writeAccessRequired } from "../github/permissions.js";
import type { Store } from "../store/store.js";
import { codeTaskFromLabel } from "../tasks/task-requests.js";

export interface HandlerDeps {
  store: Store;
  /** Wakes the worker after an enqueue. */
  poke: () => void;
  defaultLabel: string;
  /** `.github/codex.yml` per repository and ref; handlers take a copy up to REPO_CONFIG_FRESH_MS old. */
  repoConfig: RepoConfigCache;
}

/**
 * `issues.labeled` with the trigger label: guard, authorize, enqueue, return. Everything slow
 * happens in the worker; GitHub gives up on a webhook after 10 seconds.
 */
export function handleIssueLabeled(deps: HandlerDeps) {
  return async (context: Context<"issues.labeled">): Promise<void> => {
    const { issue, label, sender } = context.payload;
    const log = context.log.child({ delivery: context.id, issue: issue.number });
    if (isBotAccount(sender)) return log.debug("ignored: sender is a bot");
    if (issue.pull_request) return log.debug("ignored: label on a pull request");

    const repo = context.repo();
    const config = await deps.repoConfig.loadRecent(context.octokit, repo);
    const trigger = config.ok ? (config.config.label ?? deps.defaultLabel) : (config.rawLabel ?? deps.defaultLabel);
    if (label?.name !== trigger) return log.debug({ label: label?.name }, "ignored: not the trigger label");

    const permission = await getPermission(context.octokit, repo, sender.login);
    if (!canWrite(permission)) {
      log.info({ sender: sender.login, permission }, "refused: sender cannot write to the repository");
      await postComment(context.octokit, repo, issue.number, writeAccessRequired(sender.login), { mentions: [sender.login] });
      return;
    }
    if (!config.ok) {
      log.info({ errors: config.errors }, "refused: invalid repository config");
      await postComment(context.octokit, repo, issue.number,
        `codex-bot did not start: \`${REPO_CONFIG_PATH}\` on the default branch is invalid.\n\n${config.errors.map((e) => `- ${e}`).join("\n")}`);
      return;
    }

    const task = await deps.store.enqueueForDelivery(context.id, codeTaskFromLabel(context.payload));
    if (!task) return log.info("ignored: a task for this issue is already queued or running");
    log.info({ task: task.id }, "task queued");
    deps.poke();
    // The 👀 is an acknowledgement only; losing it must not lose the task.
    await reactToIssue(context.octokit, repo, issue.number, "eyes").catch((err: unknown) => log.warn({ err }, "could not react"));
  };
}
