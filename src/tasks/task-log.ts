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
