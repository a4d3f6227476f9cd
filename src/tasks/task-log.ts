import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { redactSecrets } from "./redact.js";

/** Where a task's full log lives: `<data dir>/logs/<log id>.log`. */
export function taskLogPath(dataDir: string, logId: string): string {
  return join(dataDir, "logs", `${logId}.log`);
}

/**
 * The full record of a task (commands, outputs, model turns), linked from the status comment
 * and the PR. Secrets are redacted on the way in; the file is only ever appended to.
 */
export class TaskLog {
  readonly #file: string;

  constructor(dataDir: string, logId: string, private readonly secrets: () => readonly string[]) {
    this.#file = taskLogPath(dataDir, logId);
    mkdirSync(join(dataDir, "logs"), { recursive: true });
  }

  write(section: string, text = ""): void {
    const stamp = new Date().toISOString();
    const body = text ? `\n${text.replace(/\n?$/, "\n")}` : "\n";
    appendFileSync(this.#file, redactSecrets(`[${stamp}] ${section}${body}`, this.secrets()));
  }
}

/** The task log's first line: what started the task, so a log can be traced to its webhook delivery. */
export function describeOrigin(task: { delivery: { id: string; receivedAt: number } | null; attempts: number }): string {
  const origin = task.delivery ? `webhook delivery ${task.delivery.id}, received ${new Date(task.delivery.receivedAt).toISOString()}` : "the bot itself";
  return `task: queued by ${origin}; attempt ${task.attempts}`;
}
