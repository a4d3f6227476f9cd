import { anchorFindings, type DiffFile, type InlineComment } from "../../src/review/index.js";
import { CASES, finding, githubFile } from "./anchor-cases.js";

describe("anchorFindings", () => {
  describe.each(CASES)("$name", ({ files, path, expect: rows }) => {
    test.each(rows)("lines %i-%i", (start, end, expected) => {
      const original = finding(path, start, end);
      const { inline, unanchored } = anchorFindings(files, [original]);
      if (expected === "unanchored") {
        expect(inline).toEqual([]);
        expect(unanchored).toEqual([original]);
        return;
      }
      expect(unanchored).toEqual([]);
      expect(inline).toHaveLength(1);
      const { body, ...where } = inline[0] as InlineComment;
      expect(where).toStrictEqual(expected.where);
      expect(body.includes("```suggestion\nfixed()\n```")).toBe(expected.suggestion === "kept");
    });
  });

  test("a moved comment says which lines it is about", () => {
    const [comment] = anchorFindings(githubFile("multi.txt", "modified", "multi-hunk.patch"), [finding("multi.txt", 10, 11)]).inline;
    expect(comment?.line).toBe(5);
    expect(comment?.body).toContain("About lines 10-11, just outside the diff.");
  });

  test("several findings: each goes to inline or unanchored, in order", () => {
    const files = [...githubFile("calc.py", "modified", "single-hunk.patch"), ...githubFile("feature.ts", "added", "added-file.patch")];
    const findings = [finding("calc.py", 6), finding("calc.py", 30), finding("feature.ts", 3), finding("gone.py", 1)];
    const { inline, unanchored } = anchorFindings(files, findings);
    expect(inline.map((c) => `${c.path}:${c.line}`)).toEqual(["calc.py:6", "feature.ts:3"]);
    expect(unanchored).toEqual([findings[1], findings[3]]);
  });

  test("every comment, for every range in every fixture, lies on RIGHT-side lines of a single hunk", () => {
    for (const { files, path } of CASES) {
      const rightLines = (file?: DiffFile) => (file?.hunks ?? []).map((h) => new Set(h.lines.flatMap((l) => (l.newLine === undefined ? [] : [l.newLine]))));
      for (let start = 1; start <= 40; start++) {
        for (let end = start; end <= 40; end++) {
          for (const comment of anchorFindings(files, [finding(path, start, end)]).inline) {
            const first = comment.start_line ?? comment.line;
            const lines = Array.from({ length: comment.line - first + 1 }, (_, i) => first + i);
            const hunks = rightLines(files.find((f) => f.path === comment.path));
            expect(hunks.some((set) => lines.every((line) => set.has(line)))).toBe(true);
            expect(comment.start_line === undefined || comment.start_line < comment.line).toBe(true);
          }
        }
      }
    }
  });
});
