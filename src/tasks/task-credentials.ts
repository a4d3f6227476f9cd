import { createScopedOctokit, createScopedToken } from "../github/scoped-installation.js";
import type { Octokit } from "../github/types.js";
import type { RunnerDeps } from "./runner-deps.js";
import { TASK_PERMISSIONS } from "./task-permissions.js";

/** A task's API client and git token, each for its one repository with what its kind uses, from the app's JWT client. */
export function createTaskCredentials(appOctokit: () => Promise<Octokit>): Pick<RunnerDeps, "installationOctokit" | "installationToken"> {
  return {
    installationOctokit: async (scope) => createScopedOctokit(await appOctokit(), scope, TASK_PERMISSIONS[scope.kind].api),
    installationToken: async (scope) => (await createScopedToken(await appOctokit(), scope, TASK_PERMISSIONS[scope.kind].git)).token,
  };
}
