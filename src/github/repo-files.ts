import { httpStatusOf, type Octokit, type RepoRef } from "./types.js";

/** A file's text from the repository (default branch unless `ref`), or null when it does not exist. */
export async function readRepoFile(octokit: Octokit, repo: RepoRef, path: string, ref?: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ ...repo, path, ...(ref ? { ref } : {}) });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
    return Buffer.from(data.content, "base64").toString("utf8");
  } catch (error) {
    if (httpStatusOf(error) === 404) return null;
    throw error;
  }
}
