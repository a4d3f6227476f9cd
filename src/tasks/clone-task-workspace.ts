import { join } from "node:path";
import { cloneIntoWorkspace, type TaskWorkspace } from "../workspace/task-workspace.js";
import type { TaskContext } from "./task-context.js";

export interface Checkout {
  workspace: TaskWorkspace;
  /** The git token the workspace was cloned with, for pushing or fetching later. Held in memory only. */
  token: string;
  branch: string;
}

/**
 * A workspace on `branch`, from the repository's refreshed mirror, with its git directory outside
 * the agent's reach and its work tree the sandbox user's. The token joins the task's secrets before it is used, so nothing logs it.
 */
export async function cloneTaskWorkspace(ctx: TaskContext, branch: string): Promise<Checkout> {
  const { deps } = ctx;
  const token = await deps.installationToken(ctx.scope);
  ctx.secrets.push(token);
  const workspace = await cloneIntoWorkspace({
    cloneUrl: ctx.task.request.cloneUrl, branch, token,
    parentDir: join(deps.config.CODEX_DATA_DIR, "workspaces"), mirrorsDir: join(deps.config.CODEX_DATA_DIR, "mirrors"),
    ...(deps.sandboxUser ? { workTreeOwner: deps.sandboxUser } : {}),
  });
  ctx.workspaces.push(workspace);
  return { workspace, token, branch };
}
