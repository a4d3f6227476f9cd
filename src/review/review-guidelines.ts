/** Headings under which AGENTS.md files keep rules for reviewers. */
const GUIDELINE_HEADING = /^(#{1,6})\s+(review guidelines|code review rules)\s*$/i;

/** The text of the review-guideline section of an AGENTS.md, or null when it has none. */
export function extractReviewGuidelines(markdown: string): string | null {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const start = lines.findIndex((l) => GUIDELINE_HEADING.test(l.trim()));
  if (start < 0) return null;
  const level = GUIDELINE_HEADING.exec(lines[start]!.trim())![1]!.length;
  const end = lines.findIndex((l, i) => i > start && /^(#{1,6})\s/.test(l) && /^(#+)/.exec(l)![1]!.length <= level);
  const body = lines.slice(start + 1, end < 0 ? undefined : end).join("\n").trim();
  return body || null;
}

export interface ScopedGuidelines {
  /** Directory the AGENTS.md sits in ("" for the root). */
  dir: string;
  text: string;
}

/**
 * For each changed file, the guidelines of the closest AGENTS.md above it: the nested file wins
 * over the root one, as in the AGENTS.md convention. Returns each distinct set once with the
 * files it applies to.
 */
export function guidelinesForFiles(all: readonly ScopedGuidelines[], files: readonly string[]): { dir: string; text: string; files: string[] }[] {
  const byDir = new Map<string, { dir: string; text: string; files: string[] }>();
  for (const file of files) {
    const closest = all
      .filter((g) => g.dir === "" || file.startsWith(`${g.dir}/`))
      .sort((a, b) => b.dir.length - a.dir.length)[0];
    if (!closest) continue;
    const entry = byDir.get(closest.dir) ?? { ...closest, files: [] };
    entry.files.push(file);
    byDir.set(closest.dir, entry);
  }
  return [...byDir.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}
