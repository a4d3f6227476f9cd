import { constants } from "node:os";
import { buildBwrapArgs } from "./bwrap-args.js";
import { CappedOutput } from "./capped-output.js";
import { createSandboxCgroup, type SandboxCgroup } from "./cgroup.js";
import { BWRAP_INSTALL_HINT, findBwrap, isExecutableFile } from "./find-bwrap.js";
import { hasSecrets, launchSandbox, SECRETS_FD } from "./launch-sandbox.js";
import { resolveLimits } from "./limits.js";
import { buildSandboxPrelude } from "./prelude.js";
import { loadSeccompFilter } from "./seccomp-filter.js";
import { findSetupNetworkTools } from "./setup-network.js";
import type { ExecResult, RunOptions, Sandbox, SandboxLimits, SandboxOptions } from "./types.js";
import { watchWorkspaceUsage } from "./workspace-usage.js";

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_OUTPUT_LIMIT_BYTES = 1_000_000;
/** The exit code of a timed-out command, as coreutils `timeout` reports it. */
export const TIMEOUT_EXIT_CODE = 124;
/** The exit code when the sandbox could not start at all, as a shell reports a missing command. */
export const SPAWN_FAILURE_EXIT_CODE = 127;

/** What the launch needs from execa's result; spelled out so the mapping below is total. */
interface LaunchResult {
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  originalMessage?: string;
}

/**
 * A sandbox for one task. Throws SandboxConfigError now for unsafe options (a secret-like env
 * name, secrets without network, a relative path); after that, `run` never throws.
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
  // 1. The host tools: bwrap, its seccomp filter, and for the setup phase what isolates its
  // network. None missing.
  const seccompFilter = loadSeccompFilter();
  if (typeof seccompFilter === "string") return failedResult(seccompFilter, startedAt);
  const bwrapPath = options.bwrapPath ?? findBwrap();
  if (bwrapPath === undefined) return failedResult(BWRAP_INSTALL_HINT, startedAt);
  if (!isExecutableFile(bwrapPath)) return failedResult(`${bwrapPath} is not an executable file. ${BWRAP_INSTALL_HINT}`, startedAt);
  const network = options.network ? findSetupNetworkTools(options.slirp4netnsPath) : undefined;
  if (typeof network === "string") return failedResult(network, startedAt);

  // 2. Limits for the whole sandbox, then the launch.
  const output = new CappedOutput(runOptions.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT_BYTES);
  const cgroup = await createSandboxCgroup(limits, { root: options.cgroupRoot, parent: options.cgroupParent });
  try {
    const prelude = buildSandboxPrelude(limits, {
      limitVirtualMemory: !cgroup?.limitsMemory,
      secretsFd: hasSecrets(options) ? SECRETS_FD : undefined,
      agentProxy: options.agentNetwork !== undefined,
    });
    const bwrapArgv = [bwrapPath, ...buildBwrapArgs(options), "--", "/bin/bash", "-c", prelude, "sandbox", command];
    const timeoutMs = resolveTimeout(runOptions.timeoutMs);
    const launched = await launchSandbox({ options, bwrapArgv, cgroup, network, timeoutMs, seccompFilter });
    launched.subprocess.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
    launched.subprocess.stderr?.on("data", (chunk: Buffer) => output.push(chunk));

    // 3. Fail closed: without its own network the setup command does not run at all.
    if (!launched.ok) {
      launched.subprocess.kill("SIGKILL");
      await launched.subprocess;
      output.push(`The setup sandbox could not get a network of its own, so the command did not run: ${launched.problem}`);
      return { ...toExecResult({ exitCode: SPAWN_FAILURE_EXIT_CODE, timedOut: false }, output, startedAt), diskExceeded: false };
    }

    // 4. Run, stopping early when the workspace outgrows its disk cap.
    const watch = watchWorkspaceUsage(options.workspace, limits.maxWorkspaceBytes, () => launched.subprocess.kill("SIGKILL"));
    const result = await launched.subprocess.finally(() => launched.network?.detach());
    // The last disk measurement and the cgroup counters are independent: read them together.
    const [diskProblem, limitHits] = await Promise.all([watch.stop(), limitNotices(cgroup, limits)]);

    // 5. The result, with a line for each limit that was hit.
    const notices = [...limitHits, ...(diskProblem ? [diskProblem] : [])];
    return withNotices({ ...toExecResult(result, output, startedAt), diskExceeded: diskProblem !== undefined }, notices);
  } finally {
    await cgroup?.destroy();
  }
}

async function limitNotices(cgroup: SandboxCgroup | undefined, limits: SandboxLimits): Promise<string[]> {
  const events = await cgroup?.readLimitEvents();
  const notices: string[] = [];
  if (events && events.oomKills > 0) {
    notices.push(`[sandbox] The sandbox reached its memory limit (maxMemoryBytes, ${limits.maxMemoryBytes} bytes); the kernel killed ${events.oomKills} process(es).`);
  }
  if (events && events.processLimitHits > 0) {
    notices.push(`[sandbox] The sandbox reached its process limit (maxProcesses, ${limits.maxProcesses}); ${events.processLimitHits} fork(s) failed.`);
  }
  return notices;
}

// Appended after the capped output, so they are never dropped; totalBytes stays the command's own.
function withNotices(result: ExecResult, notices: string[]): ExecResult {
  if (notices.length === 0) return result;
  const separator = result.output === "" || result.output.endsWith("\n") ? "" : "\n";
  return { ...result, output: `${result.output}${separator}${notices.join("\n")}\n` };
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
