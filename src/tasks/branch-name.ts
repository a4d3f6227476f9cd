const MAX_SLUG_LENGTH = 48;

/**
 * The task's branch: the same for every attempt at the same issue, so a retried or resumed
 * task pushes to the branch (and finds the PR) that an earlier attempt made.
 */
export function codexBranchName(issueNumber: number, issueTitle: string): string {
  const slug = issueTitle
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, "");
  return `codex/issue-${issueNumber}${slug ? `-${slug}` : ""}`;
}
