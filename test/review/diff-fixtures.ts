import { readFileSync } from "node:fs";
import path from "node:path";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/diffs");

/**
 * A diff fixture, byte for byte. The per-file fixtures are real `git diff` hunks, i.e. the
 * `patch` string GitHub's "list pull request files" API returns; `git-diff*.patch` are whole
 * `git diff` outputs. `trimEnd` mimics GitHub, whose patch strings have no final newline.
 */
export function readDiffFixture(name: string, options: { trimEnd?: boolean } = {}): string {
  const text = readFileSync(path.join(FIXTURES, name), "utf8");
  return options.trimEnd ? text.replace(/\n$/, "") : text;
}
