import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { RestReply } from "./route.js";
import type { FakeGitHubState, RepoRecord } from "./state.js";

export type PermissionLevel = "read" | "write" | "admin";

/** What an installation token may do, as GitHub records it when the token is created. */
export interface TokenGrant {
  /** Repository ids the token reaches; undefined is every repository of the installation. */
  repositoryIds?: ReadonlySet<number>;
  permissions: Readonly<Record<string, PermissionLevel>>;
}

/** The app's permissions are what app.yml asks for: a token can be narrowed below them, never widened. */
export const APP_PERMISSIONS: Readonly<Record<string, PermissionLevel>> = (
  parseYaml(readFileSync(new URL("../../../app.yml", import.meta.url), "utf8")) as { default_permissions: Record<string, PermissionLevel> }
).default_permissions;

/** The permission names GitHub knows (`app-permissions` in GitHub's OpenAPI description). */
const KNOWN_PERMISSIONS = new Set([
  "actions", "administration", "checks", "codespaces", "contents", "dependabot_secrets", "deployments", "environments",
  "issues", "metadata", "packages", "pages", "pull_requests", "repository_custom_properties", "repository_hooks",
  "repository_projects", "secret_scanning_alerts", "secrets", "security_events", "single_file", "statuses",
  "vulnerability_alerts", "workflows", "members", "organization_administration", "organization_custom_roles",
  "organization_custom_org_roles", "organization_custom_properties", "organization_copilot_seat_management",
  "organization_announcement_banners", "organization_events", "organization_hooks", "organization_personal_access_tokens",
  "organization_personal_access_token_requests", "organization_plan", "organization_projects", "organization_packages",
  "organization_secrets", "organization_self_hosted_runners", "organization_user_blocking", "team_discussions",
  "email_addresses", "followers", "git_ssh_keys", "gpg_keys", "interaction_limits", "profile", "starring",
]);

const RANK: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };
const DOCS = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app";
const invalid = (message: string): RestReply => ({ status: 422, json: { message, documentation_url: DOCS, status: "422" } });

/** True when `grant` holds `level` or more of `permission`. */
export function grants(grant: TokenGrant, permission: string, level: PermissionLevel): boolean {
  const held = grant.permissions[permission];
  return held !== undefined && RANK[held] >= RANK[level];
}

export function reachesRepo(grant: TokenGrant, repo: RepoRecord): boolean {
  return grant.repositoryIds === undefined || grant.repositoryIds.has(repo.id);
}

/**
 * Reads the body of `POST /app/installations/{id}/access_tokens` as GitHub does: `repositories`
 * (names) and `repository_ids` must exist in the installation, `permissions` must be known names
 * with known levels and within the app's own; anything else is a 422.
 */
export function readTokenRequest(state: FakeGitHubState, body: unknown): TokenGrant | RestReply {
  if (body === undefined) return { permissions: APP_PERMISSIONS };
  if (typeof body !== "object" || body === null || Array.isArray(body)) return invalid("Invalid request.\n\nFor 'links/0/schema', the body is not an object.");
  const { repositories, repository_ids: repositoryIds, permissions, ...rest } = body as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) return invalid(`Invalid request.\n\n"${unknownKey}" is not a permitted key.`);
  const repos = [...state.repos.values()];
  const ids = new Set<number>();
  if (repositories !== undefined) {
    if (!Array.isArray(repositories) || repositories.some((name) => typeof name !== "string")) return invalid("Invalid request.\n\n`repositories` must be an array of names.");
    for (const name of repositories as string[]) {
      const repo = repos.find((r) => r.name === name);
      if (!repo) return invalid("There is at least one repository that does not exist or is not accessible to the parent installation.");
      ids.add(repo.id);
    }
  }
  if (repositoryIds !== undefined) {
    if (!Array.isArray(repositoryIds) || repositoryIds.some((id) => typeof id !== "number")) return invalid("Invalid request.\n\n`repository_ids` must be an array of integers.");
    for (const id of repositoryIds as number[]) {
      if (!repos.some((r) => r.id === id)) return invalid("There is at least one repository that does not exist or is not accessible to the parent installation.");
      ids.add(id);
    }
  }
  const granted = readPermissions(permissions);
  if (!granted.ok) return granted.reply;
  return { ...(repositories !== undefined || repositoryIds !== undefined ? { repositoryIds: ids } : {}), permissions: granted.permissions };
}

type PermissionsResult = { ok: true; permissions: Record<string, PermissionLevel> } | { ok: false; reply: RestReply };

function readPermissions(permissions: unknown): PermissionsResult {
  const refuse = (message: string): PermissionsResult => ({ ok: false, reply: invalid(message) });
  if (permissions === undefined) return { ok: true, permissions: { ...APP_PERMISSIONS } };
  if (typeof permissions !== "object" || permissions === null || Array.isArray(permissions)) return refuse("Invalid request.\n\n`permissions` must be an object.");
  const granted: Record<string, PermissionLevel> = {};
  for (const [name, level] of Object.entries(permissions) as [string, unknown][]) {
    if (!KNOWN_PERMISSIONS.has(name)) return refuse(`Invalid request.\n\nNo subschema in "anyOf" matched.\n"${name}" is not a permitted key.`);
    if (level !== "read" && level !== "write" && level !== "admin") return refuse(`Invalid request.\n\n"${String(level)}" is not a valid value for "${name}".`);
    const held = APP_PERMISSIONS[name];
    if (held === undefined || RANK[held] < RANK[level]) return refuse("The permissions requested are not granted to this installation.");
    granted[name] = level;
  }
  // Every token can read metadata, asked for or not.
  return { ok: true, permissions: { metadata: "read", ...granted } };
}
