import { z } from "zod";
import type { ExecResult, Sandbox } from "../../sandbox/types.js";
import type { Tool } from "./tool.js";

const parameters = z.object({
  command: z.union([z.string().min(1), z.array(z.string()).min(1)]).describe("The command line, run with bash -c in /workspace."),
  timeout_seconds: z.number().int().positive().max(3600).optional().describe("Wall-time limit for this command."),
});

export interface ShellToolOptions {
  sandbox: Sandbox;
  defaultTimeoutMs: number;
  /** Told about every command and its full result, for the task log. */
  onCommand?: (command: string, result: ExecResult) => void;
}

export function createShellTool(options: ShellToolOptions): Tool<typeof parameters> {
  return {
    name: "shell",
    description:
      "Runs a shell command in the repository at /workspace, inside a sandbox with no network access. " +
      "Use it to read files (cat, sed -n, rg), run tests and builds. Output is truncated in the middle when long.",
    parameters,
    async execute(args) {
      const command = Array.isArray(args.command) ? args.command.map(shellQuote).join(" ") : args.command;
      const timeoutMs = Math.min(options.defaultTimeoutMs, (args.timeout_seconds ?? Infinity) * 1000);
      const result = await options.sandbox.run(command, { timeoutMs });
      options.onCommand?.(command, result);
      // Filling the disk is not something the model can be asked to undo: the task ends.
      if (result.diskExceeded) throw new SandboxLimitError(`the workspace went over its disk cap: ${result.output.split("\n").at(-1) ?? ""}`);
      return formatExecResult(result, timeoutMs);
    },
  };
}

/** A sandbox limit that ends the task rather than being reported to the model. */
export class SandboxLimitError extends Error {
  override name = "SandboxLimitError";
}

export function formatExecResult(result: ExecResult, timeoutMs: number): string {
  const status = result.timedOut
    ? `timed out after ${Math.round(timeoutMs / 1000)}s and was killed (exit code ${result.exitCode})`
    : `exit code ${result.exitCode}`;
  const note = result.truncated ? ` (output was ${result.totalBytes} bytes; the middle was dropped)` : "";
  return `${status}, ${(result.durationMs / 1000).toFixed(1)}s${note}\n${result.output}`;
}

/** Joins an argv-style command for bash without letting an argument split or expand. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
