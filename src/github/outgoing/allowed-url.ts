import type { OutgoingPolicy } from "./outgoing-policy.js";

/**
 * Hosts nobody outside GitHub can read the request logs of. Not `github.io`: Pages sites belong
 * to their owners. `githubusercontent.com` serves raw files, avatars and uploaded images.
 */
const GITHUB_HOSTS = ["github.com", "githubusercontent.com"];

/**
 * Whether a link or image may point at `destination`. An image is fetched by GitHub's proxy as
 * soon as anyone views the page, so a URL that carries data to a host its owner can read is an
 * exfiltration channel out of a sandbox that otherwise has no network; a link is a phishing one.
 * Relative destinations resolve against GitHub itself: they are the repository's own links.
 */
export function isAllowedUrl(destination: string, policy: Pick<OutgoingPolicy, "githubHost" | "allowedOrigins">): boolean {
  const githubHost = policy.githubHost ?? "github.com";
  let url: URL;
  try {
    // CommonMark drops a backslash before punctuation: `https\://evil` is `https://evil` to GitHub.
    url = new URL(destination.trim().replace(/\\([!-/:-@[-`{-~])/g, "$1"), `https://${githubHost}/`);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  if (policy.allowedOrigins?.includes(url.origin)) return true;
  const host = url.hostname.toLowerCase();
  // The priority badges the review renders (review/render-comment.ts). Only static badges: the
  // dynamic ones (`/endpoint?url=…`, `/badge/dynamic/…?url=…`) make shields.io fetch a URL.
  if (host === "img.shields.io") return url.pathname.startsWith("/badge/") && !url.pathname.startsWith("/badge/dynamic/") && [...url.searchParams.keys()].every((key) => key === "style");
  return [githubHost.toLowerCase(), ...GITHUB_HOSTS].some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
}
