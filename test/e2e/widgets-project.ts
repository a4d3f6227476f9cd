import type { IssueCommentCreatedEvent, IssuesLabeledEvent, PullRequestClosedEvent, PullRequestOpenedEvent } from "@octokit/webhooks-types";
import type { FakeGitHub } from "../fakes/fake-github.js";
import type { ScriptStep } from "../fakes/fake-openai.js";
import { loadExamplePayload } from "../helpers/webhooks.js";

// The project, the agent's scripted run and the webhook payloads the end-to-end tests share.

export const SECRET = "e2e-webhook-secret";
export const OWNER = "octo";

/** A small project with a real bug and a real test that catches it. */
export const PROJECT_FILES = {
  "package.json": JSON.stringify({ name: "widgets", type: "module", scripts: { test: "node --test" } }, null, 2) + "\n",
  "src/date.js": "export function parseDate(text) {\n  const [date] = text.split(\"T\");\n  return { date, zone: null };\n}\n",
  "test/date.test.js":
    "import { test } from \"node:test\";\nimport assert from \"node:assert\";\nimport { parseDate } from \"../src/date.js\";\n\n" +
    "test(\"keeps the timezone\", () => {\n  assert.deepEqual(parseDate(\"2024-01-02T03:04:05+02:00\"), { date: \"2024-01-02\", zone: \"+02:00\" });\n});\n",
  ".github/codex.yml": "setup: []\ntest: node --test\n",
};

const FIX = `*** Begin Patch
*** Update File: src/date.js
@@
 export function parseDate(text) {
   const [date] = text.split("T");
-  return { date, zone: null };
+  const zone = /([+-]\\d\\d:\\d\\d|Z)$/.exec(text)?.[1] ?? null;
+  return { date, zone };
 }
*** End Patch`;

/** What the agent does in a successful run: plan, read, patch, test, summarise. */
export function successfulRun(): ScriptStep[] {
  // Each step's `expect` checks the request that asks for it, i.e. the result of the step before.
  return [
    { toolCalls: [{ name: "update_plan", arguments: { plan: [{ step: "Read the parser", status: "in_progress" }, { step: "Fix and test", status: "pending" }] } }] },
    { toolCalls: [{ name: "shell", arguments: { command: "cat src/date.js" } }], expect: expectToolOutput(/^Plan updated\.$/) },
    { toolCalls: [{ name: "apply_patch", arguments: { input: FIX } }], expect: expectToolOutput(/split\("T"\)/) },
    { toolCalls: [{ name: "shell", arguments: { command: "node --test" } }], expect: expectToolOutput(/Updated the following files:\nM src\/date\.js/) },
    { text: "Keep the timezone when parsing dates\n\nThe parser dropped everything after the time. It now keeps the UTC offset.\n\nRan `node --test`: 1 passed.", expect: expectToolOutput(/^exit code 0/) },
  ];
}

/** Fails the step unless the last tool result the model was sent matches. */
export function expectToolOutput(pattern: RegExp) {
  return (request: unknown) => {
    const input = (request as { input?: { type?: string; output?: string }[] }).input ?? [];
    const last = input.filter((i) => i.type === "function_call_output").at(-1);
    if (!last || !pattern.test(last.output ?? "")) throw new Error(`expected last tool output to match ${pattern}, got: ${last?.output}`);
  };
}

export function labeledPayload(fake: FakeGitHub, repo: string, cloneUrl: string, issue: { number: number; title: string; body: string }) {
  return loadExamplePayload("issues", "labeled", (event) => {
    const p = event as IssuesLabeledEvent;
    p.label = { ...p.label!, name: "codex" };
    p.issue.number = issue.number;
    p.issue.title = issue.title;
    p.issue.body = issue.body;
    p.issue.html_url = `${fake.url}/${OWNER}/${repo}/issues/${issue.number}`;
    delete (p.issue as { pull_request?: unknown }).pull_request;
    p.repository.name = repo;
    p.repository.full_name = `${OWNER}/${repo}`;
    p.repository.owner.login = OWNER;
    p.repository.clone_url = cloneUrl;
    p.repository.default_branch = "main";
    p.sender.login = "maintainer";
    p.sender.id = 4242;
    p.sender.type = "User";
    p.installation = { id: 77, node_id: "I_77" };
  });
}

export function commentPayload(fake: FakeGitHub, repo: string, cloneUrl: string, number: number, body: string) {
  return loadExamplePayload("issue_comment", "created", (event) => {
    const p = event as IssueCommentCreatedEvent;
    p.comment.body = body;
    p.comment.id = 9_000 + number;
    p.comment.user = { ...p.comment.user, login: "maintainer", id: 4242, type: "User" };
    p.issue.number = number;
    (p.issue as { pull_request?: unknown }).pull_request = { url: `${fake.apiUrl}/repos/${OWNER}/${repo}/pulls/${number}` };
    p.repository.name = repo;
    p.repository.full_name = `${OWNER}/${repo}`;
    p.repository.owner.login = OWNER;
    p.repository.clone_url = cloneUrl;
    p.repository.default_branch = "main";
    p.sender = { ...p.sender, login: "maintainer", id: 4242, type: "User" };
    p.installation = { id: 77, node_id: "I_77" };
  });
}

export function closedPayload(repo: string, number: number, headRef: string) {
  return loadExamplePayload("pull_request", "closed", (event) => {
    const p = event as PullRequestClosedEvent;
    p.pull_request.number = number;
    p.pull_request.merged = true;
    p.pull_request.head.ref = headRef;
    p.repository.name = repo;
    p.repository.full_name = `${OWNER}/${repo}`;
    p.repository.owner.login = OWNER;
    p.installation = { id: 77, node_id: "I_77" };
  });
}

export function openedPayload(repo: string, cloneUrl: string, number: number, head: { ref: string; sha: string }) {
  return loadExamplePayload("pull_request", "opened", (event) => {
    const p = event as PullRequestOpenedEvent;
    p.pull_request.number = number;
    p.pull_request.draft = false;
    p.pull_request.head.ref = head.ref;
    p.pull_request.head.sha = head.sha;
    p.pull_request.base.ref = "main";
    p.pull_request.user = { ...p.pull_request.user, login: "contributor" };
    p.repository.name = repo;
    p.repository.full_name = `${OWNER}/${repo}`;
    p.repository.owner.login = OWNER;
    p.repository.clone_url = cloneUrl;
    p.installation = { id: 77, node_id: "I_77" };
  });
}

/** The pull request with this number on the fake, in the shape the assertions read. */
export function findPull(fake: FakeGitHub, repo: string, number: number) {
  const issue = fake.issues(OWNER, repo).find((i) => i.number === number && i.pull);
  return issue?.pull ? { title: issue.title, body: issue.body ?? "", head: issue.pull.head, draft: issue.pull.draft } : undefined;
}
