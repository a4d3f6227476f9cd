/** What every sandboxed command returns. Running a command never throws: failure is data. */
export interface ExecResult {
  exitCode: number;
  /** Combined stdout+stderr in arrival order, capped (head and tail kept, middle dropped). */
  output: string;
  timedOut: boolean;
  /** True when output exceeded the cap and bytes were dropped. */
  truncated: boolean;
  /** Bytes of output the command produced in total (including dropped ones). */
  totalBytes: number;
  durationMs: number;
}

export interface ReadOnlyMount {
  /** Absolute host path. */
  host: string;
  /** Absolute path inside the sandbox. */
  sandbox: string;
}

export interface SandboxOptions {
  /** Host directory mounted read-write at /workspace (the only writable host path). */
  workspace: string;
  /** Extra host paths mounted read-only (e.g. the task's git directory at /workspace/.git). */
  readOnly?: ReadOnlyMount[];
  /** Network access: true only for the setup phase. */
  network: boolean;
  /** Extra environment variables on top of the fixed allow-list. */
  env?: Record<string, string>;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Cap on output kept in memory, in bytes. */
  outputLimitBytes?: number;
}

export interface Sandbox {
  /** Runs `command` with bash -c inside the sandbox, cwd /workspace. Never throws. */
  run(command: string, options?: RunOptions): Promise<ExecResult>;
}
