import type { Sandbox } from "../../sandbox/types.js";
import type { TaskLog } from "../task-log.js";

export interface SetupResult {
  ok: boolean;
  failedCommand?: string;
  output?: string;
}

/**
 * Installs dependencies before the agent starts. This is the only phase with network access;
 * it runs the maintainers' own setup commands (or the detected install), never the model's.
 */
export async function runSetupPhase(sandbox: Sandbox, commands: string[], timeoutMs: number, log: TaskLog): Promise<SetupResult> {
  for (const command of commands) {
    log.write(`setup: $ ${command}`);
    const result = await sandbox.run(command, { timeoutMs });
    log.write(`setup: exit ${result.exitCode}${result.timedOut ? " (timed out)" : ""} in ${result.durationMs}ms`, result.output);
    if (result.exitCode !== 0) return { ok: false, failedCommand: command, output: result.output };
  }
  return { ok: true };
}
