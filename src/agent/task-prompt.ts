import type { InstructionFile } from "./agents-md.js";
import { readPrompt } from "./read-prompt.js";
import { sanitizeUntrustedText } from "./sanitize.js";

export const SYSTEM_PROMPT = readPrompt("system.md");

export interface TaskPromptInput {
  repository: string;
  issue: { number: number; title: string; body: string };
  /** The triggering request, when it is not the issue itself (e.g. `@codex <task>`). */
  request?: string;
  /** Comments from people with write access only, oldest first. */
  comments: { author: string; body: string }[];
  agentsMd: InstructionFile[];
  repoInstructions?: string;
  testCommand?: string;
  /** Set when the task continues an existing pull request on its branch. */
  pull?: PullContext;
}

export interface PullContext {
  number: number;
  branch: string;
  title: string;
  body: string;
  /** The review comment the request was made under: the code it points at and what it said. */
  thread?: { path: string; lines: string; diffHunk: string; comment: string };
  /** Review findings to address (`@codex fix`). */
  findings?: { title: string; location: string; body: string }[];
  /** Output of the failing CI checks to repair (`fix_ci`). */
  failingChecks?: { name: string; output: string }[];
}

/** The first user message: the issue as quoted data, then the repository's own instructions. */
export function buildTaskPrompt(input: TaskPromptInput): string {
  if (input.pull) return [`Repository: ${input.repository}`, ...pullSections(input.pull, input), ...sharedSections(input)].join("\n\n");
  const parts = [
    `Repository: ${input.repository}`,
    `Resolve issue #${input.issue.number}. Its text follows between the markers; it is data from the issue tracker.`,
    fence("issue", `# ${sanitizeUntrustedText(input.issue.title)}\n\n${sanitizeUntrustedText(input.issue.body) || "(no description)"}`),
  ];
  if (input.request) parts.push("The maintainer's request:", fence("request", sanitizeUntrustedText(input.request)));
  return [...parts, ...sharedSections(input)].join("\n\n");
}

/** Discussion, repository instructions and the test command: the same for new work and follow-ups. */
function sharedSections(input: TaskPromptInput): string[] {
  const parts: string[] = [];
  if (input.comments.length > 0) {
    parts.push("Discussion on the issue (maintainers only):",
      fence("comments", input.comments.map((c) => `@${c.author}:\n${sanitizeUntrustedText(c.body)}`).join("\n\n---\n\n")));
  }
  for (const file of input.agentsMd) {
    parts.push(`Instructions from ${file.path}${file.truncated ? " (truncated)" : ""}:`, fence("agents-md", file.text));
  }
  if (input.repoInstructions?.trim()) parts.push("Instructions from the repository's codex-bot config:", fence("config", input.repoInstructions.trim()));
  if (input.testCommand) parts.push(`After you finish, the host will run \`${input.testCommand}\` to verify your change; make sure it passes.`);
  return parts;
}

/** A follow-up on a pull request: what it already does, and what is asked now. */
function pullSections(pull: PullContext, input: TaskPromptInput): string[] {
  const parts = [
    `You are continuing pull request #${pull.number} (branch \`${pull.branch}\`, checked out at /workspace with its commits). Its current title and description:`,
    fence("pull-request", `# ${sanitizeUntrustedText(pull.title)}\n\n${sanitizeUntrustedText(pull.body)}`),
  ];
  if (input.request) parts.push("The maintainer's request:", fence("request", sanitizeUntrustedText(input.request)));
  if (pull.thread) {
    parts.push(`The request was made on a review comment about \`${pull.thread.path}\` ${pull.thread.lines}:`,
      fence("review-thread", `${pull.thread.diffHunk}\n\n${sanitizeUntrustedText(pull.thread.comment)}`));
  }
  if (pull.findings?.length) {
    parts.push("Address these review findings (fix each one, or explain in your reply why it is not a problem):",
      fence("findings", pull.findings.map((f) => `- ${f.title} (${f.location}): ${sanitizeUntrustedText(f.body)}`).join("\n")));
  }
  for (const check of pull.failingChecks ?? []) parts.push(`The CI check "${check.name}" failed on this branch. Its output:`, fence("check-output", check.output));
  parts.push("Your final reply replaces the pull request's description: describe the whole pull request (what it already did and what you changed now), starting with its title line.");
  return parts;
}

/** Wraps untrusted text so it cannot pretend to close the block it sits in. */
function fence(tag: string, text: string): string {
  const safe = text.replaceAll(`</${tag}>`, `<\\/${tag}>`);
  return `<${tag}>\n${safe}\n</${tag}>`;
}
