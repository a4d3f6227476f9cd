import { sanitizeOutgoing, type OutgoingPolicy } from "./outgoing/sanitize-outgoing.js";
import { httpStatusOf, type Octokit, type RepoRef } from "./types.js";

export interface PullRequestRef {
  number: number;
  url: string;
  draft: boolean;
}

export interface PullRequestDraft {
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
}

export async function findOpenPullRequest(octokit: Octokit, repo: RepoRef, head: string): Promise<PullRequestRef | null> {
  const { data } = await octokit.rest.pulls.list({ ...repo, head: `${repo.owner}:${head}`, state: "open", per_page: 1 });
  const pr = data[0];
  return pr ? { number: pr.number, url: pr.html_url, draft: Boolean(pr.draft) } : null;
}

/**
 * Opens the pull request, or updates the open one for the same branch. Looking first keeps a
 * retried task from opening a second PR; the 422 branch covers a PR created between the look
 * and the create (GitHub answers "A pull request already exists"). Title and body are sanitised
 * here; `policy.closesIssue` lets the bot's own `Fixes #N` stay.
 */
export async function openOrUpdatePullRequest(octokit: Octokit, repo: RepoRef, draft: PullRequestDraft, policy?: OutgoingPolicy): Promise<PullRequestRef & { created: boolean }> {
  const pr = { ...draft, title: sanitizeOutgoing(draft.title, policy), body: sanitizeOutgoing(draft.body, policy) };
  const existing = await findOpenPullRequest(octokit, repo, pr.head);
  if (existing) return { ...(await updatePullRequest(octokit, repo, existing.number, pr, policy)), created: false };
  try {
    const { data } = await octokit.rest.pulls.create({ ...repo, title: pr.title, body: pr.body, head: pr.head, base: pr.base, draft: pr.draft });
    return { number: data.number, url: data.html_url, draft: Boolean(data.draft), created: true };
  } catch (error) {
    if (httpStatusOf(error) !== 422 || !/already exists/i.test(JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? ""))) throw error;
    const raced = await findOpenPullRequest(octokit, repo, pr.head);
    if (!raced) throw error;
    return { ...(await updatePullRequest(octokit, repo, raced.number, pr, policy)), created: false };
  }
}

/** Rewrites a pull request's title and description, sanitised like every posting. */
export async function updatePullRequest(octokit: Octokit, repo: RepoRef, number: number, pr: Pick<PullRequestDraft, "title" | "body">, policy?: OutgoingPolicy): Promise<PullRequestRef> {
  const { data } = await octokit.rest.pulls.update({ ...repo, pull_number: number, title: sanitizeOutgoing(pr.title, policy), body: sanitizeOutgoing(pr.body, policy) });
  return { number: data.number, url: data.html_url, draft: Boolean(data.draft) };
}
