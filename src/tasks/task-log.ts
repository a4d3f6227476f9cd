import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { redactSecrets } from "./redact.js";

/** Where a task's full log lives: `<data dir>/logs/<log id>.log`. */
export function taskLogPath(dataDir: string, logId: string): string {
  return join(dataDir, "logs", `${logId}.log`);
}

/** Where a copy of the log goes when the web process may be on another machine (a shared store). */
export interface LogCopy {
  append(logId: string, text: string): Promise<void>;
  onError(error: unknown): void;
}

/**
 * The full record of a task (commands, outputs, model turns), linked from the status comment
 * and the PR. Secrets are redacted on the way in; the file is only ever appended to. With a
 * shared store the same text is also appended there, in order, so that the log link works
 * whichever machine ran the task.
 */
export class TaskLog {
  readonly #file: string;
  #copied: Promise<void> = Promise.resolve();

  constructor(dataDir: string, private readonly logId: string, private readonly secrets: () => readonly string[], private readonly copy?: LogCopy) {
    this.#file = taskLogPath(dataDir, logId);
    mkdirSync(join(dataDir, "logs"), { recursive: true });
  }

  write(section: string, text = ""): void {
    const stamp = new Date().toISOString();
    const body = text ? `\n${text.replace(/\n?$/, "\n")}` : "\n";
    const entry = redactSecrets(`[${stamp}] ${section}${body}`, this.secrets());
    appendFileSync(this.#file, entry);
    const copy = this.copy;
    if (copy) this.#copied = this.#copied.then(() => copy.append(this.logId, entry)).catch((error: unknown) => copy.onError(error));
  }

  /** Resolves once every entry written so far is in the shared copy too. */
  async flush(): Promise<void> {
    await this.#copied;
  }
}

/** The task log's first line: what started the task, so a log can be traced to its webhook delivery. */
export function describeOrigin(task: { delivery: { id: string; receivedAt: number } | null; attempts: number }): string {
  const origin = task.delivery ? `webhook delivery ${task.delivery.id}, received ${new Date(task.delivery.receivedAt).toISOString()}` : "the bot itself";
  return `task: queued by ${origin}; attempt ${task.attempts}`;
}
