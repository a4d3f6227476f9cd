import type { RestReply } from "./route.js";
import { grants, reachesRepo, type PermissionLevel, type TokenGrant } from "./token-grants.js";
import type { FakeGitHubState, RepoRecord } from "./state.js";
import { findRepo } from "./state.js";
import { NOT_FOUND } from "./shapes.js";

const NOT_ACCESSIBLE = { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest", status: "403" };

/**
 * Refuses a REST request its installation token was not granted, as GitHub does: 404 for a
 * repository outside the token's `repositories`, 403 without the permission the endpoint needs.
 * Issue endpoints on a pull request accept `pull_requests` as well as `issues`, as on GitHub.
 */
export function refuseOutOfScope(state: FakeGitHubState, grant: TokenGrant, method: string, pathname: string): RestReply | undefined {
  const match = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(pathname);
  if (!match) return undefined;
  const repo = findRepo(state, decodeURIComponent(match[1] ?? ""), decodeURIComponent(match[2] ?? ""));
  if (!repo) return undefined;
  if (!reachesRepo(grant, repo)) return { status: 404, json: NOT_FOUND };
  const level: PermissionLevel = method === "GET" || method === "HEAD" ? "read" : "write";
  const accepted = permissionsFor(repo, (match[3] ?? "").split("/"));
  return accepted.some((permission) => grants(grant, permission, level)) ? undefined : { status: 403, json: NOT_ACCESSIBLE };
}

/** The permissions any one of which lets a token use the endpoint under `/repos/{owner}/{repo}/`. */
function permissionsFor(repo: RepoRecord, [section = "", id = "", ...rest]: string[]): string[] {
  if (section === "" || section === "collaborators") return ["metadata"];
  if (section === "check-runs" || section === "check-suites" || rest.includes("check-runs")) return ["checks"];
  if (section === "pulls") return ["pull_requests"];
  if (section === "issues") {
    const issueNumber = id === "comments" ? repo.comments.find((c) => String(c.id) === rest[0])?.issueNumber : Number(id);
    return issueNumber !== undefined && repo.issues.get(issueNumber)?.pull ? ["issues", "pull_requests"] : ["issues"];
  }
  return ["contents"];
}

/** Git over HTTPS: fetching needs contents read, pushing contents write; another repository is not found. */
export function gitAccess(grant: TokenGrant, repo: RepoRecord, push: boolean): "ok" | "not-found" | "forbidden" {
  if (!reachesRepo(grant, repo)) return "not-found";
  return grants(grant, "contents", push ? "write" : "read") ? "ok" : "forbidden";
}
