import { parseReviewOutput, reviewOutputJsonSchema, reviewOutputSchema, type ReviewOutput } from "../../src/review/index.js";

const GOOD = {
  title: "Division by zero when the list is empty",
  body: "`average([])` divides by `len(items)`, which is 0.",
  priority: 1,
  confidence: 0.8,
  path: "stats.py",
  start_line: 12,
  end_line: 12,
  suggestion: "    return sum(items) / len(items) if items else 0.0",
};
const PARSED_GOOD = { ...GOOD };
const REPLY = { summary: "Adds an average helper.", findings: [GOOD] };

function parsed(text: string): { output: ReviewOutput; dropped: string[] } {
  const result = parseReviewOutput(text);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return { output: result.output, dropped: result.dropped };
}

describe("parseReviewOutput", () => {
  test("plain JSON", () => {
    expect(parsed(JSON.stringify(REPLY))).toEqual({ output: { summary: "Adds an average helper.", findings: [PARSED_GOOD] }, dropped: [] });
  });

  test("inside a ```json fence", () => {
    expect(parsed("```json\n" + JSON.stringify(REPLY, null, 2) + "\n```").output.findings).toEqual([PARSED_GOOD]);
  });

  test("wrapped in prose, with braces in the prose and in strings", () => {
    const reply = { ...REPLY, findings: [{ ...GOOD, body: "Use `{}` instead of `dict()` } here" }] };
    const text = `Sure! I checked {everything}. Here it is:\n${JSON.stringify(reply)}\nLet me know {if} you need more.`;
    expect(parsed(text).output.findings[0]?.body).toBe("Use `{}` instead of `dict()` } here");
  });

  test("a fence inside a suggestion does not cut the JSON", () => {
    const reply = { summary: "s", findings: [{ ...GOOD, suggestion: "```suggestion\nx = 1\n```" }] };
    expect(parsed("```json\n" + JSON.stringify(reply) + "\n```").output.findings[0]?.suggestion).toBe("x = 1");
  });

  test('priority as "P1", "p0", "2" or 3; confidence as text, and clamped to 0-1', () => {
    const findings = [
      { ...GOOD, priority: "P1", confidence: 1.7 },
      { ...GOOD, priority: "p0", confidence: -0.2 },
      { ...GOOD, priority: "2", confidence: "0.6" },
      { ...GOOD, priority: 3 },
    ];
    expect(parsed(JSON.stringify({ summary: "s", findings })).output.findings.map((f) => [f.priority, f.confidence])).toEqual([
      [1, 1],
      [0, 0],
      [2, 0.6],
      [3, 0.8],
    ]);
  });

  test("one bad finding among good ones is dropped with a reason; the others are kept", () => {
    const findings = [GOOD, { ...GOOD, priority: "urgent" }, { ...GOOD, start_line: 0 }, { ...GOOD, title: "Second", path: "other.py" }];
    const { output, dropped } = parsed(JSON.stringify({ summary: "s", findings }));
    expect(output.findings.map((f) => f.title)).toEqual([GOOD.title, "Second"]);
    expect(dropped).toEqual([
      expect.stringMatching(/^findings\[1\]: priority: expected 0-3 or "P0"-"P3"/),
      expect.stringMatching(/^findings\[2\]: start_line: /),
    ]);
  });

  test("a finding that is not an object is dropped", () => {
    const { output, dropped } = parsed(JSON.stringify({ summary: "s", findings: ["oops", GOOD] }));
    expect(output.findings).toHaveLength(1);
    expect(dropped).toHaveLength(1);
  });

  test("null or empty suggestion means none; end_line defaults to start_line; a backwards range is turned round", () => {
    const findings = [
      { ...GOOD, suggestion: null, end_line: null },
      { ...GOOD, suggestion: "", start_line: 20, end_line: 14 },
    ];
    const [first, second] = parsed(JSON.stringify({ summary: "s", findings })).output.findings;
    expect(first).toEqual({ ...GOOD, suggestion: undefined, end_line: 12 });
    expect(first && "suggestion" in first).toBe(false);
    expect(second).toMatchObject({ start_line: 14, end_line: 20 });
    expect(second && "suggestion" in second).toBe(false);
  });

  test("priority prefixes are taken off titles, and './' off paths", () => {
    const findings = [
      { ...GOOD, title: "[P1] Leak", path: "./src/a.ts" },
      { ...GOOD, title: "P0: Crash" },
      { ...GOOD, title: "P2P handshake never times out" },
    ];
    expect(parsed(JSON.stringify({ summary: "s", findings })).output.findings.map((f) => [f.title, f.path])).toEqual([
      ["Leak", "src/a.ts"],
      ["Crash", "stats.py"],
      ["P2P handshake never times out", "stats.py"],
    ]);
  });

  test("no findings is a valid review", () => {
    expect(parsed('{"summary": "Looks good.", "findings": []}').output).toEqual({ summary: "Looks good.", findings: [] });
    expect(parsed('{"summary": "Looks good."}').output.findings).toEqual([]);
  });

  test.each([
    ["garbage", "I could not review this, sorry.", /contains no JSON object/],
    ["broken JSON", '{"summary": "x", "findings": [}', /the JSON is invalid/],
    ["wrong object", '{"verdict": "ok"}', /neither "summary" nor "findings"/],
    ["findings not a list", '{"summary": "x", "findings": {"a": 1}}', /"findings" must be an array/],
  ])("%s → an error the model can act on", (_name, text, problem) => {
    const result = parseReviewOutput(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(problem);
    expect(result.error).toContain("Reply with only one JSON object");
    expect(result.error).toContain('"start_line": number');
  });
});

describe("reviewOutputJsonSchema", () => {
  test("is strict enough for structured outputs: every key required, no extra keys, null for no suggestion", () => {
    const finding = (reviewOutputJsonSchema as { properties: { findings: { items: Record<string, unknown> } } }).properties.findings.items;
    expect(reviewOutputJsonSchema).not.toHaveProperty("$schema");
    expect(reviewOutputJsonSchema).toMatchObject({ type: "object", required: ["summary", "findings"], additionalProperties: false });
    expect(finding).toMatchObject({
      additionalProperties: false,
      required: ["title", "body", "priority", "confidence", "path", "start_line", "end_line", "suggestion"],
    });
    expect(finding).toHaveProperty("properties.priority", expect.objectContaining({ type: "integer", minimum: 0, maximum: 3 }));
    expect(finding).toHaveProperty("properties.suggestion.type", ["string", "null"]);
  });

  test("what the schema accepts, the parser reads", () => {
    const strict = reviewOutputSchema.parse({ ...REPLY, findings: [{ ...GOOD, suggestion: null }] });
    expect(parsed(JSON.stringify(strict)).output.findings).toHaveLength(1);
  });
});
