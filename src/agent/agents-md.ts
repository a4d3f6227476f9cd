import { PatchApplyError } from "./patch/errors.js";
import { toWorkspacePath, type WorkspacePath } from "./patch/workspace-path.js";
import type { WorkspaceFiles } from "./workspace-files.js";

/** Caps on what repository instruction files may add to the prompt. */
export const AGENTS_MD_MAX_FILES = 20;
export const AGENTS_MD_MAX_BYTES_PER_FILE = 16_384;
export const AGENTS_MD_MAX_TOTAL_BYTES = 65_536;
const SKIPPED_DIRS = new Set([".git", "node_modules", "vendor", "dist", "build", "target", ".venv"]);
const MAX_DEPTH = 8;

export interface InstructionFile {
  path: string;
  text: string;
  truncated: boolean;
}

/**
 * Collects AGENTS.md files, root first, nested after, breadth-first. The workspace is hostile:
 * `files` (the host's) follows no link, so a link to /etc/shadow never reaches the model.
 */
export async function collectAgentsMd(files: WorkspaceFiles): Promise<InstructionFile[]> {
  const found: InstructionFile[] = [];
  let total = 0;
  let level: (WorkspacePath | undefined)[] = [undefined];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0 && found.length < AGENTS_MD_MAX_FILES; depth++) {
    const next: WorkspacePath[] = [];
    for (const dir of level) {
      for (const entry of await files.list(dir)) {
        const path = childPath(dir, entry.name);
        if (!path) continue;
        if (entry.kind === "directory" && !SKIPPED_DIRS.has(entry.name)) next.push(path);
        if (entry.kind !== "file" || entry.name !== "AGENTS.md" || found.length >= AGENTS_MD_MAX_FILES) continue;
        const budget = Math.min(AGENTS_MD_MAX_BYTES_PER_FILE, AGENTS_MD_MAX_TOTAL_BYTES - total);
        if (budget <= 0) return found;
        const file = await files.readHead(path, budget);
        if (!file) continue;
        total += Buffer.byteLength(file.text);
        found.push({ path, ...file });
      }
    }
    level = next;
  }
  return found;
}

/** A name the path check refuses (a backslash, `.GIT`) is skipped with everything below it. */
function childPath(dir: WorkspacePath | undefined, name: string): WorkspacePath | undefined {
  try {
    return toWorkspacePath(dir === undefined ? name : `${dir}/${name}`);
  } catch (error) {
    if (error instanceof PatchApplyError) return undefined;
    throw error;
  }
}
