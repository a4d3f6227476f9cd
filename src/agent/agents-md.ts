import { lstat, open, readdir } from "node:fs/promises";
import { constants } from "node:fs";
import { join, relative } from "node:path";

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
 * symlinks are never followed (a link to /etc/shadow must not reach the model), and files are
 * opened with O_NOFOLLOW.
 */
export async function collectAgentsMd(root: string): Promise<InstructionFile[]> {
  const found: InstructionFile[] = [];
  let total = 0;
  let level = [root];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0 && found.length < AGENTS_MD_MAX_FILES; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) next.push(join(dir, entry.name));
        if (!entry.isFile() || entry.name !== "AGENTS.md" || found.length >= AGENTS_MD_MAX_FILES) continue;
        const budget = Math.min(AGENTS_MD_MAX_BYTES_PER_FILE, AGENTS_MD_MAX_TOTAL_BYTES - total);
        if (budget <= 0) return found;
        const file = await readCapped(join(dir, entry.name), budget);
        if (!file) continue;
        total += Buffer.byteLength(file.text);
        found.push({ path: relative(root, join(dir, entry.name)), ...file });
      }
    }
    level = next;
  }
  return found;
}

async function readCapped(path: string, limit: number): Promise<{ text: string; truncated: boolean } | null> {
  const info = await lstat(path);
  if (!info.isFile()) return null;
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buffer = Buffer.alloc(limit);
    const { bytesRead } = await handle.read(buffer, 0, limit, 0);
    return { text: buffer.subarray(0, bytesRead).toString("utf8"), truncated: info.size > bytesRead };
  } finally {
    await handle.close();
  }
}
