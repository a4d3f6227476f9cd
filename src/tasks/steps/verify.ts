import type { Sandbox } from "../../sandbox/types.js";
import { tail, type Verification } from "../pull-request-body.js";
import type { TaskLog } from "../task-log.js";

/** The host runs the test command itself after the agent stops: the PR reports this, not the model's claim. */
export async function verifyChange(sandbox: Sandbox, command: string | undefined, timeoutMs: number, log: TaskLog): Promise<Verification | null> {
  if (!command) return null;
  log.write(`verify: $ ${command}`);
  const result = await sandbox.run(command, { timeoutMs });
  log.write(`verify: exit ${result.exitCode}${result.timedOut ? " (timed out)" : ""} in ${result.durationMs}ms`, result.output);
  return { command, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs, outputTail: tail(result.output) };
}

export function verificationPassed(v: Verification | null): boolean {
  return v !== null && v.exitCode === 0 && !v.timedOut;
}
