import type { Context } from "probot";
import { postComment, replyInReviewThread } from "../github/comments.js";
import { canWrite, getPermission, isBotAccount, writeAccessRequired } from "../github/permissions.js";
import { enqueueFollowUp } from "./commands/enqueue-follow-up.js";
import { parseCommand } from "./commands/parse-command.js";
import type { CommentDeps } from "./issue-comment.js";

/**
 * `@codex fix this` as a reply in an inline review thread (the bot's or a person's): the task
 * gets the thread's file, lines, diff hunk and the comment that started it, and the bot answers
 * in the same thread.
 */
export function handleReviewComment(deps: CommentDeps) {
  return async (context: Context<"pull_request_review_comment.created">): Promise<void> => {
    const { comment, pull_request: pull, repository } = context.payload;
    const user = comment.user;
    if (!user || isBotAccount({ login: user.login, type: user.type })) return;
    const slug = (await deps.botLogin()).replace(/\[bot\]$/, "");
    const command = parseCommand(comment.body, [deps.mention, slug]);
    if (!command) return;
    const repo = context.repo();
    const author = user.login;
    const log = context.log.child({ delivery: context.id, pull: pull.number });
    // The bot's own replies ping the person they answer; nothing else they say can ping anyone.
    const outgoing = { mentions: [author] };
    if (!canWrite(await getPermission(context.octokit, repo, author))) {
      await replyInReviewThread(context.octokit, repo, pull.number, comment.id, writeAccessRequired(author), outgoing);
      return;
    }
    // The 👀 is an acknowledgement only; losing it must not lose the request, but it is said.
    await context.octokit.rest.reactions.createForPullRequestReviewComment({ ...repo, comment_id: comment.id, content: "eyes" })
      .catch((err: unknown) => log.warn({ err }, "could not react to the review comment"));
    if (command.name !== "task" && command.name !== "fix") {
      await postComment(context.octokit, repo, pull.number, `@${author} in a review thread codex-bot takes a request such as \`@${deps.mention} fix this\`; other commands go in the pull request's conversation.`, outgoing);
      return;
    }
    // The thread's first comment says what is wrong; a reply's own text is the request.
    const rootId = comment.in_reply_to_id ?? comment.id;
    const root = rootId === comment.id ? comment : (await context.octokit.rest.pulls.getReviewComment({ ...repo, comment_id: rootId })).data;
    const rootAuthorCanWrite = root.user?.login === author || isBotAccount({ login: root.user?.login ?? "", type: root.user?.type ?? "User" }) || canWrite(await getPermission(context.octokit, repo, root.user?.login ?? ""));
    await enqueueFollowUp({ octokit: context.octokit, repo, deliveryId: context.id, installation: context.payload.installation, repository }, deps, {
      pullNumber: pull.number,
      instruction: command.name === "fix" ? "Fix what this review comment points out." : command.instruction,
      sender: { login: author, id: user.id },
      target: {
        thread: {
          commentId: rootId, path: comment.path, line: comment.line ?? null, startLine: comment.start_line ?? null, diffHunk: comment.diff_hunk,
          // Comments from people without write access never reach the model.
          rootBody: rootAuthorCanWrite ? root.body : "(the comment's author cannot write to this repository; its text is not shown)",
        },
      },
    });
  };
}
