import type { Context } from "probot";
import { postComment } from "../github/comments.js";
import { canWrite, getPermission, isBotAccount, writeAccessRequired } from "../github/permissions.js";
import { helpText } from "./commands/help-text.js";
import { parseCommand } from "./commands/parse-command.js";
import { enqueueFollowUp } from "./commands/enqueue-follow-up.js";
import { codeTaskFromComment, FIX_FINDINGS_INSTRUCTION, reviewTaskFromCommand } from "../tasks/task-requests.js";
import { isAllowedBot } from "./bot-allowed.js";
import type { HandlerDeps } from "./issue-labeled.js";

export interface CommentDeps extends HandlerDeps {
  mention: string;
  botLogin: () => Promise<string>;
  /** Stops what runs or waits for an issue or pull request (`@codex stop`). */
  cancel: (owner: string, repo: string, number: number, by: string) => Promise<{ queued: number; running: number }>;
}

/**
 * `@codex …` in a new comment: parse, authorize like the label, acknowledge, enqueue. Edited
 * comments never trigger (only `created` is subscribed), so a command cannot be slipped in later.
 */
export function handleIssueComment(deps: CommentDeps) {
  return async (context: Context<"issue_comment.created">): Promise<void> => {
    const { comment, issue, repository } = context.payload;
    const log = context.log.child({ delivery: context.id, issue: issue.number });
    const ownLogin = await deps.botLogin();
    const command = parseCommand(comment.body ?? "", [deps.mention, ownLogin.replace(/\[bot\]$/, "")]);
    if (!command) return;
    const repo = context.repo();
    const author = comment.user!.login;
    // The bot's own replies ping the person they answer; nothing else they say can ping anyone.
    const outgoing = { mentions: [author] };
    const isBot = isBotAccount({ login: author, type: comment.user?.type ?? "User" });
    if (isBot && !(await isAllowedBot(deps.repoConfig, context.octokit, repo, author, ownLogin))) return log.debug({ author }, "ignored: comment by a bot that is not in allow_bots");
    if (!isBot && !canWrite(await getPermission(context.octokit, repo, author))) {
      log.info({ author }, "refused: commenter cannot write to the repository");
      await postComment(context.octokit, repo, issue.number, writeAccessRequired(author), outgoing);
      return;
    }
    await context.octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: "eyes" }).catch((err: unknown) => log.warn({ err }, "could not react"));
    const sender = { login: author, id: comment.user!.id };

    if (command.name === "review" && issue.pull_request) {
      const { data: pull } = await context.octokit.rest.pulls.get({ ...repo, pull_number: issue.number });
      const task = await deps.store.enqueueForDelivery(context.id, reviewTaskFromCommand(context.payload, pull, { sender, focus: command.focus }), { replaceQueued: true });
      if (task) deps.poke();
      return;
    }
    if (command.name === "stop") {
      const stopped = await deps.cancel(repo.owner, repo.repo, issue.number, author);
      const said = stopped.running + stopped.queued > 0
        ? `Stopping: ${stopped.running} running and ${stopped.queued} waiting task(s) for #${issue.number} were cancelled by @${author}. Nothing more will be pushed for them.`
        : `There is nothing to stop: codex has no running or waiting task for #${issue.number}.`;
      await postComment(context.octokit, repo, issue.number, said, outgoing);
      return;
    }
    const event = { octokit: context.octokit, repo, deliveryId: context.id, installation: context.payload.installation, repository };
    if (issue.pull_request && (command.name === "fix" || (command.name === "task" && command.instruction))) {
      const instruction = command.name === "fix" ? FIX_FINDINGS_INSTRUCTION : command.instruction;
      await enqueueFollowUp(event, deps, { pullNumber: issue.number, instruction, sender, target: command.name === "fix" ? { fixFindings: true } : {} });
      return;
    }
    if (command.name === "task" && !issue.pull_request && command.instruction) {
      const task = await deps.store.enqueueForDelivery(context.id, codeTaskFromComment(context.payload, { instruction: command.instruction, sender }));
      if (task) deps.poke();
      else await postComment(context.octokit, repo, issue.number, "codex is already working on this issue; your request was not queued. Comment again when the current task has finished.");
      return;
    }
    await postComment(context.octokit, repo, issue.number, helpText(deps.mention, deps.defaultLabel));
  };
}
