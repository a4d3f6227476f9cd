import type { ProbotOctokit } from "probot";

/** The installation-authenticated client Probot hands us (retry and throttling plugins included). */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** Octokit's RequestError carries the HTTP status; anything else is not an HTTP failure. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}
