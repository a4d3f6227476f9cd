import type { TokenPermissions } from "../github/scoped-installation.js";
import type { TaskRecord } from "./task-types.js";

/**
 * What each task's tokens may do; each token is also limited to the task's one repository, so a
 * token that leaked by some future mistake could do as little as possible. These must stay within
 * app.yml's `default_permissions`, or GitHub refuses the token (422).
 */
export interface TaskPermissions {
  /** The token host git sends over HTTPS: fetch for a review, fetch and push for a code task. */
  git: TokenPermissions;
  /** The task's API client. Contents stays read: the repository is written through git only. */
  api: TokenPermissions;
}

export const TASK_PERMISSIONS: Readonly<Record<TaskRecord["kind"], TaskPermissions>> = {
  code: {
    git: { contents: "write" },
    // .github/codex.yml and branch protection (contents); the status comment and the issue's
    // comments (issues); open, update and answer on the pull request (pull_requests); the failed
    // checks' output for fix_ci (checks).
    api: { metadata: "read", contents: "read", issues: "write", pull_requests: "write", checks: "read" },
  },
  review: {
    git: { contents: "read" },
    // The diff, reviews, comments and reactions, all on the pull request (GitHub accepts
    // pull_requests for issue comments and reactions on a pull request); the `codex review`
    // check run (checks); the base branch's config and the compare of two heads (contents).
    api: { metadata: "read", contents: "read", pull_requests: "write", checks: "write" },
  },
};

/** The hourly sweep reads `.github/codex.yml` and deletes abandoned `codex/…` branches. */
export const BRANCH_CLEANUP_PERMISSIONS: TokenPermissions = { metadata: "read", contents: "write" };
