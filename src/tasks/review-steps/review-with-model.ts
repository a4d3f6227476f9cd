import { runAgent } from "../../agent/agent-loop.js";
import type { Budgets } from "../../agent/budgets.js";
import type { ModelClient } from "../../agent/conversation.js";
import { buildReviewPrompt, REVIEW_SYSTEM_PROMPT, type ReviewPromptInput } from "../../agent/review-prompt.js";
import { createShellTool } from "../../agent/tools/shell.js";
import { groupFilesForReview, parseReviewOutput, renderFileDiff, reviewOutputJsonSchema, type DiffFile, type Finding } from "../../review/index.js";
import type { Sandbox } from "../../sandbox/types.js";
import type { TaskLog } from "../task-log.js";

/** Characters of diff per model request (about 25k tokens), and how many requests one review may make. */
export const REVIEW_DIFF_BUDGET_CHARS = 100_000;
export const REVIEW_MAX_REQUESTS = 4;

export interface ModelReview {
  summary: string;
  findings: Finding[];
  /** Files not reviewed, with the reason, when budgets or the model cut the review short. */
  notReviewed: { path: string; reason: string }[];
  usage: { inputTokens: number; outputTokens: number };
}

export interface ModelReviewInput {
  model: ModelClient;
  sandbox: Sandbox;
  files: DiffFile[];
  prompt: Omit<ReviewPromptInput, "diffs" | "otherFiles">;
  budgets: Budgets;
  commandTimeoutMs: number;
  log: TaskLog;
}

/**
 * Reviews the files in as many requests as the budget allows, each a short agent run that may
 * read the checkout, ending in the JSON contract; an unusable answer gets one repair request.
 */
export async function reviewWithModel(input: ModelReviewInput): Promise<ModelReview> {
  const { groups, leftOut } = groupFilesForReview(input.files, REVIEW_DIFF_BUDGET_CHARS, REVIEW_MAX_REQUESTS);
  const result: ModelReview = { summary: "", findings: [], notReviewed: leftOut.map((f) => ({ path: f.path, reason: "too large for the review budget" })), usage: { inputTokens: 0, outputTokens: 0 } };
  const summaries: string[] = [];
  for (const group of groups) {
    const names = new Set(group.map((f) => f.path));
    const prompt = buildReviewPrompt({ ...input.prompt, diffs: group.map(renderFileDiff), otherFiles: input.files.filter((f) => !names.has(f.path)).map((f) => f.path) });
    const answer = await reviewGroup(input, prompt);
    result.usage.inputTokens += answer.usage.inputTokens;
    result.usage.outputTokens += answer.usage.outputTokens;
    if (!answer.ok) {
      result.notReviewed.push(...group.map((f) => ({ path: f.path, reason: answer.reason })));
      continue;
    }
    summaries.push(answer.summary);
    result.findings.push(...answer.findings);
  }
  result.summary = summaries.join("\n\n");
  return result;
}

type GroupAnswer = ({ ok: true; summary: string; findings: Finding[] } | { ok: false; reason: string }) & { usage: { inputTokens: number; outputTokens: number } };

async function reviewGroup(input: ModelReviewInput, prompt: string): Promise<GroupAnswer> {
  const tools = [createShellTool({ sandbox: input.sandbox, defaultTimeoutMs: input.commandTimeoutMs })];
  const base = { instructions: REVIEW_SYSTEM_PROMPT, tools, model: input.model, budgets: input.budgets, responseFormat: { name: "review", schema: reviewOutputJsonSchema } };
  const onEvent = (e: Parameters<NonNullable<Parameters<typeof runAgent>[0]["onEvent"]>>[0]) =>
    input.log.write(`review: ${e.type}`, e.type === "model" ? e.text : e.type === "tool" ? `${e.call.arguments}\n${e.output}` : e.reason);
  let outcome = await runAgent({ ...base, task: prompt, onEvent });
  let parsed = parseReviewOutput(outcome.finalText);
  const usage = { ...outcome.usage };
  if (!parsed.ok && outcome.stopReason === "done") {
    // One repair: the model sees what was wrong with its answer and answers again.
    outcome = await runAgent({ ...base, history: outcome.items, task: `Your answer could not be used: ${parsed.error}\nReply with only the JSON object.`, budgets: { ...input.budgets, maxTurns: 2 }, onEvent });
    usage.inputTokens += outcome.usage.inputTokens;
    usage.outputTokens += outcome.usage.outputTokens;
    parsed = parseReviewOutput(outcome.finalText);
  }
  if (parsed.ok) return { ok: true, summary: parsed.output.summary, findings: parsed.output.findings, usage };
  const why = outcome.stopReason === "done" ? "the model's answer could not be parsed" : `the model stopped early (${outcome.error ?? outcome.stopReason})`;
  return { ok: false, reason: why, usage };
}

