import type { CheckConclusion, CheckRunOutput, CheckRunRecord, CheckStatus, FakeGitHubState, RepoRecord } from "./state.js";

const STATUSES: CheckStatus[] = ["queued", "in_progress", "completed"];
const CONCLUSIONS: CheckConclusion[] = ["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"];
export const CHECKS_DOC = "https://docs.github.com/rest/checks/runs";

/** The fields of a create or update body that change a check run, checked like GitHub's schema. */
export interface CheckRunChanges {
  name?: string;
  status?: CheckStatus;
  conclusion?: CheckConclusion;
  output?: CheckRunOutput;
  detailsUrl?: string;
  externalId?: string;
}

function readOutput(raw: unknown): CheckRunOutput | string | undefined {
  if (raw === undefined) return undefined;
  const { title, summary, text } = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  if (typeof title !== "string" || typeof summary !== "string") return "For 'properties/output', title and summary are required strings.";
  return { title, summary, ...(typeof text === "string" ? { text } : {}) };
}

/** Reads the changeable fields; a string is the schema error GitHub would report. */
export function readCheckRunChanges(body: Record<string, unknown>): CheckRunChanges | string {
  const { name, status, conclusion, details_url: detailsUrl, external_id: externalId } = body;
  if (name !== undefined && (typeof name !== "string" || name === "")) return `For 'properties/name', ${JSON.stringify(name)} is not a non-empty string.`;
  if (status !== undefined && !STATUSES.includes(status as CheckStatus)) return `For 'properties/status', ${JSON.stringify(status)} is not one of ${JSON.stringify(STATUSES)}.`;
  if (conclusion !== undefined && !CONCLUSIONS.includes(conclusion as CheckConclusion)) {
    return `For 'properties/conclusion', ${JSON.stringify(conclusion)} is not one of ${JSON.stringify(CONCLUSIONS)}.`;
  }
  const output = readOutput(body.output);
  if (typeof output === "string") return output;
  return {
    ...(name === undefined ? {} : { name: name as string }),
    ...(status === undefined ? {} : { status: status as CheckStatus }),
    ...(conclusion === undefined ? {} : { conclusion: conclusion as CheckConclusion }),
    ...(output === undefined ? {} : { output }),
    ...(typeof detailsUrl === "string" ? { detailsUrl } : {}),
    ...(typeof externalId === "string" ? { externalId } : {}),
  };
}

/**
 * Applies changes the way GitHub does: a conclusion completes the run, and a completed run
 * needs a conclusion. Returns the error text instead when the result would be invalid.
 */
export function applyCheckRunChanges(run: CheckRunRecord, changes: CheckRunChanges, now: string): string | undefined {
  const conclusion = changes.conclusion ?? (changes.status === undefined || changes.status === "completed" ? run.conclusion : null);
  const status = changes.conclusion !== undefined ? "completed" : (changes.status ?? run.status);
  if (status === "completed" && conclusion === null) return "\"conclusion\" wasn't supplied: a completed check run needs one.";
  Object.assign(run, {
    name: changes.name ?? run.name,
    status,
    conclusion: status === "completed" ? conclusion : null,
    output: changes.output ?? run.output,
    detailsUrl: changes.detailsUrl ?? run.detailsUrl,
    externalId: changes.externalId ?? run.externalId,
    completedAt: status === "completed" ? (run.completedAt ?? now) : null,
  });
  return undefined;
}

/**
 * GitHub groups an app's check runs on one commit into a check suite. This fake has one app, so
 * a suite is identified by its commit alone.
 */
export function checkSuiteIdFor(headSha: string): number {
  return Number.parseInt(headSha.slice(0, 8), 16);
}

export function toCheckRun(state: FakeGitHubState, repo: RepoRecord, run: CheckRunRecord) {
  return {
    id: run.id,
    check_suite: { id: checkSuiteIdFor(run.headSha) },
    node_id: `CR_${run.id}`,
    name: run.name,
    head_sha: run.headSha,
    external_id: run.externalId,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    details_url: run.detailsUrl,
    html_url: `${state.url}/${repo.owner}/${repo.name}/runs/${run.id}`,
    url: `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/check-runs/${run.id}`,
    output: { title: run.output?.title ?? null, summary: run.output?.summary ?? null, text: run.output?.text ?? null, annotations_count: 0 },
    app: { id: state.appId, slug: state.appSlug, name: state.appSlug },
    pull_requests: [],
  };
}
