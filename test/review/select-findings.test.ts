import { selectFindings, type Finding } from "../../src/review/index.js";

let counter = 0;
function finding(overrides: Partial<Finding>): Finding {
  counter++;
  return { title: `Problem ${counter}`, body: "Why.", priority: 1, confidence: 0.9, path: `file${counter}.ts`, start_line: 10, end_line: 10, ...overrides };
}

describe("selectFindings", () => {
  test("P0 and P1 at confidence 0.5 or more go inline; the rest are low priority", () => {
    const p0 = finding({ priority: 0 });
    const p1 = finding({ priority: 1, confidence: 0.5 });
    const p2 = finding({ priority: 2 });
    const p3 = finding({ priority: 3 });
    const unsure = finding({ priority: 0, confidence: 0.49 });
    const result = selectFindings([p3, p2, unsure, p1, p0]);
    expect(result.inline).toEqual([p0, p1]);
    expect(result.lowPriority).toEqual([unsure, p2, p3]);
    expect(result.overflow).toEqual([]);
  });

  test("minPriority and minConfidence are options", () => {
    const p2 = finding({ priority: 2, confidence: 0.3 });
    expect(selectFindings([p2], { minPriority: 2, minConfidence: 0.2 }).inline).toEqual([p2]);
    expect(selectFindings([p2], { minPriority: 2 }).inline).toEqual([]);
  });

  test("capped at 5 by default, ordered by priority then confidence; the rest overflow to the body", () => {
    const findings = [
      finding({ priority: 1, confidence: 0.6 }),
      finding({ priority: 1, confidence: 0.95 }),
      finding({ priority: 0, confidence: 0.7 }),
      finding({ priority: 1, confidence: 0.8 }),
      finding({ priority: 0, confidence: 0.9 }),
      finding({ priority: 1, confidence: 0.7 }),
      finding({ priority: 1, confidence: 0.65 }),
    ];
    const result = selectFindings(findings);
    expect(result.inline.map((f) => [f.priority, f.confidence])).toEqual([
      [0, 0.9],
      [0, 0.7],
      [1, 0.95],
      [1, 0.8],
      [1, 0.7],
    ]);
    expect(result.overflow.map((f) => f.confidence)).toEqual([0.65, 0.6]);
    expect(selectFindings(findings, { maxComments: 2 }).overflow).toHaveLength(5);
  });

  test("duplicates (same file, overlapping lines, similar title) merge into the highest priority", () => {
    const minor = finding({ path: "a.ts", start_line: 10, end_line: 14, title: "Missing null check on user", priority: 2 });
    const major = finding({ path: "a.ts", start_line: 12, end_line: 12, title: "Missing null checks for user", priority: 0 });
    const result = selectFindings([minor, major]);
    expect(result.inline).toEqual([major]);
    expect(result.merged).toEqual([minor]);
    expect(result.lowPriority).toEqual([]);
  });

  test("not duplicates: other lines, other file, or a different problem on the same lines", () => {
    const base = { path: "a.ts", start_line: 10, end_line: 12, title: "Missing null check on user" };
    const findings = [
      finding(base),
      finding({ ...base, start_line: 13, end_line: 15 }),
      finding({ ...base, path: "b.ts" }),
      finding({ ...base, title: "SQL query built by string concatenation" }),
    ];
    expect(selectFindings(findings).merged).toEqual([]);
  });

  test("input order does not decide which duplicate survives", () => {
    const a = finding({ path: "x.ts", title: "Race on cache write", confidence: 0.6 });
    const b = finding({ path: "x.ts", title: "Race on cache writes", confidence: 0.9 });
    expect(selectFindings([a, b]).inline).toEqual([b]);
    expect(selectFindings([b, a]).inline).toEqual([b]);
  });
});
