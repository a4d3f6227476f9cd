/** Where a repository lives, as safe path components: used to name its mirror and its caches. */
export interface RepoSlug {
  /** Lower-case host name; a port is appended as `_PORT` (":" has meanings for git). */
  host: string;
  owner: string;
  /** Without `.git`. */
  repo: string;
}

export class CloneUrlError extends Error {
  constructor(cloneUrl: string, reason: string) {
    super(`Cannot use clone URL ${JSON.stringify(cloneUrl)}: ${reason}`);
    this.name = "CloneUrlError";
  }
}

/** GitHub's own limits are stricter; this only has to keep a name from meaning a path (`.github` is a real repository name). */
const NAME = /^[a-z0-9._-]{1,100}$/;
const HOST = /^[a-z0-9]([a-z0-9.-]{0,252})$/;

/**
 * Reads `https://host[:port]/owner/repo[.git]` into path components. Anything else (other
 * schemes, credentials in the URL, extra path segments, `..`, odd characters) is refused, so the
 * result can be joined onto a directory without escaping it.
 */
export function parseCloneUrl(cloneUrl: string): RepoSlug {
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch {
    throw new CloneUrlError(cloneUrl, "not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new CloneUrlError(cloneUrl, "only http(s) clone URLs are supported");
  if (url.username || url.password) throw new CloneUrlError(cloneUrl, "credentials must not be part of the URL");
  if (url.search || url.hash) throw new CloneUrlError(cloneUrl, "a query or fragment is not expected");
  const host = url.hostname.toLowerCase();
  if (!HOST.test(host) || host.includes("..")) throw new CloneUrlError(cloneUrl, "unexpected characters in the host name");
  const segments = url.pathname.split("/").filter((s) => s.length > 0);
  if (segments.length !== 2) throw new CloneUrlError(cloneUrl, "the path must be /owner/repo.git");
  const [owner, rawRepo] = segments.map((s) => s.toLowerCase()) as [string, string];
  const repo = rawRepo.replace(/\.git$/, "");
  for (const name of [owner, repo]) {
    if (!NAME.test(name) || name === "." || name === "..") throw new CloneUrlError(cloneUrl, `unexpected characters in ${JSON.stringify(name)}`);
  }
  return { host: url.port ? `${host}_${url.port}` : host, owner, repo };
}
