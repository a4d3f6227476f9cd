import type { OutgoingPolicy } from "../github/outgoing/sanitize-outgoing.js";
import type { RunnerDeps } from "./runner-deps.js";
import type { TaskRecord } from "./task-types.js";

/**
 * What a task's postings may keep: links to the GitHub in use and to the bot's own log pages,
 * and, for a code task, a ping of the person who asked. `secrets` is the task's live list (its
 * token is pushed onto it once issued), so everything posted later redacts that too.
 */
export function taskOutgoingPolicy(deps: Pick<RunnerDeps, "config" | "logUrl">, task: TaskRecord, secrets: readonly string[]): OutgoingPolicy {
  const logUrl = deps.logUrl(task.logId);
  return {
    secrets,
    githubHost: deps.config.githubHost,
    ...(logUrl ? { allowedOrigins: [new URL(logUrl).origin] } : {}),
    // A review pings nobody: its author is notified of it anyway.
    mentions: task.kind === "code" ? [task.request.sender.login] : [],
  };
}
