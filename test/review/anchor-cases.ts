/** The table for anchor-findings.test.ts: real-shaped diffs and where each finding must land. */
import {
  parsePullRequestFiles,
  type DiffFile,
  type FileStatus,
  type Finding,
  type InlineComment,
} from "../../src/review/index.js";
import { parseGitDiff } from "../helpers/parse-git-diff.js";
import { readDiffFixture } from "./diff-fixtures.js";

/** One file as GitHub's "list pull request files" returns it, its patch read from a fixture. */
export function githubFile(filename: string, status: FileStatus, fixture?: string, previous?: string): DiffFile[] {
  const patch = fixture ? readDiffFixture(fixture, { trimEnd: true }) : undefined;
  return parsePullRequestFiles([
    { filename, status, additions: 1, deletions: 1, changes: 2, ...(patch ? { patch } : {}), ...(previous ? { previous_filename: previous } : {}) },
  ]);
}

export function finding(path: string, start: number, end = start): Finding {
  return { title: "Off by one", body: "The loop stops one element early.", priority: 1, confidence: 0.9, path, start_line: start, end_line: end, suggestion: "fixed()" };
}

export type Where = Omit<InlineComment, "body">;

/** The exact location fields sent to GitHub; `start_line`/`start_side` only for ranges. */
function at(path: string, line: number, startLine?: number): Where {
  return startLine === undefined ? { path, line, side: "RIGHT" } : { path, line, side: "RIGHT", start_line: startLine, start_side: "RIGHT" };
}

export type Expected = { where: Where; suggestion: "kept" | "dropped" } | "unanchored";
const kept = (where: Where): Expected => ({ where, suggestion: "kept" });
const moved = (where: Where): Expected => ({ where, suggestion: "dropped" });

export interface Case {
  name: string;
  files: DiffFile[];
  path: string;
  expect: [start: number, end: number, expected: Expected][];
}

const gitDiff = parseGitDiff(readDiffFixture("git-diff.patch"));

export const CASES: Case[] = [
  {
    // calc.py: one hunk, new lines 3-10; lines 6 and 7 added.
    name: "single hunk",
    files: githubFile("calc.py", "modified", "single-hunk.patch"),
    path: "calc.py",
    expect: [
      [6, 7, kept(at("calc.py", 7, 6))],
      [6, 6, kept(at("calc.py", 6))],
      [9, 9, kept(at("calc.py", 9))], // a context line is on the RIGHT side too
      [1, 1, moved(at("calc.py", 6))], // 2 lines above the hunk: nearest added line
      [13, 13, moved(at("calc.py", 7))], // exactly 3 below the hunk
      [14, 14, "unanchored"], // 4 below: not clearly the same code
      [8, 12, moved(at("calc.py", 10, 8))], // clipped to the hunk's end: a suggestion would replace other lines
    ],
  },
  {
    // multi.txt: hunk 1 is new lines 2-8 (5 added), hunk 2 is 28-34 (31 added).
    name: "multiple hunks",
    files: githubFile("multi.txt", "modified", "multi-hunk.patch"),
    path: "multi.txt",
    expect: [
      [5, 5, kept(at("multi.txt", 5))],
      [31, 31, kept(at("multi.txt", 31))],
      [5, 31, moved(at("multi.txt", 31, 28))], // never spans hunks: the part in end_line's hunk
      [6, 20, moved(at("multi.txt", 8, 6))], // end outside any hunk: the part inside the start's hunk
      [11, 11, moved(at("multi.txt", 5))], // 3 below hunk 1
      [12, 12, "unanchored"], // 4 below hunk 1, 16 above hunk 2
      [24, 24, "unanchored"], // 4 above hunk 2
      [25, 25, moved(at("multi.txt", 31))], // 3 above hunk 2
      [12, 24, "unanchored"], // between the hunks, near neither
    ],
  },
  {
    // cleanup.js: two lines deleted; the hunk shows new lines 2-7 as context, nothing added.
    name: "deletions-only hunk",
    files: githubFile("cleanup.js", "modified", "deletions-only.patch"),
    path: "cleanup.js",
    expect: [
      [4, 4, kept(at("cleanup.js", 4))],
      [3, 5, kept(at("cleanup.js", 5, 3))],
      [1, 1, "unanchored"], // near, but the hunk has no added line to move to
      [9, 9, "unanchored"],
    ],
  },
  {
    name: "pure rename (git diff, no hunks)",
    files: gitDiff,
    path: "docs/pure_new.md",
    expect: [[1, 1, "unanchored"]],
  },
  {
    name: "pure rename (GitHub, no patch, no changes)",
    files: parsePullRequestFiles([{ filename: "b.md", previous_filename: "a.md", status: "renamed", additions: 0, deletions: 0, changes: 0 }]),
    path: "b.md",
    expect: [[1, 1, "unanchored"]],
  },
  {
    // new_name.rb: new lines 4-9, line 7 added.
    name: "rename with edits",
    files: githubFile("new_name.rb", "renamed", "rename-with-edits.patch", "old_name.rb"),
    path: "new_name.rb",
    expect: [
      [7, 7, kept(at("new_name.rb", 7))],
      [6, 8, kept(at("new_name.rb", 8, 6))],
      [1, 1, moved(at("new_name.rb", 7))],
    ],
  },
  {
    name: "rename with edits, finding cites the old name",
    files: githubFile("new_name.rb", "renamed", "rename-with-edits.patch", "old_name.rb"),
    path: "old_name.rb",
    expect: [[7, 7, kept(at("new_name.rb", 7))]],
  },
  {
    // feature.ts: all six lines added.
    name: "added file",
    files: githubFile("feature.ts", "added", "added-file.patch"),
    path: "feature.ts",
    expect: [
      [2, 4, kept(at("feature.ts", 4, 2))],
      [1, 6, kept(at("feature.ts", 6, 1))],
      [8, 8, moved(at("feature.ts", 6))],
      [10, 10, "unanchored"],
    ],
  },
  {
    name: "removed file",
    files: githubFile("obsolete.go", "removed", "removed-file.patch"),
    path: "obsolete.go",
    expect: [
      [1, 1, "unanchored"],
      [4, 5, "unanchored"],
    ],
  },
  {
    // nonl.txt: new lines 1-4, lines 2-4 added, the last without a newline.
    name: "no newline at end of file",
    files: githubFile("nonl.txt", "modified", "no-newline-at-eof.patch"),
    path: "nonl.txt",
    expect: [
      [4, 4, kept(at("nonl.txt", 4))],
      [3, 4, kept(at("nonl.txt", 4, 3))],
      [5, 5, moved(at("nonl.txt", 4))],
    ],
  },
  {
    // crlf.txt: new lines 1-5, lines 2 and 5 added.
    name: "CRLF file",
    files: githubFile("crlf.txt", "modified", "crlf.patch"),
    path: "crlf.txt",
    expect: [
      [2, 2, kept(at("crlf.txt", 2))],
      [1, 5, kept(at("crlf.txt", 5, 1))],
      [7, 7, moved(at("crlf.txt", 5))],
    ],
  },
  {
    name: "file without a patch (too large or binary)",
    files: githubFile("big.sql", "modified"),
    path: "big.sql",
    expect: [[10, 10, "unanchored"]],
  },
  {
    name: "file missing from the diff",
    files: githubFile("calc.py", "modified", "single-hunk.patch"),
    path: "elsewhere.py",
    expect: [[6, 6, "unanchored"]],
  },
];

