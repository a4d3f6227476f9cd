import { readRepoFile } from "../github/repo-files.js";
import type { Octokit, RepoRef } from "../github/types.js";
import { parseRepoConfig, REPO_CONFIG_PATH, type RepoConfigResult } from "./repo-config.js";

/**
 * `.github/codex.yml` read from GitHub and validated: from the default branch, or from `ref`
 * (a pull request's base branch, since the PR's own copy is untrusted).
 */
export async function loadRepoConfig(octokit: Octokit, repo: RepoRef, ref?: string): Promise<RepoConfigResult> {
  return parseRepoConfig(await readRepoFile(octokit, repo, REPO_CONFIG_PATH, ref));
}
