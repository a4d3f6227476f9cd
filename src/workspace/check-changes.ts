import { runHostGitBytes, type GitDirs } from "./host-git.js";
import type { StagedChange } from "./task-workspace.js";

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const GITLINK_MODE = "160000";

export interface ChangePolicy {
  allowWorkflowChanges: boolean;
  maxFileBytes: number;
  /** Values that must never leave: the installation token, configured keys. */
  secrets: string[];
}

/**
 * What leaves the sandbox is checked before anything is pushed. Returns the reasons to refuse
 * (empty when the change may go out). Reads the staged objects, not the work tree: they are
 * exactly what the push sends, and reading them follows no link the agent made.
 */
export async function checkOutgoingChanges(ws: GitDirs, changes: StagedChange[], policy: ChangePolicy): Promise<string[]> {
  const problems: string[] = [];
  const secrets = policy.secrets.filter((s) => s.length >= 8).flatMap(encodedForms);
  for (const change of changes) {
    if (!policy.allowWorkflowChanges && change.path.startsWith(".github/workflows/")) {
      problems.push(`\`${change.path}\` is a GitHub Actions workflow; changing workflows is not allowed for this repository`);
    }
    if (change.status === "D") continue;
    if (change.mode === GITLINK_MODE) {
      // A gitlink only appears when a nested repository was in the work tree; no task asks the
      // agent to move a submodule, and a pushed gitlink would be a repository for the next task.
      problems.push(`\`${change.path}\` adds or changes a submodule (gitlink); codex-bot does not push submodule changes`);
      continue;
    }
    if (!change.object) throw new Error(`no staged object for \`${change.path}\``);
    const size = Number(await catFile(ws, ["-s", change.object]));
    if (size > policy.maxFileBytes) {
      problems.push(`\`${change.path}\` is ${size} bytes, over the ${policy.maxFileBytes}-byte limit for one file`);
      continue;
    }
    // A symlink's object is its target, so a secret in a link target is caught too.
    if (secrets.length > 0 && containsAny(await catFile(ws, ["-p", change.object]), secrets)) problems.push(`\`${change.path}\` contains a secret value`);
  }
  return problems;
}

// The git directory alone: reading objects needs no work tree.
const catFile = (ws: GitDirs, args: string[]) => runHostGitBytes({ gitDir: ws.gitDir }, ["cat-file", ...args]);

function containsAny(bytes: Buffer, needles: Buffer[]): boolean {
  return needles.some((needle) => bytes.includes(needle));
}

/**
 * A secret as bytes in the encodings a file could carry it in without it being readable as
 * ASCII: UTF-16 either way round, and base64 at each of the three alignments a secret can
 * start at inside a longer encoded string (the characters that do not depend on neighbours).
 */
export function encodedForms(secret: string): Buffer[] {
  const raw = Buffer.from(secret, "utf8");
  const swapped = Buffer.from(secret, "utf16le").swap16();
  const base64 = [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), raw]).toString("base64");
    const start = offset === 0 ? 0 : offset + 1;
    const end = encoded.length - (encoded.endsWith("==") ? 3 : encoded.endsWith("=") ? 2 : 0);
    return Buffer.from(encoded.slice(start, end));
  });
  return [raw, Buffer.from(secret, "utf16le"), swapped, ...base64];
}
