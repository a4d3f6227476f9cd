import type { PullRequestFile } from "../review/index.js";
import { httpStatusOf, type Octokit, type RepoRef } from "./types.js";

/** Every file of the pull request (GitHub lists at most 3,000), with GitHub's per-file `patch`. */
export async function listPullRequestFiles(octokit: Octokit, repo: RepoRef, pullNumber: number): Promise<PullRequestFile[]> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...repo, pull_number: pullNumber, per_page: 100 });
  return files as PullRequestFile[];
}

/**
 * The files that changed between two commits (for a re-review after a push), or null when
 * GitHub cannot compare them (a force-push that dropped the old head).
 */
export async function filesChangedBetween(octokit: Octokit, repo: RepoRef, base: string, head: string): Promise<Set<string> | null> {
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${head}` });
    if (data.status !== "ahead") return null;
    return new Set((data.files ?? []).flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]));
  } catch (error) {
    if (httpStatusOf(error) === 404) return null;
    throw error;
  }
}
