import { pullBaseSha, pullHeadSha } from "./pull-refs.js";
import { issueHtmlUrl, toIssue, toRepo, toUser } from "./shapes.js";
import type { FakeGitHubState, IssueRecord, PullRecord, RepoRecord } from "./state.js";

const NO_SHA = "0000000000000000000000000000000000000000";

function toBranch(state: FakeGitHubState, repo: RepoRecord, ref: string, sha: string | undefined) {
  return { label: `${repo.owner}:${ref}`, ref, sha: sha ?? NO_SHA, user: toUser(state, repo.owner), repo: toRepo(state, repo) };
}

export async function toPull(state: FakeGitHubState, repo: RepoRecord, issue: PullRecord) {
  const apiRepo = `${state.url}/api/v3/repos/${repo.owner}/${repo.name}`;
  const html = issueHtmlUrl(state, repo, issue);
  const { pull_request: _link, ...asIssue } = toIssue(state, repo, issue);
  const { merge } = issue.pull;
  // Read from the bare repo each time, so a later push moves the PR head like on GitHub.
  const headSha = await pullHeadSha(repo, issue);
  return {
    ...asIssue,
    id: asIssue.id + 50_000,
    node_id: `PR_${repo.id}_${issue.number}`,
    url: `${apiRepo}/pulls/${issue.number}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${apiRepo}/issues/${issue.number}`,
    draft: issue.pull.draft,
    head: toBranch(state, repo, issue.pull.head, headSha),
    base: toBranch(state, repo, issue.pull.base, await pullBaseSha(repo, issue)),
    merged: merge !== undefined,
    merged_at: merge?.at ?? null,
    merge_commit_sha: merge?.commitSha ?? null,
    merged_by: merge === undefined ? null : toUser(state, repo.owner),
    mergeable: merge === undefined ? null : false,
  };
}

export function isPull(issue: IssueRecord): issue is PullRecord {
  return issue.pull !== undefined;
}

/** The pull request `number` (a route parameter or a number) names, if that issue is one. */
export function findPull(repo: RepoRecord, number: string | number | undefined): PullRecord | undefined {
  const issue = repo.issues.get(Number(number));
  return issue !== undefined && isPull(issue) ? issue : undefined;
}
