import { httpStatusOf, type Octokit, type RepoRef } from "./types.js";

/** What a conditional read found: the file's text (null when it does not exist) and its validator, or no change. */
export type RepoFileRead = { changed: true; text: string | null; etag?: string } | { changed: false };

type ContentData = Awaited<ReturnType<Octokit["rest"]["repos"]["getContent"]>>["data"];

function fileText(data: ContentData): string | null {
  if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
  return Buffer.from(data.content, "base64").toString("utf8");
}

/**
 * A file's text from the repository (default branch unless `ref`; null when it does not exist),
 * read conditionally: with the `etag` of an earlier read GitHub answers 304 when nothing changed, which does not count against the primary rate limit
 * (https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
 * Octokit throws a 304 as a RequestError; it comes back here as `{ changed: false }`.
 */
export async function readRepoFileIfChanged(octokit: Octokit, repo: RepoRef, path: string, options: { ref?: string; etag?: string }): Promise<RepoFileRead> {
  const headers = options.etag ? { "if-none-match": options.etag } : {};
  try {
    const response = await octokit.rest.repos.getContent({ ...repo, path, ...(options.ref ? { ref: options.ref } : {}), headers });
    return { changed: true, text: fileText(response.data), ...etagOf(response.headers) };
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 304) return { changed: false };
    if (status === 404) return { changed: true, text: null, ...etagOf((error as { response?: { headers?: Record<string, unknown> } }).response?.headers) };
    throw error;
  }
}

function etagOf(headers: Record<string, unknown> | undefined): { etag?: string } {
  const etag = headers?.etag;
  return typeof etag === "string" && etag.length > 0 ? { etag } : {};
}
