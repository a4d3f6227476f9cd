import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { findHostTool } from "./find-bwrap.js";

/** How often a running command's workspace is measured. */
export const WORKSPACE_CHECK_INTERVAL_MS = 2_000;
const MEASURE_TIMEOUT_MS = 60_000;

/**
 * Why the workspace is over `maxBytes`, in words for the model and the task log, or undefined
 * when it is within. Measures allocated blocks with `du`, which follows no symlink and stays on
 * one file system. Fails closed: a workspace that cannot be measured (du missing, too slow,
 * directories it cannot read) counts as over. Never throws.
 */
export async function checkWorkspaceUsage(workspace: string, maxBytes: number): Promise<string | undefined> {
  const du = findHostTool("du");
  if (du === undefined) return "[sandbox] The workspace's disk use cannot be measured: `du` (Debian package coreutils) is missing.";
  const result = await execa(du, ["-s", "-x", "-B1", "--", workspace], {
    reject: false,
    env: {},
    extendEnv: false,
    cwd: "/",
    timeout: MEASURE_TIMEOUT_MS,
    maxBuffer: 64_000,
  });
  const bytes = Number(/^(\d+)\s/.exec(result.stdout)?.[1]);
  if (result.exitCode !== 0 || !Number.isSafeInteger(bytes)) {
    const reason = result.timedOut ? `it took over ${MEASURE_TIMEOUT_MS / 1000}s` : result.stderr.trim() || result.message;
    return `[sandbox] The workspace's disk use could not be measured (${reason}); stopping as if it were over the cap.`;
  }
  if (bytes <= maxBytes) return undefined;
  return `[sandbox] The workspace uses ${formatBytes(bytes)} of disk, over the sandbox's cap of ${formatBytes(maxBytes)} (maxWorkspaceBytes); the task must stop.`;
}

export interface WorkspaceWatch {
  /** Ends the watch and measures once more; resolves to why the workspace is over its cap, if it is. */
  stop(): Promise<string | undefined>;
}

/**
 * Measures the workspace every WORKSPACE_CHECK_INTERVAL_MS while a command runs and calls
 * `onExceeded` once when it is over `maxBytes`, so that a command writing many files each
 * under the file-size limit is stopped within seconds rather than when the disk is full.
 */
export function watchWorkspaceUsage(workspace: string, maxBytes: number, onExceeded: () => void): WorkspaceWatch {
  const stopped = new AbortController();
  let problem: string | undefined;
  const loop = (async () => {
    while (problem === undefined) {
      const ticked = await sleep(WORKSPACE_CHECK_INTERVAL_MS, true, { signal: stopped.signal }).catch(() => false);
      if (!ticked) return;
      problem = await checkWorkspaceUsage(workspace, maxBytes);
    }
    onExceeded();
  })();
  return {
    stop: async () => {
      stopped.abort();
      await loop;
      return problem ?? (await checkWorkspaceUsage(workspace, maxBytes));
    },
  };
}

function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
