import { extractReviewGuidelines, groupFilesForReview, guidelinesForFiles } from "../../src/review/index.js";
import { parseGitDiff } from "../helpers/parse-git-diff.js";

describe("review guidelines from AGENTS.md", () => {
  test("the section under either heading, up to the next heading of the same level", () => {
    const md = "# Project\n\nIntro.\n\n## Review guidelines\n\n- No SQL by string concatenation.\n\n### Details\nStill in.\n\n## Build\nnpm run build\n";
    expect(extractReviewGuidelines(md)).toBe("- No SQL by string concatenation.\n\n### Details\nStill in.");
    expect(extractReviewGuidelines("## Code Review Rules\r\nKeep it small.\r\n")).toBe("Keep it small.");
    expect(extractReviewGuidelines("# Only other things\n")).toBeNull();
  });

  test("the closest AGENTS.md to a changed file wins", () => {
    const all = [{ dir: "", text: "root" }, { dir: "pkg", text: "pkg" }, { dir: "pkg/deep", text: "deep" }];
    expect(guidelinesForFiles(all, ["a.ts", "pkg/b.ts", "pkg/deep/c.ts", "pkgx/d.ts"])).toEqual([
      { dir: "", text: "root", files: ["a.ts", "pkgx/d.ts"] },
      { dir: "pkg", text: "pkg", files: ["pkg/b.ts"] },
      { dir: "pkg/deep", text: "deep", files: ["pkg/deep/c.ts"] },
    ]);
  });
});

describe("splitting a large pull request for the model", () => {
  const diff = (n: number, lines: number) =>
    Array.from({ length: n }, (_, i) => `diff --git a/f${i}.ts b/f${i}.ts\n--- a/f${i}.ts\n+++ b/f${i}.ts\n@@ -1,1 +1,${lines} @@\n${Array.from({ length: lines }, (_, j) => `+line ${j} of file ${i}`).join("\n")}\n`).join("");

  test("files are packed into groups under the budget; what does not fit is named", () => {
    const files = parseGitDiff(diff(10, 50));
    const { groups, leftOut } = groupFilesForReview(files, 3000, 2);
    expect(groups.length).toBe(2);
    for (const group of groups) expect(group.length).toBeGreaterThan(0);
    expect(groups.flat().length + leftOut.length).toBe(10);
    expect(leftOut.length).toBeGreaterThan(0);
  });

  test("a single file over the budget is left out rather than cut", () => {
    const files = parseGitDiff(diff(1, 500));
    expect(groupFilesForReview(files, 1000, 4)).toEqual({ groups: [], leftOut: files });
  });
});
