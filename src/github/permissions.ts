import type { Octokit, RepoRef } from "./types.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

/**
 * The user's role on the repository, from the collaborator-permission API.
 * `permission` folds maintain into write and triage into read; `role_name` keeps them apart.
 * https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user
 */
export async function getPermission(octokit: Octokit, repo: RepoRef, username: string): Promise<Permission> {
  const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
  const role = (data as { role_name?: string }).role_name;
  if (role === "admin" || role === "maintain" || role === "write" || role === "triage" || role === "read") return role;
  // Custom roles carry their base permission in `permission`.
  return data.permission as Permission;
}

export function canWrite(permission: Permission): boolean {
  return permission === "admin" || permission === "maintain" || permission === "write";
}

/** Accounts that must never drive the bot: GitHub Apps, and users whose login says they are bots. */
export function isBotAccount(user: { type?: string; login: string }): boolean {
  return user.type === "Bot" || user.login.endsWith("[bot]");
}

/** The one-line answer to someone who may not make the bot act. */
export function writeAccessRequired(login: string): string {
  return `@${login} codex-bot only acts for people with write, maintain or admin access to this repository, so nothing was started.`;
}
