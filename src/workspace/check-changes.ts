import { constants } from "node:fs";
import { lstat, open, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { StagedChange } from "./task-workspace.js";

export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface ChangePolicy {
  allowWorkflowChanges: boolean;
  maxFileBytes: number;
  /** Values that must never leave: the installation token, configured keys. */
  secrets: string[];
}

/**
 * What leaves the sandbox is checked before anything is pushed. Returns the reasons to refuse
 * (empty when the change may go out). Reads the work tree without following symlinks.
 */
export async function checkOutgoingChanges(workTree: string, changes: StagedChange[], policy: ChangePolicy): Promise<string[]> {
  const problems: string[] = [];
  const secrets = policy.secrets.filter((s) => s.length >= 8);
  for (const change of changes) {
    if (!policy.allowWorkflowChanges && change.path.startsWith(".github/workflows/")) {
      problems.push(`\`${change.path}\` is a GitHub Actions workflow; changing workflows is not allowed for this repository`);
    }
    if (change.status === "D") continue;
    const path = join(workTree, change.path);
    const info = await lstat(path);
    if (info.isSymbolicLink()) {
      const target = await readlink(path);
      if (secrets.some((s) => target.includes(s))) problems.push(`\`${change.path}\` contains a secret value`);
      continue;
    }
    if (info.size > policy.maxFileBytes) {
      problems.push(`\`${change.path}\` is ${info.size} bytes, over the ${policy.maxFileBytes}-byte limit for one file`);
      continue;
    }
    if (secrets.length > 0 && (await fileContainsAny(path, secrets))) problems.push(`\`${change.path}\` contains a secret value`);
  }
  return problems;
}

async function fileContainsAny(path: string, needles: string[]): Promise<boolean> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const text = (await handle.readFile()).toString("latin1");
    return needles.some((n) => text.includes(n));
  } finally {
    await handle.close();
  }
}
