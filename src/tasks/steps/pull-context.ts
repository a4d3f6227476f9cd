import type { PullContext } from "../../agent/task-prompt.js";
import type { Octokit, RepoRef } from "../../github/types.js";
import type { Store } from "../../store/store.js";
import type { CodeTask, PullTarget } from "../task-types.js";

const MAX_CHECK_OUTPUT_CHARS = 12_000;

/** What a follow-up on a pull request needs besides the request: the PR, the thread, findings or failing checks. */
export async function gatherPullContext(octokit: Octokit, repo: RepoRef, task: CodeTask, pull: PullTarget, store: Store): Promise<PullContext> {
  const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: pull.number });
  const context: PullContext = { number: pull.number, branch: pull.headRef, title: data.title, body: data.body ?? "" };
  if (pull.thread) {
    const lines = pull.thread.line === null ? "" : pull.thread.startLine ? `lines ${pull.thread.startLine}-${pull.thread.line}` : `line ${pull.thread.line}`;
    context.thread = { path: pull.thread.path, lines, diffHunk: pull.thread.diffHunk, comment: pull.thread.rootBody };
  }
  if (pull.fixFindings) {
    const state = await store.getReviewState(task.owner, task.repo, pull.number);
    context.findings = (state?.findings ?? [])
      .filter((f) => f.priority <= 1)
      .map((f) => ({ title: `P${f.priority} ${f.title}`, location: `${f.path}:${f.startLine}${f.endLine !== f.startLine ? `-${f.endLine}` : ""}`, body: f.body }));
  }
  if (pull.ciFailure) context.failingChecks = await failingChecks(octokit, repo, pull.ciFailure.checkSuiteId);
  return context;
}

/** The failed check runs of a suite with their output (title, summary, text), capped. */
async function failingChecks(octokit: Octokit, repo: RepoRef, checkSuiteId: number): Promise<{ name: string; output: string }[]> {
  const { data } = await octokit.rest.checks.listForSuite({ ...repo, check_suite_id: checkSuiteId, per_page: 50 });
  return data.check_runs
    .filter((run) => run.conclusion === "failure" || run.conclusion === "timed_out")
    .map((run) => ({
      name: run.name,
      output: [run.output.title, run.output.summary, run.output.text].filter(Boolean).join("\n\n").slice(0, MAX_CHECK_OUTPUT_CHARS) || "(the check gave no output)",
    }));
}
