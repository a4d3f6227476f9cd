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
  /**
   * True when, after the command, the workspace holds more than `maxWorkspaceBytes` (or could
   * not be measured). The output ends with a line saying so; the caller should stop the task.
   */
  diskExceeded?: boolean;
}

export interface ReadOnlyMount {
  /** Absolute host path. */
  host: string;
  /** Absolute path inside the sandbox. */
  sandbox: string;
}

/** Resource limits for one command. Which of them the kernel enforces depends on the host: see limits.ts. */
export interface SandboxLimits {
  /** Processes and threads alive at once (pids cgroup; `ulimit -u` as a fallback). */
  maxProcesses: number;
  /** Largest file the command may write (`ulimit -f`). */
  maxFileSizeBytes: number;
  /** Address space of each process (`ulimit -v`); applied only where no memory cgroup is available. */
  maxVirtualMemoryBytes: number;
  /** Open file descriptors per process (`ulimit -n`). */
  maxOpenFiles: number;
  /** Resident memory of the whole sandbox (memory cgroup, when available). */
  maxMemoryBytes: number;
  /** Size of each tmpfs (/tmp and HOME); tmpfs pages are RAM, so this bounds memory too. */
  tmpfsSizeBytes: number;
  /**
   * Disk the workspace may use (allocated blocks, measured on the host while and after each command runs).
   * The workspace is a host directory, so only this bounds many files each under maxFileSizeBytes.
   */
  maxWorkspaceBytes: number;
}

/** An unprivileged host account to run bubblewrap as, instead of the bot's own (root) account. */
export interface HostUser {
  uid: number;
  gid: number;
}

export interface SandboxOptions {
  /** Host directory mounted read-write at /workspace (the only writable host path). */
  workspace: string;
  /** Extra host paths mounted read-only (e.g. the task's git directory at /workspace/.git). */
  readOnly?: ReadOnlyMount[];
  /**
   * Network access: true only for the setup phase. The sandbox then gets its own network
   * namespace with user-mode outbound networking (slirp4netns), never the host's: host
   * loopback, the host's own addresses, private and link-local ranges (cloud metadata) are
   * unreachable. Without slirp4netns every command fails; nothing falls back to the host network.
   */
  network: boolean;
  /**
   * The agent's allow-listed network (network: false only): the sandbox still has only lo, and
   * reaches the host's egress proxy (agent-network/egress-proxy.ts) through its Unix socket
   * `proxy.sock` in `directory`, mounted read-only, by way of a forwarder on 127.0.0.1 that the
   * proxy variables name. Without socat in /usr the command does not run.
   */
  agentNetwork?: { directory: string };
  /** Extra environment variables on top of the fixed allow-list; names that look like secrets are refused. */
  env?: Record<string, string>;
  /**
   * Credentials the setup phase needs (e.g. a private registry token), exported to the command
   * without the secret-name guard. Only allowed with `network: true`: the agent phase never gets
   * any. Handed to the sandbox through a pipe, so they appear in no host process's argv.
   */
  secrets?: Record<string, string>;
  /** Overrides of DEFAULT_SANDBOX_LIMITS. */
  limits?: Partial<SandboxLimits>;
  /**
   * Run bubblewrap as this host user. Recommended: the sandbox is then an unprivileged user
   * namespace, so host-root-only kernel interfaces stay closed and `ulimit -u` holds.
   * The workspace must be writable by this user (and files it creates are owned by it).
   */
  hostUser?: HostUser;
  /** Absolute path of bwrap; found on PATH when absent. */
  bwrapPath?: string;
  /** Absolute path of slirp4netns (network: true only); found on PATH when absent. */
  slirp4netnsPath?: string;
  /** Where the cgroup file system is mounted (v2, or v1's controllers); "/sys/fs/cgroup" when absent. */
  cgroupRoot?: string;
  /**
   * The cgroup sandboxes are made under (CODEX_CGROUP_PARENT), a path such as
   * /system.slice/codex-bot.service. Default: on v1 /codex-bot in each controller, on v2 the
   * bot's own cgroup (which must be delegated to it).
   */
  cgroupParent?: string;
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
