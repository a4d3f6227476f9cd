import { constants } from "node:os";
import { execa } from "execa";
import { buildBwrapArgs, SANDBOX_HOSTS_TEXT } from "./bwrap-args.js";
import { CappedOutput } from "./capped-output.js";
import { createSandboxCgroup } from "./cgroup.js";
import { BWRAP_INSTALL_HINT, findBwrap, isExecutableFile } from "./find-bwrap.js";
import { resolveLimits } from "./limits.js";
import { buildSandboxPrelude } from "./prelude.js";
import type { ExecResult, RunOptions, Sandbox, SandboxLimits, SandboxOptions } from "./types.js";

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_OUTPUT_LIMIT_BYTES = 1_000_000;
/** The exit code of a timed-out command, as coreutils `timeout` reports it. */
export const TIMEOUT_EXIT_CODE = 124;
/** The exit code when the sandbox could not start at all, as a shell reports a missing command. */
export const SPAWN_FAILURE_EXIT_CODE = 127;

// Moves this shell into the cgroups, then becomes bwrap (same pid), so that nothing bwrap
// starts is ever outside them. Exit 125 rather than run without limits. sh exports PWD,
// which bwrap would pass on to /proc/1/environ inside.
const JOIN_CGROUPS_SCRIPT =
  'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; unset PWD; exec "$@"';

/** What the launch needs from execa's result; spelled out so the mapping below is total. */
interface LaunchResult {
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  originalMessage?: string;
}

/**
 * A sandbox for one task. Throws SandboxConfigError now for unsafe options (a secret-like env
 * name, a relative path); after that, `run` never throws.
 */
export function createSandbox(options: SandboxOptions): Sandbox {
  // Built again for every run (the host may change); built now only to reject bad options early.
  buildBwrapArgs(options);
  const limits = resolveLimits(options.limits);
  return {
    run: async (command, runOptions = {}) => {
      const startedAt = performance.now();
      try {
        return await runCommand(options, limits, command, runOptions, startedAt);
      } catch (error) {
        return failedResult(`The sandbox could not run the command: ${errorMessage(error)}`, startedAt);
      }
    },
  };
}

async function runCommand(
  options: SandboxOptions,
  limits: SandboxLimits,
  command: string,
  runOptions: RunOptions,
  startedAt: number,
): Promise<ExecResult> {
  const bwrapPath = options.bwrapPath ?? findBwrap();
  if (bwrapPath === undefined) return failedResult(BWRAP_INSTALL_HINT, startedAt);
  if (!isExecutableFile(bwrapPath)) return failedResult(`${bwrapPath} is not an executable file. ${BWRAP_INSTALL_HINT}`, startedAt);
  const bwrapArgs = buildBwrapArgs(options);
  const output = new CappedOutput(runOptions.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT_BYTES);
  const cgroup = await createSandboxCgroup(limits, options.cgroupRoot, options.hostUser);
  try {
    const prelude = buildSandboxPrelude(limits, { limitVirtualMemory: !cgroup?.limitsMemory });
    const bwrapArgv = [bwrapPath, ...bwrapArgs, "--", "/bin/bash", "-c", prelude, "sandbox", command];
    const [file = bwrapPath, ...args] = cgroup
      ? ["/bin/sh", "-c", JOIN_CGROUPS_SCRIPT, "sh", ...cgroup.procsFiles, "--", ...bwrapArgv]
      : bwrapArgv;
    const subprocess = execa(file, args, launchOptions(options, runOptions));
    subprocess.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
    subprocess.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
    return toExecResult(await subprocess, output, startedAt);
  } finally {
    await cgroup?.destroy();
  }
}

function launchOptions(options: SandboxOptions, runOptions: RunOptions) {
  // bwrap reads /etc/hosts from fd 3 (HOSTS_FD, --ro-bind-data), so no host file is needed.
  const hostsData = new TextEncoder().encode(SANDBOX_HOSTS_TEXT);
  return {
    buffer: false,
    stdio: ["ignore", "pipe", "pipe", hostsData],
    reject: false,
    // The bot's environment holds its GitHub and model tokens; bwrap's own environment is
    // readable inside as /proc/1/environ, so bwrap gets none at all.
    env: {},
    extendEnv: false,
    // Not the bot's own directory: nothing about the host should be inherited.
    cwd: "/",
    timeout: resolveTimeout(runOptions.timeoutMs),
    // Killing bwrap kills everything inside: --die-with-parent signals the sandbox's init,
    // and the kernel kills every process in a pid namespace when its init dies.
    killSignal: "SIGKILL",
    ...(options.hostUser ? { uid: options.hostUser.uid, gid: options.hostUser.gid } : {}),
  } as const;
}

function toExecResult(result: LaunchResult, output: CappedOutput, startedAt: number): ExecResult {
  const exitCode = exitCodeOf(result);
  if (exitCode === SPAWN_FAILURE_EXIT_CODE && result.exitCode === undefined) {
    output.push(`The sandbox could not start: ${result.originalMessage ?? "unknown error"}`);
  }
  return {
    exitCode,
    output: output.toString(),
    timedOut: result.timedOut,
    truncated: output.truncated,
    totalBytes: output.totalBytes,
    durationMs: Math.round(performance.now() - startedAt),
  };
}

function exitCodeOf(result: LaunchResult): number {
  if (result.timedOut) return TIMEOUT_EXIT_CODE;
  if (result.exitCode !== undefined) return result.exitCode;
  const signalNumber = result.signal ? constants.signals[result.signal as keyof typeof constants.signals] : undefined;
  // Killed from outside (e.g. the OOM killer took bwrap): report it the way a shell would.
  if (signalNumber !== undefined) return 128 + signalNumber;
  return SPAWN_FAILURE_EXIT_CODE;
}

function resolveTimeout(timeoutMs: number | undefined): number {
  return timeoutMs !== undefined && Number.isFinite(timeoutMs) && timeoutMs > 0 ? Math.ceil(timeoutMs) : DEFAULT_TIMEOUT_MS;
}

function failedResult(message: string, startedAt: number): ExecResult {
  return {
    exitCode: SPAWN_FAILURE_EXIT_CODE,
    output: message,
    timedOut: false,
    truncated: false,
    totalBytes: Buffer.byteLength(message),
    durationMs: Math.round(performance.now() - startedAt),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
