import { seekSequence } from "../../../src/agent/patch/seek-sequence.js";

describe("seekSequence", () => {
  test("finds an exact run of lines at or after start", () => {
    expect(seekSequence(["a", "b", "c", "b", "c"], ["b", "c"], 0, false)).toBe(1);
    expect(seekSequence(["a", "b", "c", "b", "c"], ["b", "c"], 2, false)).toBe(3);
  });

  test("returns undefined when the lines are absent or longer than the file", () => {
    expect(seekSequence(["a", "b"], ["x"], 0, false)).toBeUndefined();
    expect(seekSequence(["a"], ["a", "b"], 0, false)).toBeUndefined();
  });

  // Each fuzzy pass scans the whole file before a looser one runs, so a looser match
  // earlier in the file never wins over a stricter one further down.
  test.each<[string, string[], string, number]>([
    ["exact beats trailing whitespace", ["x  ", "x"], "x", 1],
    ["trailing whitespace beats indentation", ["  x", "x  "], "x", 1],
    ["indentation beats punctuation", ["\u201Cx\u201D", '  "x"'], '"x"', 1],
  ])("%s", (_name, lines, patchLine, expected) => {
    expect(seekSequence(lines, [patchLine], 0, false)).toBe(expected);
  });

  test.each<[string, string, string]>([
    ["trailing whitespace", "value = 1 \t", "value = 1"],
    ["leading and trailing whitespace", "\t\tvalue = 1", "    value = 1"],
    ["en dash and minus", "a \u2013 b \u2212 c", "a - b - c"],
    ["curly quotes", "\u2018a\u2019 \u201Cb\u201D", "'a' \"b\""],
    ["non-breaking space", "a\u00A0b", "a b"],
  ])("tolerates %s", (_name, fileLine, patchLine) => {
    expect(seekSequence(["before", fileLine], [patchLine], 0, false)).toBe(1);
  });

  test("at end of file, a match ending on the last line is preferred", () => {
    expect(seekSequence(["}", "x", "}"], ["}"], 0, true)).toBe(2);
    expect(seekSequence(["}", "x", "}"], ["}"], 0, false)).toBe(0);
  });

  test("at end of file, falls back to the first match when the end does not match", () => {
    expect(seekSequence(["a", "b", "c"], ["a"], 0, true)).toBe(0);
  });

  test("an empty pattern matches at start", () => {
    expect(seekSequence(["a"], [], 1, false)).toBe(1);
  });
});
