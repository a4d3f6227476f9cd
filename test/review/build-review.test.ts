import {
  buildReview,
  extractReviewMarker,
  filterFiles,
  fingerprintFinding,
  parseReviewOutput,
  type Finding,
  type ReviewOutput,
} from "../../src/review/index.js";
import { parseGitDiff } from "../helpers/parse-git-diff.js";
import { readDiffFixture } from "./diff-fixtures.js";

const files = parseGitDiff(readDiffFixture("git-diff.patch"));
const HEAD = "9fceb02d0ae598e95dc970b74767f19372d61af8";

function finding(overrides: Partial<Finding>): Finding {
  return { title: "Problem", body: "Why it matters.", priority: 1, confidence: 0.9, path: "calc.py", start_line: 6, end_line: 7, ...overrides };
}

describe("buildReview", () => {
  const inlineP0 = finding({ title: "Result shadows builtin", priority: 0, suggestion: "    diff = a - b\n    return diff" });
  const farAway = finding({ title: "mul ignores overflow", path: "multi.txt", start_line: 18, end_line: 18 });
  const nit = finding({ title: "Prefer f-strings", priority: 3, path: "feature.ts", start_line: 3, end_line: 3 });
  const duplicate = finding({ title: "result shadows builtins", priority: 2, start_line: 7, end_line: 7 });
  const output: ReviewOutput = { summary: "Refactors `sub` and adds `feature`.", findings: [nit, farAway, duplicate, inlineP0] };

  test("one COMMENT review at the head commit: inline comments on exact lines, the rest in the body", () => {
    const { skipped } = filterFiles(files);
    const review = buildReview({ files, output, headSha: HEAD, skipped });
    expect(review.commit_id).toBe(HEAD);
    expect(review.event).toBe("COMMENT");
    expect(review.comments.map(({ body, ...where }) => where)).toStrictEqual([{ path: "calc.py", line: 7, side: "RIGHT", start_line: 6, start_side: "RIGHT" }]);
    expect(review.comments[0]?.body).toContain("```suggestion\n    diff = a - b\n    return diff\n```");
    expect(review.body).toContain("**Also noticed**\n\n- ![P1 Badge](https://img.shields.io/badge/P1-orange?style=flat) **mul ignores overflow** (`multi.txt:18`)");
    expect(review.body).toContain("- P3 `feature.ts:3`: Prefer f-strings");
    expect(review.body).toContain("- `logo.png`: binary file");
    expect(review.body).not.toContain("shadows builtins"); // merged into the P0
    expect(review.newFindings).toBe(4);
  });

  test("the marker lists what this review reported; the next push does not repeat it", () => {
    const first = buildReview({ files, output, headSha: HEAD });
    const marker = extractReviewMarker(first.body);
    expect(marker?.head).toBe(HEAD);
    expect(marker?.fingerprints).toHaveLength(4);
    expect(marker?.fingerprints).toContain(fingerprintFinding(inlineP0, files));

    const second = buildReview({ files, output, headSha: "next", postedFingerprints: marker?.fingerprints ?? [] });
    expect(second.comments).toEqual([]);
    expect(second.newFindings).toBe(0);
    expect(second.body).toContain("No new major issues found (4 findings from earlier reviews not repeated).");
    expect(extractReviewMarker(second.body)?.fingerprints).toEqual(marker?.fingerprints);
  });

  test("over the cap, important findings go to the body", () => {
    const many = Array.from({ length: 3 }, (_, i) => finding({ title: `Distinct problem ${["alpha", "beta", "gamma"][i]}`, path: "feature.ts", start_line: i + 1, end_line: i + 1 }));
    const review = buildReview({ files, output: { summary: "s", findings: many }, headSha: HEAD, select: { maxComments: 2 } });
    expect(review.comments.map((c) => c.line)).toEqual([1, 2]);
    expect(review.body).toContain("(`feature.ts:3`)");
  });

  test("from the model's raw reply to the review", () => {
    const reply = parseReviewOutput('Here you go:\n```json\n{"summary": "ok", "findings": [{"title": "Bad", "body": "b", "priority": "P0", "confidence": 0.9, "path": "feature.ts", "start_line": 2, "end_line": 4, "suggestion": null}]}\n```');
    if (!reply.ok) throw new Error(reply.error);
    const review = buildReview({ files, output: reply.output, headSha: HEAD, partial: "stopped after the time budget" });
    expect(review.comments.map(({ body, ...where }) => where)).toStrictEqual([{ path: "feature.ts", line: 4, side: "RIGHT", start_line: 2, start_side: "RIGHT" }]);
    expect(review.body).toContain("This review is partial: stopped after the time budget");
  });
});
