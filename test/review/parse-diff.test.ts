import { parseFilePatch, parsePullRequestFiles } from "../../src/review/index.js";
import { readDiffFixture } from "./diff-fixtures.js";

describe("parseFilePatch", () => {
  test("single hunk: header counts, section heading and both line numbers of every line", () => {
    expect(parseFilePatch(readDiffFixture("single-hunk.patch"))).toEqual([
      {
        oldStart: 3,
        oldLines: 7,
        newStart: 3,
        newLines: 8,
        section: "def add(a, b):",
        lines: [
          { kind: "context", text: "", oldLine: 3, newLine: 3 },
          { kind: "context", text: "", oldLine: 4, newLine: 4 },
          { kind: "context", text: "def sub(a, b):", oldLine: 5, newLine: 5 },
          { kind: "delete", text: "    return a - b", oldLine: 6 },
          { kind: "add", text: "    result = a - b", newLine: 6 },
          { kind: "add", text: "    return result", newLine: 7 },
          { kind: "context", text: "", oldLine: 7, newLine: 8 },
          { kind: "context", text: "", oldLine: 8, newLine: 9 },
          { kind: "context", text: "def mul(a, b):", oldLine: 9, newLine: 10 },
        ],
      },
    ]);
  });

  test("GitHub's patch strings lack a final newline; the result is the same", () => {
    expect(parseFilePatch(readDiffFixture("multi-hunk.patch", { trimEnd: true }))).toEqual(parseFilePatch(readDiffFixture("multi-hunk.patch")));
  });

  test("multiple hunks keep their own numbering", () => {
    const hunks = parseFilePatch(readDiffFixture("multi-hunk.patch"));
    expect(hunks.map(({ oldStart, oldLines, newStart, newLines }) => [oldStart, oldLines, newStart, newLines])).toEqual([
      [2, 7, 2, 7],
      [28, 6, 28, 7],
    ]);
    const added = hunks.flatMap((h) => h.lines).filter((l) => l.kind === "add");
    expect(added).toEqual([
      { kind: "add", text: "line 5 changed", newLine: 5 },
      { kind: "add", text: "inserted after 30", newLine: 31 },
    ]);
    expect(hunks[1]?.lines.at(-1)).toEqual({ kind: "context", text: "line 33", oldLine: 33, newLine: 34 });
  });

  test("a deletion-only hunk advances only the old side", () => {
    const [hunk] = parseFilePatch(readDiffFixture("deletions-only.patch"));
    expect(hunk?.lines.filter((l) => l.kind === "delete")).toEqual([
      { kind: "delete", text: '  console.log("loaded", path);', oldLine: 5 },
      { kind: "delete", text: '  console.log("size", text.length);', oldLine: 6 },
    ]);
    expect(hunk?.lines.find((l) => l.text.includes("JSON.parse"))).toMatchObject({ oldLine: 7, newLine: 5 });
  });

  test("'\\ No newline at end of file' marks the line before it and is not counted", () => {
    const [hunk] = parseFilePatch(readDiffFixture("no-newline-at-eof.patch"));
    expect(hunk?.lines).toEqual([
      { kind: "context", text: "first", oldLine: 1, newLine: 1 },
      { kind: "delete", text: "second", oldLine: 2 },
      { kind: "delete", text: "third", oldLine: 3, noNewlineAtEnd: true },
      { kind: "add", text: "second changed", newLine: 2 },
      { kind: "add", text: "third", newLine: 3 },
      { kind: "add", text: "fourth", newLine: 4, noNewlineAtEnd: true },
    ]);
  });

  test("CRLF content: the \\r is not part of the text and the numbering is unchanged", () => {
    const patch = readDiffFixture("crlf.patch");
    expect(patch).toContain("\r\n");
    const [hunk] = parseFilePatch(patch);
    expect(hunk?.lines.map((l) => [l.kind, l.text, l.newLine ?? null])).toEqual([
      ["context", "alpha", 1],
      ["delete", "beta", null],
      ["add", "BETA", 2],
      ["context", "gamma", 3],
      ["context", "delta", 4],
      ["add", "epsilon", 5],
    ]);
  });

  test("added and removed files: one side starts at 0 with no lines", () => {
    const [added] = parseFilePatch(readDiffFixture("added-file.patch"));
    expect(added).toMatchObject({ oldStart: 0, oldLines: 0, newStart: 1, newLines: 6 });
    expect(added?.lines.every((l) => l.kind === "add")).toBe(true);
    const [removed] = parseFilePatch(readDiffFixture("removed-file.patch"));
    expect(removed).toMatchObject({ oldStart: 1, oldLines: 6, newStart: 0, newLines: 0 });
    expect(removed?.lines.at(-2)).toEqual({ kind: "delete", text: "\treturn s", oldLine: 5 });
  });

  test("a missing count means 1", () => {
    const [hunk] = parseFilePatch("@@ -1 +1 @@\n-old\n+new");
    expect(hunk).toMatchObject({ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1 });
  });

  test("removed lines that look like headers ('--- a', '+++ b') are content, because hunks are read by count", () => {
    const hunks = parseFilePatch("@@ -1,3 +1,2 @@\n--- a comment\n+++ b\n ok\n@@ -9 +8 @@\n-x\n+y");
    expect(hunks).toHaveLength(2);
    expect(hunks[0]?.lines).toEqual([
      { kind: "delete", text: "-- a comment", oldLine: 1 },
      { kind: "add", text: "++ b", newLine: 1 },
      { kind: "context", text: "ok", oldLine: 2, newLine: 2 },
    ]);
  });

  test("an empty line inside a hunk is an empty context line whose space was stripped", () => {
    const [hunk] = parseFilePatch("@@ -1,3 +1,3 @@\n a\n\n-b\n+c");
    expect(hunk?.lines[1]).toEqual({ kind: "context", text: "", oldLine: 2, newLine: 2 });
  });

  test("a truncated hunk keeps the lines it has", () => {
    const [hunk] = parseFilePatch("@@ -1,10 +1,10 @@\n a\n-b\n+c");
    expect(hunk?.lines).toHaveLength(3);
  });

  test("text without hunks has none", () => {
    expect(parseFilePatch("")).toEqual([]);
    expect(parseFilePatch("Binary files differ")).toEqual([]);
  });
});

describe("parsePullRequestFiles", () => {
  const base = { additions: 0, deletions: 0, changes: 0 };

  test("a file with a patch is complete; without one and with changes it is omitted", () => {
    const files = parsePullRequestFiles([
      { ...base, filename: "calc.py", status: "modified", patch: readDiffFixture("single-hunk.patch", { trimEnd: true }), additions: 2, deletions: 1, changes: 3 },
      { ...base, filename: "big.sql", status: "modified", additions: 9000, deletions: 10, changes: 9010 },
      { ...base, filename: "new.rb", previous_filename: "old.rb", status: "renamed" },
    ]);
    expect(files.map(({ hunks, ...rest }) => ({ ...rest, hunks: hunks.length }))).toEqual([
      { path: "calc.py", status: "modified", patchStatus: "complete", hunks: 1, additions: 2, deletions: 1 },
      { path: "big.sql", status: "modified", patchStatus: "omitted", hunks: 0, additions: 9000, deletions: 10 },
      { path: "new.rb", previousPath: "old.rb", status: "renamed", patchStatus: "complete", hunks: 0, additions: 0, deletions: 0 },
    ]);
  });
});
