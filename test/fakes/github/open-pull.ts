import { branchSha, countCommitsAhead } from "./git.js";
import { syncPullRefs } from "./pull-refs.js";
import type { RestReply } from "./route.js";
import { validationFailed } from "./shapes.js";
import type { FakeGitHubState, PullRecord, RepoRecord } from "./state.js";
import { nextIssueNumber, nowIso, requireRepo } from "./state.js";

export interface OpenPullRequestOptions {
  /** A branch of this repository; push it first (pushBranch). */
  head: string;
  /** Default: the repository's default branch. */
  base?: string;
  title: string;
  body?: string | null;
  /** Login of the author. */
  user: string;
  draft?: boolean;
}

function invalid(errors: Record<string, unknown>[]): RestReply {
  return { status: 422, json: validationFailed(errors) };
}

/** The 422 GitHub would give for this create request, or undefined when it is valid. */
export async function pullCreateError(repo: RepoRecord, title: unknown, head: string, base: string): Promise<RestReply | undefined> {
  if (typeof title !== "string" || title === "") return invalid([{ resource: "PullRequest", field: "title", code: "missing_field" }]);
  if ((await branchSha(repo.bareDir, head)) === undefined) return invalid([{ resource: "PullRequest", field: "head", code: "invalid" }]);
  if ((await branchSha(repo.bareDir, base)) === undefined) return invalid([{ resource: "PullRequest", field: "base", code: "invalid" }]);
  const open = [...repo.issues.values()].some((p) => p.pull !== undefined && p.state === "open" && p.pull.head === head);
  if (open) {
    const message = `A pull request already exists for ${repo.owner}:${head}.`;
    return invalid([{ resource: "PullRequest", code: "custom", message }]);
  }
  if ((await countCommitsAhead(repo.bareDir, base, head)) === 0) {
    return invalid([{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }]);
  }
  return undefined;
}

/** Records a validated pull request and points `refs/pull/<n>/head` at its head, as GitHub does on creation. */
export async function insertPull(repo: RepoRecord, options: Required<Omit<OpenPullRequestOptions, "body">> & { body: string | null }): Promise<PullRecord> {
  const now = nowIso();
  const pull: PullRecord = {
    number: nextIssueNumber(repo),
    title: options.title,
    body: options.body,
    user: options.user,
    state: "open",
    labels: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    pull: { head: options.head, base: options.base, draft: options.draft },
  };
  repo.issues.set(pull.number, pull);
  await syncPullRefs(repo);
  return pull;
}

/** Test helper: opens a pull request as `user`, throwing what GitHub would answer with 422. */
export async function openPullRequest(state: FakeGitHubState, owner: string, name: string, options: OpenPullRequestOptions): Promise<PullRecord> {
  const repo = requireRepo(state, owner, name);
  const base = options.base ?? repo.defaultBranch;
  const error = await pullCreateError(repo, options.title, options.head, base);
  if (error !== undefined) throw new Error(`fake GitHub refuses the pull request: ${JSON.stringify(error.json)}`);
  return insertPull(repo, { ...options, base, body: options.body ?? null, draft: options.draft ?? false });
}
