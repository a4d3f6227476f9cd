import { parseFilePatch, type DiffFile } from "../../src/review/index.js";
import { readDiffFixture } from "../review/diff-fixtures.js";
import { parseGitDiff } from "./parse-git-diff.js";

describe("parseGitDiff", () => {
  const summary = (files: DiffFile[]) =>
    files.map(({ hunks, ...rest }) => ({ ...rest, hunks: hunks.map((h) => `${h.oldStart},${h.oldLines} ${h.newStart},${h.newLines}`) }));

  test("renames, added, deleted and binary files from a real git diff", () => {
    expect(summary(parseGitDiff(readDiffFixture("git-diff.patch")))).toEqual([
      { path: "calc.py", status: "modified", patchStatus: "complete", additions: 2, deletions: 1, hunks: ["3,7 3,8"] },
      { path: "cleanup.js", status: "modified", patchStatus: "complete", additions: 0, deletions: 2, hunks: ["2,8 2,6"] },
      { path: "crlf.txt", status: "modified", patchStatus: "complete", additions: 2, deletions: 1, hunks: ["1,4 1,5"] },
      { path: "docs/pure_new.md", previousPath: "pure_old.md", status: "renamed", patchStatus: "complete", additions: 0, deletions: 0, hunks: [] },
      { path: "feature.ts", status: "added", patchStatus: "complete", additions: 6, deletions: 0, hunks: ["0,0 1,6"] },
      { path: "logo.png", status: "modified", patchStatus: "binary", additions: 0, deletions: 0, hunks: [] },
      { path: "multi.txt", status: "modified", patchStatus: "complete", additions: 2, deletions: 1, hunks: ["2,7 2,7", "28,6 28,7"] },
      { path: "new_name.rb", previousPath: "old_name.rb", status: "renamed", patchStatus: "complete", additions: 1, deletions: 1, hunks: ["4,6 4,6"] },
      { path: "nonl.txt", status: "modified", patchStatus: "complete", additions: 3, deletions: 2, hunks: ["1,3 1,4"] },
      { path: "obsolete.go", status: "removed", patchStatus: "complete", additions: 0, deletions: 6, hunks: ["1,6 0,0"] },
    ]);
  });

  test("hunks from a whole git diff equal GitHub's per-file patch of the same change", () => {
    const files = parseGitDiff(readDiffFixture("git-diff.patch"));
    expect(files.find((f) => f.path === "new_name.rb")?.hunks).toEqual(parseFilePatch(readDiffFixture("rename-with-edits.patch")));
    expect(files.find((f) => f.path === "crlf.txt")?.hunks).toEqual(parseFilePatch(readDiffFixture("crlf.patch")));
  });

  test("paths with spaces (tab-terminated) and C-quoted paths (non-ASCII, tabs)", () => {
    expect(parseGitDiff(readDiffFixture("git-diff-quoted-paths.patch")).map((f) => [f.path, f.additions])).toEqual([
      ["my file.txt", 1],
      ["naïve.txt", 1],
      ["tab\there.txt", 1],
    ]);
  });

  test("a binary file with spaces in its name (no ---/+++ lines) takes its path from the diff --git line", () => {
    const [file] = parseGitDiff("diff --git a/my logo.png b/my logo.png\nindex 1..2 100644\nBinary files a/my logo.png and b/my logo.png differ\n");
    expect(file).toMatchObject({ path: "my logo.png", patchStatus: "binary" });
  });

  test("a pure rename with quoted paths", () => {
    const [file] = parseGitDiff('diff --git "a/old\\tname" "b/new name\\303\\251"\nsimilarity index 100%\nrename from "old\\tname"\nrename to "new name\\303\\251"\n');
    expect(file).toMatchObject({ path: "new nameé", previousPath: "old\tname", status: "renamed", hunks: [] });
  });

  test("combined diffs of merges (diff --cc) are skipped without disturbing their neighbours", () => {
    const text = [
      "diff --git a/a.txt b/a.txt", "--- a/a.txt", "+++ b/a.txt", "@@ -1 +1 @@", "-x", "+y",
      "diff --cc b.txt", "index 1,2..3", "--- a/b.txt", "+++ b/b.txt", "@@@ -1,1 -1,1 +1,1 @@@", "- x", " -y", "++z",
      "diff --git a/c.txt b/c.txt", "--- a/c.txt", "+++ b/c.txt", "@@ -1 +1 @@", "-p", "+q",
    ].join("\n");
    expect(parseGitDiff(text).map((f) => [f.path, f.additions, f.deletions])).toEqual([
      ["a.txt", 1, 1],
      ["c.txt", 1, 1],
    ]);
  });

  test("text without 'diff --git' has no files", () => {
    expect(parseGitDiff("")).toEqual([]);
  });
});
