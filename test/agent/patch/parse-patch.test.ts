import { PatchError, PatchParseError, parsePatch, type PatchOperation } from "../../../src/agent/patch/index.js";

/** Builds patch text from lines, as a model would send it. */
function patchText(...lines: string[]): string {
  return lines.join("\n");
}

function parseError(text: string): PatchParseError {
  try {
    parsePatch(text);
  } catch (error) {
    if (error instanceof PatchParseError) return error;
    throw error;
  }
  throw new Error("expected parsePatch to throw");
}

const UPDATE_GREET = patchText(
  "*** Begin Patch",
  "*** Update File: src/app.py",
  "@@ def greet():",
  '-    print("hi")',
  '+    print("hello")',
  "*** End Patch",
);
const UPDATE_GREET_PARSED: PatchOperation[] = [
  {
    kind: "update",
    path: "src/app.py",
    hunks: [
      {
        context: "def greet():",
        isEndOfFile: false,
        lines: [
          { kind: "remove", text: '    print("hi")' },
          { kind: "add", text: '    print("hello")' },
        ],
      },
    ],
  },
];

describe("parsePatch", () => {
  test("add file: '+' lines become the contents, ending with a newline", () => {
    const text = patchText("*** Begin Patch", "*** Add File: path/to/new.txt", "+line one", "+line two", "*** End Patch");
    expect(parsePatch(text)).toEqual([{ kind: "add", path: "path/to/new.txt", contents: "line one\nline two\n" }]);
  });

  test("add file with no lines is an empty file", () => {
    const text = patchText("*** Begin Patch", "*** Add File: empty.txt", "*** End Patch");
    expect(parsePatch(text)).toEqual([{ kind: "add", path: "empty.txt", contents: "" }]);
  });

  test("add file: a blank line between '+' lines is an empty line that lost its '+'", () => {
    const text = patchText("*** Begin Patch", "*** Add File: a.md", "+# Title", "", "+body", "", "*** End Patch");
    expect(parsePatch(text)).toEqual([{ kind: "add", path: "a.md", contents: "# Title\n\nbody\n" }]);
  });

  test("delete file", () => {
    const text = patchText("*** Begin Patch", "*** Delete File: obsolete.txt", "*** End Patch");
    expect(parsePatch(text)).toEqual([{ kind: "delete", path: "obsolete.txt" }]);
  });

  test("update with an '@@ header' to seek to", () => {
    expect(parsePatch(UPDATE_GREET)).toEqual(UPDATE_GREET_PARSED);
  });

  test("update whose first hunk omits '@@'", () => {
    const text = patchText("*** Begin Patch", "*** Update File: a.py", " import foo", "+import bar", "*** End Patch");
    expect(parsePatch(text)).toEqual([
      {
        kind: "update",
        path: "a.py",
        hunks: [{ isEndOfFile: false, lines: [{ kind: "context", text: "import foo" }, { kind: "add", text: "import bar" }] }],
      },
    ]);
  });

  test("update with move", () => {
    const text = patchText(
      "*** Begin Patch",
      "*** Update File: src/app.py",
      "*** Move to: src/main.py",
      "@@",
      "-old",
      "+new",
      "*** End Patch",
    );
    expect(parsePatch(text)).toEqual([
      {
        kind: "update",
        path: "src/app.py",
        moveTo: "src/main.py",
        hunks: [{ isEndOfFile: false, lines: [{ kind: "remove", text: "old" }, { kind: "add", text: "new" }] }],
      },
    ]);
  });

  test("a move without hunks is a pure rename", () => {
    const text = patchText("*** Begin Patch", "*** Update File: a.txt", "*** Move to: b.txt", "*** End Patch");
    expect(parsePatch(text)).toEqual([{ kind: "update", path: "a.txt", moveTo: "b.txt", hunks: [] }]);
  });

  test("multiple hunks, with blank separator lines that are not context", () => {
    const text = patchText(
      "*** Begin Patch",
      "*** Update File: a.txt",
      "@@ first",
      " keep",
      "-old1",
      "+new1",
      "",
      "@@",
      "-old2",
      "+new2",
      "*** End Patch",
    );
    const [operation] = parsePatch(text);
    expect(operation).toEqual({
      kind: "update",
      path: "a.txt",
      hunks: [
        {
          context: "first",
          isEndOfFile: false,
          lines: [
            { kind: "context", text: "keep" },
            { kind: "remove", text: "old1" },
            { kind: "add", text: "new1" },
          ],
        },
        { isEndOfFile: false, lines: [{ kind: "remove", text: "old2" }, { kind: "add", text: "new2" }] },
      ],
    });
  });

  test("an empty line inside a hunk is an empty context line missing its leading space", () => {
    const text = patchText("*** Begin Patch", "*** Update File: a.txt", "@@", " a", "", " b", "+c", "*** End Patch");
    const [operation] = parsePatch(text);
    expect(operation?.kind === "update" && operation.hunks[0]?.lines).toEqual([
      { kind: "context", text: "a" },
      { kind: "context", text: "" },
      { kind: "context", text: "b" },
      { kind: "add", text: "c" },
    ]);
  });

  test("multiple files in one patch keep their order", () => {
    const text = patchText(
      "*** Begin Patch",
      "*** Add File: new.txt",
      "+hello",
      "*** Update File: src/app.py",
      "@@",
      "-a",
      "+b",
      "*** Delete File: obsolete.txt",
      "*** End Patch",
    );
    expect(parsePatch(text).map((operation) => `${operation.kind} ${operation.path}`)).toEqual([
      "add new.txt",
      "update src/app.py",
      "delete obsolete.txt",
    ]);
  });

  test("'*** End of File' marks the hunk as anchored at the end", () => {
    const text = patchText(
      "*** Begin Patch",
      "*** Update File: a.txt",
      "@@",
      " last",
      "+appended",
      "*** End of File",
      "*** End Patch",
    );
    expect(parsePatch(text)).toEqual([
      {
        kind: "update",
        path: "a.txt",
        hunks: [{ isEndOfFile: true, lines: [{ kind: "context", text: "last" }, { kind: "add", text: "appended" }] }],
      },
    ]);
  });

  test.each([
    ["apply_patch <<'EOF'", "EOF"],
    ['apply_patch <<"EOF"', "EOF"],
    ["<<EOF", "EOF"],
    ["apply_patch <<'PATCH'", "PATCH"],
  ])("heredoc wrapper %s … %s is stripped", (start, end) => {
    expect(parsePatch(`${start}\n${UPDATE_GREET}\n${end}\n`)).toEqual(UPDATE_GREET_PARSED);
  });

  test.each([
    ["```", "```"],
    ["```diff", "```"],
    ["~~~patch", "~~~"],
  ])("Markdown fence %s … %s is stripped", (start, end) => {
    expect(parsePatch(`\n${start}\n${UPDATE_GREET}\n${end}\n\n`)).toEqual(UPDATE_GREET_PARSED);
  });

  test("a heredoc inside a fence is stripped", () => {
    expect(parsePatch(`\`\`\`bash\napply_patch <<'EOF'\n${UPDATE_GREET}\nEOF\n\`\`\``)).toEqual(UPDATE_GREET_PARSED);
  });

  test("CRLF patch text parses like LF, with no stray \\r in lines or paths", () => {
    expect(parsePatch(UPDATE_GREET.replaceAll("\n", "\r\n") + "\r\n")).toEqual(UPDATE_GREET_PARSED);
  });

  test("whitespace around markers is tolerated", () => {
    const text = patchText("  *** Begin Patch ", "*** Delete File:   gone.txt  ", " *** End Patch");
    expect(parsePatch(text)).toEqual([{ kind: "delete", path: "gone.txt" }]);
  });
});

describe("parsePatch errors name the line and what was expected", () => {
  test.each<[string, string, string]>([
    ["missing Begin", patchText("*** Add File: a", "+x", "*** End Patch"),
      "invalid patch at line 1: the first line must be '*** Begin Patch', got '*** Add File: a'"],
    ["empty text", "  \n", "invalid patch at line 1: the first line must be '*** Begin Patch', got an empty patch"],
    ["missing End", patchText("*** Begin Patch", "*** Add File: a", "+x"),
      "invalid patch at line 3: the last line must be '*** End Patch', got '+x'"],
    ["text after End", patchText("*** Begin Patch", "*** Delete File: a", "*** End Patch", "Done!"),
      "invalid patch at line 4: the last line must be '*** End Patch', got 'Done!' ('*** End Patch' is on line 3; nothing may follow it)"],
    ["no operations", patchText("*** Begin Patch", "*** End Patch"),
      "invalid patch at line 2: the patch changes no files; expected '*** Add File: <path>', '*** Update File: <path>' or '*** Delete File: <path>' before '*** End Patch'"],
    ["bad hunk line", patchText("*** Begin Patch", "*** Update File: a.py", "@@", "oops", "*** End Patch"),
      "invalid patch at line 4: unexpected line 'oops' in an update: every hunk line must start with ' ' (context), '-' (remove) or '+' (add)"],
    ["bad line after a hunk", patchText("*** Begin Patch", "*** Update File: a.py", "@@", "-a", "+b", "forgot prefix", "*** End Patch"),
      "invalid patch at line 6: unexpected line 'forgot prefix' in an update: every hunk line must start with ' ' (context), '-' (remove) or '+' (add)"],
    ["empty update", patchText("*** Begin Patch", "*** Update File: a.py", "*** End Patch"),
      "invalid patch at line 2: '*** Update File: a.py' has no hunks; expected '@@' followed by lines starting with ' ' (context), '-' (remove) or '+' (add)"],
    ["hunk with no lines", patchText("*** Begin Patch", "*** Update File: a.py", "@@ def f():", "@@", "-x", "*** End Patch"),
      "invalid patch at line 4: the hunk at line 3 has no lines; after '@@', every hunk line must start with ' ' (context), '-' (remove) or '+' (add)"],
    ["lines after End of File", patchText("*** Begin Patch", "*** Update File: a", "@@", "-x", "*** End of File", "+y", "*** End Patch"),
      "invalid patch at line 6: expected '@@' to start a new hunk before '+y' (lines after '*** End of File' need their own hunk)"],
    ["unknown header", patchText("*** Begin Patch", "*** Rename File: a", "*** End Patch"),
      "invalid patch at line 2: expected a file header ('*** Add File: <path>', '*** Update File: <path>' or '*** Delete File: <path>'), got '*** Rename File: a'. Every line of an added file starts with '+'; changes to an existing file go in '@@' hunks."],
    ["add line without '+'", patchText("*** Begin Patch", "*** Add File: a", "+x", "y", "*** End Patch"),
      "invalid patch at line 4: expected a file header ('*** Add File: <path>', '*** Update File: <path>' or '*** Delete File: <path>'), got 'y'. Every line of an added file starts with '+'; changes to an existing file go in '@@' hunks."],
    ["header without a path", patchText("*** Begin Patch", "*** Delete File:  ", "*** End Patch"),
      "invalid patch at line 2: '*** Delete File:' must be followed by a file path"],
  ])("%s", (_name, text, message) => {
    const error = parseError(text);
    expect(error).toBeInstanceOf(PatchError);
    expect(error.message).toBe(message);
  });

  test("line numbers count the lines of a heredoc wrapper too", () => {
    const text = patchText("apply_patch <<'EOF'", "*** Begin Patch", "*** Update File: a.py", "@@", "oops", "*** End Patch", "EOF");
    const error = parseError(text);
    expect(error.lineNumber).toBe(5);
    expect(error.message).toMatch(/^invalid patch at line 5: unexpected line 'oops'/);
  });

  test("a very long bad line is shortened in the message", () => {
    const error = parseError(patchText("*** Begin Patch", "*** Update File: a", "@@", "x".repeat(500), "*** End Patch"));
    expect(error.message).toContain(`'${"x".repeat(120)}…'`);
    expect(error.message.length).toBeLessThan(300);
  });
});
