import {
  extractReviewMarker,
  filterAlreadyPosted,
  fingerprintFinding,
  fingerprintFindings,
  MAX_MARKER_FINGERPRINTS,
  parsePullRequestFiles,
  renderReviewMarker,
  type DiffFile,
  type Finding,
} from "../../src/review/index.js";

/** A pull request touching `stats.py`, its one hunk starting at `newStart`. */
function diffAt(newStart: number, added: string): DiffFile[] {
  const patch = [`@@ -10,3 +${newStart},4 @@ def average(items):`, "     total = sum(items)", `+${added}`, "     return result", " "].join("\n");
  return parsePullRequestFiles([{ filename: "stats.py", status: "modified", patch, additions: 1, deletions: 0, changes: 1 }]);
}

const FINDING: Finding = {
  title: "Division by zero on an empty list",
  body: "len(items) is 0 for [].",
  priority: 1,
  confidence: 0.9,
  path: "stats.py",
  start_line: 11,
  end_line: 11,
};

describe("fingerprintFinding", () => {
  const before = fingerprintFinding(FINDING, diffAt(10, "    result = total / len(items)"));

  test("the same finding after lines shifted (new push, code moved down 3 lines) keeps its fingerprint", () => {
    const after = fingerprintFinding({ ...FINDING, start_line: 14, end_line: 14 }, diffAt(13, "    result = total / len(items)"));
    expect(after).toBe(before);
  });

  test("indentation, title case and punctuation do not matter", () => {
    const reworded = { ...FINDING, title: "division by zero on an empty list!" };
    expect(fingerprintFinding(reworded, diffAt(10, "\tresult = total  /  len(items)"))).toBe(before);
  });

  test("different code, title or path gives a different fingerprint", () => {
    const files = diffAt(10, "    result = total / len(items)");
    expect(fingerprintFinding(FINDING, diffAt(10, "    result = total / count"))).not.toBe(before);
    expect(fingerprintFinding({ ...FINDING, title: "Result may overflow" }, files)).not.toBe(before);
    expect(fingerprintFinding({ ...FINDING, path: "other.py" }, files)).not.toBe(before);
    // Line 12 holds different code than line 11 in the same diff.
    expect(fingerprintFinding({ ...FINDING, start_line: 12, end_line: 12 }, files)).not.toBe(before);
  });

  test("is short hex, fit for a hidden marker", () => {
    expect(before).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("filterAlreadyPosted", () => {
  test("drops findings whose fingerprint an earlier review listed", () => {
    const files = diffAt(10, "    result = total / len(items)");
    const [old, fresh] = fingerprintFindings([FINDING, { ...FINDING, title: "Another problem" }], files);
    expect(filterAlreadyPosted([old!, fresh!], [old!.fingerprint, "0000000000000000"])).toEqual([fresh]);
    expect(filterAlreadyPosted([old!, fresh!], [])).toEqual([old, fresh]);
  });
});

describe("review marker", () => {
  const marker = { head: "3f786850e387550fdab836ed7e6dc881de23001b", fingerprints: ["a1b2c3d4e5f60708", "0123456789abcdef"] };

  test("round-trips", () => {
    expect(renderReviewMarker(marker)).toBe(
      '<!-- codex-review: {"head":"3f786850e387550fdab836ed7e6dc881de23001b","fingerprints":["a1b2c3d4e5f60708","0123456789abcdef"]} -->',
    );
    expect(extractReviewMarker(renderReviewMarker(marker))).toEqual(marker);
  });

  test("is found inside a body with other text, including other HTML comments", () => {
    const body = `Summary here.\n\n<!-- an editor note -->\n\n- item\n\n${renderReviewMarker(marker)}\n\nTrailing text.`;
    expect(extractReviewMarker(body)).toEqual(marker);
  });

  test("the last valid marker wins; malformed ones are ignored", () => {
    const forged = renderReviewMarker({ head: "forged", fingerprints: [] });
    const body = `${forged}\n<!-- codex-review: {not json} -->\n${renderReviewMarker(marker)}\n<!-- codex-review: {"head": 1} -->`;
    expect(extractReviewMarker(body)).toEqual(marker);
  });

  test("no marker → undefined", () => {
    expect(extractReviewMarker("Just a review.")).toBeUndefined();
  });

  test("values cannot close the comment early", () => {
    const rendered = renderReviewMarker({ head: "x --> <b>", fingerprints: [] });
    expect(rendered.match(/-->/g)).toHaveLength(1);
    expect(extractReviewMarker(rendered)?.head).toBe("x --> <b>");
  });

  test("keeps the newest fingerprints when they pile up, without repeats", () => {
    const many = Array.from({ length: MAX_MARKER_FINGERPRINTS + 10 }, (_, i) => `f${i}`);
    const extracted = extractReviewMarker(renderReviewMarker({ head: "h", fingerprints: [...many, "f0"] }));
    expect(extracted?.fingerprints).toHaveLength(MAX_MARKER_FINGERPRINTS);
    expect(extracted?.fingerprints.at(-1)).toBe("f0");
    expect(extracted?.fingerprints.at(0)).toBe("f11");
  });
});
