import { z } from "zod";
import { extractJsonObject } from "./extract-json.js";

export type Priority = 0 | 1 | 2 | 3;

/** One problem the model found. Lines are on the new (RIGHT) side of the diff, 1-based, inclusive. */
export interface Finding {
  title: string;
  body: string;
  priority: Priority;
  confidence: number;
  path: string;
  start_line: number;
  end_line: number;
  /** Exact replacement for lines start_line..end_line, without fences. */
  suggestion?: string;
}

export interface ReviewOutput {
  summary: string;
  findings: Finding[];
}

/**
 * What the model is asked to fill. Strict structured outputs need every key required and no
 * extra keys, so "no suggestion" is `null` here; parsing turns it into an absent `suggestion`.
 * https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
export const reviewOutputSchema = z.strictObject({
  summary: z.string().describe("Two or three sentences on what the change does and the overall verdict."),
  findings: z.array(
    z.strictObject({
      title: z.string().describe("Short imperative title, under 80 characters, without a priority prefix."),
      body: z.string().describe("One paragraph: what goes wrong, when, and why."),
      priority: z.number().int().min(0).max(3).describe("0 must fix before merge, 1 should fix, 2 could fix, 3 nit."),
      confidence: z.number().min(0).max(1).describe("How sure you are that this is a real problem, 0 to 1."),
      path: z.string().describe("File path as shown in the diff."),
      start_line: z.number().int().min(1).describe("First line of the problem on the new side of the diff."),
      end_line: z.number().int().min(1).describe("Last line (inclusive); equal to start_line for one line."),
      suggestion: z.string().nullable().describe("Exact replacement text for start_line..end_line, or null."),
    }),
  ),
});

/** JSON Schema for the model's structured output (`text.format` / `response_format`). */
export const reviewOutputJsonSchema: Record<string, unknown> = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(reviewOutputSchema) as Record<string, unknown>;
  return schema;
})();

export type ParseReviewResult = { ok: true; output: ReviewOutput; dropped: string[] } | { ok: false; error: string };

const OUTPUT_SHAPE =
  '{"summary": string, "findings": [{"title": string, "body": string, "priority": 0-3, "confidence": 0-1, ' +
  '"path": string, "start_line": number, "end_line": number, "suggestion": string or null}]}';

/**
 * Reads the model's review from its reply, tolerating fences, prose around the JSON, "P1"-style
 * priorities and out-of-range confidence. Invalid findings are dropped one by one (and listed in
 * `dropped`); only an unusable reply fails, with an `error` written to be sent back to the model.
 */
export function parseReviewOutput(text: string): ParseReviewResult {
  const json = extractJsonObject(text);
  if (!json.ok) return { ok: false, error: repairMessage(json.error) };
  const problem = shapeProblem(json.value);
  if (problem) return { ok: false, error: repairMessage(problem) };
  const { summary, findings } = json.value as { summary?: string | null; findings?: unknown[] | null };

  const output: ReviewOutput = { summary: (summary ?? "").trim(), findings: [] };
  const dropped: string[] = [];
  (findings ?? []).forEach((raw, index) => {
    const parsed = lenientFinding.safeParse(raw);
    if (parsed.success) output.findings.push(parsed.data);
    else dropped.push(`findings[${index}]: ${parsed.error.issues.map((i) => [...i.path, i.message].join(": ")).join("; ")}`);
  });
  return { ok: true, output, dropped };
}

/** What is wrong with the reply's top level, if anything; a missing half is tolerated, not both. */
function shapeProblem({ summary, findings }: Record<string, unknown>): string | undefined {
  if (summary === undefined && findings === undefined) return 'the object has neither "summary" nor "findings"';
  if (summary !== undefined && summary !== null && typeof summary !== "string") return '"summary" must be a string';
  if (findings !== undefined && findings !== null && !Array.isArray(findings)) return '"findings" must be an array';
  return undefined;
}

function repairMessage(problem: string): string {
  return `Your reply could not be read: ${problem}. Reply with only one JSON object, no prose and no code fences, of the form ${OUTPUT_SHAPE}.`;
}

/** Accepts 1, "1", "P1" and "p1". */
function toPriority(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const match = /^\s*p?([0-3])\s*$/i.exec(value);
  return match ? Number(match[1]) : value;
}

function toNumber(value: unknown): unknown {
  return typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
}

/** "[P1] Title", "P1: Title": the badge already says it. `\b` keeps "P2P leak" intact. */
const PRIORITY_PREFIX = /^\s*(?:\[P[0-3]\]|\(P[0-3]\)|P[0-3]\b)\s*[:\-–—]?\s*/i;

const lineNumber = z.preprocess(toNumber, z.number({ error: "expected a line number" }).int().min(1));

const lenientFinding = z
  .object({
    title: z.string().transform((t) => t.replace(PRIORITY_PREFIX, "").trim()).pipe(z.string().min(1, "must not be empty")),
    body: z.string().trim().min(1, "must not be empty"),
    priority: z.preprocess(toPriority, z.number({ error: 'expected 0-3 or "P0"-"P3"' }).int().min(0).max(3)),
    confidence: z.preprocess(toNumber, z.number({ error: "expected a number from 0 to 1" })).transform((c) => Math.min(1, Math.max(0, c))),
    path: z.string().transform((p) => p.trim().replace(/^(\.\/|\/)+/, "")).pipe(z.string().min(1, "must not be empty")),
    start_line: lineNumber,
    end_line: lineNumber.nullish(),
    suggestion: z.string().nullish(),
  })
  .transform(({ start_line, end_line: givenEnd, suggestion, ...rest }): Finding => {
    const end_line = givenEnd ?? start_line;
    const cleaned = suggestion === null || suggestion === undefined ? "" : stripSuggestionFence(suggestion);
    return {
      ...rest,
      priority: rest.priority as Priority,
      // Models sometimes give a range backwards; the lines they mean are the same.
      start_line: Math.min(start_line, end_line),
      end_line: Math.max(start_line, end_line),
      ...(cleaned === "" ? {} : { suggestion: cleaned }),
    };
  });

/** Models often wrap the replacement in its own ```suggestion fence; the renderer adds one. */
function stripSuggestionFence(text: string): string {
  const fenced = /^\s*(`{3,})[a-z]*[ \t]*\r?\n([\s\S]*?)\r?\n?\1\s*$/.exec(text);
  const inner = fenced ? (fenced[2] ?? "") : text;
  return inner.endsWith("\n") ? inner.slice(0, -1) : inner;
}
