import { branchSha } from "./git.js";
import { issueHtmlUrl, toIssue, toRepo, toUser } from "./shapes.js";
import type { FakeGitHubState, IssueRecord, PullData, RepoRecord } from "./state.js";

async function toBranch(state: FakeGitHubState, repo: RepoRecord, ref: string) {
  return {
    label: `${repo.owner}:${ref}`,
    ref,
    // Read from the bare repo each time, so a later push moves the PR head like on GitHub.
    sha: (await branchSha(repo.bareDir, ref)) ?? "0000000000000000000000000000000000000000",
    user: toUser(state, repo.owner),
    repo: toRepo(state, repo),
  };
}

export async function toPull(state: FakeGitHubState, repo: RepoRecord, issue: IssueRecord & { pull: PullData }) {
  const apiRepo = `${state.url}/api/v3/repos/${repo.owner}/${repo.name}`;
  const html = issueHtmlUrl(state, repo, issue);
  const { pull_request: _link, ...asIssue } = toIssue(state, repo, issue);
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
    head: await toBranch(state, repo, issue.pull.head),
    base: await toBranch(state, repo, issue.pull.base),
    merged: false,
    merged_at: null,
    mergeable: null,
  };
}

export function isPull(issue: IssueRecord): issue is IssueRecord & { pull: PullData } {
  return issue.pull !== undefined;
}
