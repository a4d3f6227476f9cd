import { startForwarderScript } from "./agent-network/in-sandbox.js";
import type { SandboxLimits } from "./types.js";

export interface PreludeOptions {
  /**
   * Whether to cap each process's address space (`ulimit -v`). Only as a fallback, when no
   * memory cgroup bounds the sandbox: V8 reserves address space far beyond what it uses, and
   * Node 20's WebAssembly (which its built-in fetch needs) fails under 8 GiB (measured).
   */
  limitVirtualMemory: boolean;
  /**
   * A descriptor carrying `NAME=value` records, each ending in NUL, to export before the command
   * (setup secrets). Read before the inherited descriptors are closed.
   */
  secretsFd?: number;
  /** Start the forwarder to the agent network's proxy (agent-network/in-sandbox.ts) before the command. */
  agentProxy?: boolean;
}

/**
 * The bash script bwrap runs: it tidies the process state, sets the rlimits, and then execs
 * `bash -c "$1"`, so the command starts in a fresh shell that cannot undo any of it.
 */
export function buildSandboxPrelude(limits: SandboxLimits, options: PreludeOptions): string {
  return [
    ...(options.secretsFd === undefined ? [] : [exportSecrets(options.secretsFd)]),
    closeInheritedFds(),
    setRlimits(limits, options),
    // After the rlimits, which bound the forwarder too.
    ...(options.agentProxy ? [startForwarderScript()] : []),
    mergeStderr(),
    'exec /bin/bash -c "$1" bash',
  ].join(" ");
}

// Through a pipe rather than bwrap's --setenv, whose argv any host process can read in /proc.
// Names were validated by sandbox-env.ts; values may hold anything but NUL, newlines included.
function exportSecrets(fd: number): string {
  return `while IFS= read -r -d '' entry; do export -- "$entry"; done <&${fd}; unset entry;`;
}

// Node marks its own descriptors close-on-exec, but whatever started the bot may have left
// some open (measured here: a pipe at fd 251), and bwrap passes them all on.
function closeInheritedFds(): string {
  return 'for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done;';
}

// Without -H or -S, `ulimit` sets the hard limit too, and raising a hard limit needs
// CAP_SYS_RESOURCE, which the sandbox drops. A failure means the inherited hard limit is
// already lower, which is stricter: keep it.
function setRlimits(limits: SandboxLimits, options: PreludeOptions): string {
  // bash counts -f in 1024-byte blocks and -v in KiB.
  const settings = [
    `-u ${limits.maxProcesses}`,
    `-f ${Math.max(1, Math.floor(limits.maxFileSizeBytes / 1024))}`,
    `-n ${limits.maxOpenFiles}`,
  ];
  if (options.limitVirtualMemory) settings.push(`-v ${Math.max(1, Math.floor(limits.maxVirtualMemoryBytes / 1024))}`);
  return settings.map((setting) => `ulimit ${setting} 2>/dev/null;`).join(" ");
}

// One pipe for both streams keeps them in the order they were written; two pipes are read in
// whatever order the event loop sees them. bwrap's own errors still arrive on stderr.
function mergeStderr(): string {
  return "exec 2>&1;";
}
