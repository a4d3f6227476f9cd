import { parseCommand } from "../handlers/commands/parse-command.js";
import type { InboxDelivery } from "../store/store.js";

interface Payload {
  sender?: { login?: string; type?: string };
  label?: { name?: string };
  issue?: { number?: number };
  pull_request?: { number?: number };
  comment?: { body?: string; user?: { login?: string; type?: string } };
}

/**
 * The person whose request a delivery carries, and where to answer them: the one who added the
 * trigger label, or who wrote an `@codex` command. Other events (pushes, reviews the bot starts
 * by itself) carry nobody's request. Read from the payload alone: GitHub may be unreachable.
 */
export function whoAsked(delivery: InboxDelivery, names: { label: string; mention: string }): { number: number; login: string } | undefined {
  const p = (delivery.payload ?? {}) as Payload;
  const number = p.issue?.number ?? p.pull_request?.number;
  if (number === undefined) return undefined;
  const key = delivery.action ? `${delivery.event}.${delivery.action}` : delivery.event;
  if (key === "issues.labeled" && p.label?.name === names.label && p.sender?.login && p.sender.type !== "Bot") return { number, login: p.sender.login };
  const comment = p.comment;
  if ((key === "issue_comment.created" || key === "pull_request_review_comment.created") && comment?.user?.login && comment.user.type !== "Bot" && parseCommand(comment.body ?? "", [names.mention])) {
    return { number, login: comment.user.login };
  }
  return undefined;
}
