import type { Probot } from "probot";
import { postComment } from "../github/comments.js";
import type { Octokit } from "../github/types.js";
import type { InboxDelivery } from "../store/store.js";
import { whoAsked } from "./who-asked.js";

/**
 * When a request could not be handled because GitHub kept failing, the person who made it is
 * told so on the issue or pull request, so that silence never stands for "done". Best effort:
 * GitHub may still be failing, and then the log is all that is left.
 */
export function tellRequesterOfOutage(app: Probot, names: { label: string; mention: string }) {
  return async (delivery: InboxDelivery, reason: string): Promise<void> => {
    const asker = whoAsked(delivery, names);
    const [owner, repo] = (delivery.repository ?? "").split("/");
    if (!asker || !owner || !repo || delivery.installationId === null) return;
    const octokit = (await app.auth(delivery.installationId)) as unknown as Octokit;
    await postComment(octokit, { owner, repo }, asker.number,
      `@${asker.login} codex-bot could not reach GitHub to act on your request (${reason}), and stopped retrying. Nothing was started. Please try again: add the label again, or repeat the command in a new comment.`,
      { mentions: [asker.login] });
  };
}
