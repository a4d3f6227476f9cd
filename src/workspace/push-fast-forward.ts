import { authHeaderConfig, hostGit, type GitDirs } from "./host-git.js";

/**
 * Pushes HEAD onto an existing branch without force: a follow-up adds commits to a pull
 * request and must never rewrite what people already pushed there. If the branch moved since
 * the task started, git refuses and the task reports it.
 */
export async function pushFastForward(ws: GitDirs, branch: string, token: string): Promise<void> {
  await hostGit(ws, ws.workTree, authHeaderConfig(token)).raw(["push", "--quiet", "--no-verify", "origin", `HEAD:refs/heads/${branch}`]);
}
