import type { RepoConfigCache } from "../config/repo-config-cache.js";
import type { Octokit, RepoRef } from "../github/types.js";

/**
 * Bots (GitHub Apps and logins ending in `[bot]`) never drive codex-bot unless the repository's
 * config names them in `allow_bots`; codex-bot itself never, so it cannot trigger itself in a loop.
 * Being allow-listed stands in for write access, which apps do not have.
 */
export async function isAllowedBot(repoConfig: RepoConfigCache, octokit: Octokit, repo: RepoRef, login: string, ownLogin: string): Promise<boolean> {
  if (login === ownLogin) return false;
  const parsed = await repoConfig.loadRecent(octokit, repo);
  return parsed.ok && parsed.config.allow_bots.includes(login);
}
