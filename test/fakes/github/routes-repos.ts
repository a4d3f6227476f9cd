import { createHash } from "node:crypto";
import type { RestReply, Route } from "./route.js";
import { route, withRepo } from "./route.js";
import { readPath } from "./read-path.js";
import { resolveCommit } from "./git-revs.js";
import { NOT_FOUND, toRepo, toUser } from "./shapes.js";
import type { FakeGitHubState, Permission, RepoRecord } from "./state.js";

/** GitHub folds the finer roles into the legacy `permission` field. */
const LEGACY_PERMISSION: Record<Permission, string> = {
  admin: "admin",
  maintain: "write",
  write: "write",
  triage: "read",
  read: "read",
  none: "none",
};

function permissionOf(repo: RepoRecord, username: string): Permission {
  const explicit = [...repo.permissions].find(([login]) => login.toLowerCase() === username.toLowerCase());
  if (explicit !== undefined) return explicit[1];
  return username.toLowerCase() === repo.owner.toLowerCase() ? "admin" : "none";
}

function collaboratorPermission(state: FakeGitHubState, repo: RepoRecord, username: string): RestReply {
  const role = permissionOf(repo, username);
  const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(role);
  const permissions = { pull: rank >= 1, triage: rank >= 2, push: rank >= 3, maintain: rank >= 4, admin: rank >= 5 };
  return {
    status: 200,
    json: { permission: LEGACY_PERMISSION[role], role_name: role, user: { ...toUser(state, username), permissions } },
  };
}

/**
 * GitHub's ETag for a file: it changes with the content and, as GitHub's does, with the token
 * that asked (github/docs#34689), so only the same client gets a 304 for unchanged content.
 */
function contentsEtag(sha: string, authorization: string): string {
  return `"${createHash("sha1").update(`${sha}\0${authorization}`).digest("hex")}"`;
}

async function contents(state: FakeGitHubState, repo: RepoRecord, path: string, ref: string, accept: string, headers: Record<string, string | string[] | undefined> = {}): Promise<RestReply> {
  const entry = await readPath(repo.bareDir, ref, path);
  if (entry === undefined) return { status: 404, json: NOT_FOUND };
  const apiBase = `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/contents`;
  if (entry.type === "dir") {
    const items = entry.entries.map((item) => {
      const itemPath = path === "" ? item.name : `${path.replace(/\/+$/, "")}/${item.name}`;
      return { type: item.type, name: item.name, path: itemPath, sha: item.sha, url: `${apiBase}/${itemPath}` };
    });
    return { status: 200, json: items };
  }
  // `mediaType: { format: "raw" }` (used by context.config()) asks for the bytes themselves.
  if (accept.includes("application/vnd.github.v3.raw") || accept.includes("application/vnd.github.raw")) {
    return { status: 200, raw: entry.content, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
  }
  const name = path.split("/").pop() ?? path;
  const etag = contentsEtag(entry.sha, String(headers.authorization ?? ""));
  if (headers["if-none-match"] === etag) return { status: 304, headers: { etag } };
  return {
    status: 200,
    headers: { etag },
    json: {
      type: "file",
      encoding: "base64",
      // GitHub wraps base64 at 60 columns; decoders must cope with the newlines.
      content: entry.content.toString("base64").replace(/(.{60})/g, "$1\n"),
      size: entry.content.length,
      sha: entry.sha,
      path,
      name,
      url: `${apiBase}/${path}?ref=${encodeURIComponent(ref)}`,
      html_url: `${state.url}/${repo.owner}/${repo.name}/blob/${ref}/${path}`,
    },
  };
}

/** GET /repos/:o/:r/branches/:branch. Branches listed in `repo.protectedBranches` report `protected: true`. */
async function getBranch(repo: RepoRecord, branch: string): Promise<RestReply> {
  const sha = await resolveCommit(repo.bareDir, `refs/heads/${branch}`);
  if (!sha) return { status: 404, json: { message: "Branch not found" } };
  return { status: 200, json: { name: branch, commit: { sha }, protected: repo.protectedBranches?.has(branch) ?? false } };
}

export const repoRoutes: Route[] = [
  route("GET", "/repos/:owner/:repo/branches/*branch", withRepo((_state, repo, request) => getBranch(repo, decodeURIComponent(request.params.branch ?? "")))),
  route("GET", "/repos/:owner/:repo", withRepo((state, repo) => ({ status: 200, json: toRepo(state, repo) }))),
  route(
    "GET",
    "/repos/:owner/:repo/collaborators/:username/permission",
    withRepo((state, repo, request) => collaboratorPermission(state, repo, request.params.username ?? "")),
  ),
  route(
    "GET",
    "/repos/:owner/:repo/contents/*path",
    withRepo((state, repo, request) =>
      contents(
        state,
        repo,
        request.params.path ?? "",
        request.query.get("ref") ?? repo.defaultBranch,
        String(request.headers.accept ?? ""),
        request.headers,
      ),
    ),
  ),
];
