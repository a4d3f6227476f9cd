import type { CommentRecord, FakeGitHubState, IssueRecord, ReactionRecord, RepoRecord } from "./state.js";
import { nextId } from "./state.js";

/** GitHub-shaped JSON for the objects Octokit callers read. Only fields code plausibly uses. */

export function toUser(state: FakeGitHubState, login: string) {
  let id = state.userIds.get(login);
  if (id === undefined) {
    id = nextId(state);
    state.userIds.set(login, id);
  }
  return {
    login,
    id,
    node_id: `U_${id}`,
    type: login.endsWith("[bot]") ? "Bot" : "User",
    site_admin: false,
    html_url: `${state.url}/${login}`,
    avatar_url: `${state.url}/avatars/${login}`,
  };
}

export function toRepo(state: FakeGitHubState, repo: RepoRecord) {
  const fullName = `${repo.owner}/${repo.name}`;
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    owner: toUser(state, repo.owner),
    html_url: `${state.url}/${fullName}`,
    url: `${state.url}/api/v3/repos/${fullName}`,
    clone_url: `${state.url}/${fullName}.git`,
    default_branch: repo.defaultBranch,
    fork: false,
    archived: false,
    disabled: false,
  };
}

export function issueHtmlUrl(state: FakeGitHubState, repo: RepoRecord, issue: IssueRecord): string {
  const kind = issue.pull === undefined ? "issues" : "pull";
  return `${state.url}/${repo.owner}/${repo.name}/${kind}/${issue.number}`;
}

export function toIssue(state: FakeGitHubState, repo: RepoRecord, issue: IssueRecord) {
  const apiRepo = `${state.url}/api/v3/repos/${repo.owner}/${repo.name}`;
  return {
    id: issue.number + repo.id * 100_000,
    node_id: `I_${repo.id}_${issue.number}`,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    user: toUser(state, issue.user),
    state: issue.state,
    locked: false,
    labels: issue.labels.map((name, index) => ({ id: index + 1, name, color: "ededed", default: false, description: null })),
    assignees: [],
    comments: repo.comments.filter((c) => c.issueNumber === issue.number).length,
    html_url: issueHtmlUrl(state, repo, issue),
    url: `${apiRepo}/issues/${issue.number}`,
    repository_url: apiRepo,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: issue.user === repo.owner ? "OWNER" : "NONE",
    ...(issue.pull === undefined
      ? {}
      : { pull_request: { url: `${apiRepo}/pulls/${issue.number}`, html_url: issueHtmlUrl(state, repo, issue), merged_at: issue.pull.merge?.at ?? null } }),
  };
}

export function toComment(state: FakeGitHubState, repo: RepoRecord, comment: CommentRecord) {
  const issue = repo.issues.get(comment.issueNumber);
  const issueUrl = issue === undefined ? `${state.url}/${repo.owner}/${repo.name}/issues/${comment.issueNumber}` : issueHtmlUrl(state, repo, issue);
  const apiRepo = `${state.url}/api/v3/repos/${repo.owner}/${repo.name}`;
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    body: comment.body,
    user: toUser(state, comment.user),
    html_url: `${issueUrl}#issuecomment-${comment.id}`,
    url: `${apiRepo}/issues/comments/${comment.id}`,
    issue_url: `${apiRepo}/issues/${comment.issueNumber}`,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.user === repo.owner ? "OWNER" : "NONE",
  };
}

export function toReaction(state: FakeGitHubState, reaction: ReactionRecord) {
  return { id: reaction.id, node_id: `REA_${reaction.id}`, content: reaction.content, user: toUser(state, reaction.user) };
}

export const NOT_FOUND = { message: "Not Found", documentation_url: "https://docs.github.com/rest" };

export function validationFailed(errors: Record<string, unknown>[]) {
  return { message: "Validation Failed", errors, documentation_url: "https://docs.github.com/rest", status: "422" };
}
