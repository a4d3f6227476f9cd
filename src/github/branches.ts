import { httpStatusOf, type Octokit, type RepoRef } from "./types.js";

/** Deletes a branch; true when it is gone (also when it was already deleted). */
export async function deleteBranch(octokit: Octokit, repo: RepoRef, branch: string): Promise<boolean> {
  try {
    await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${branch}` });
    return true;
  } catch (error) {
    if (httpStatusOf(error) === 422 || httpStatusOf(error) === 404) return true;
    throw error;
  }
}

/** True when the branch is protected: the bot never pushes to one, whoever asks. */
export async function isProtectedBranch(octokit: Octokit, repo: RepoRef, branch: string): Promise<boolean> {
  const { data } = await octokit.rest.repos.getBranch({ ...repo, branch });
  return data.protected;
}
