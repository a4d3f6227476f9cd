import { cloneTaskWorkspace, type Checkout } from "../clone-task-workspace.js";
import type { CodeTaskContext } from "./code-task-context.js";

/** The workspace: the pull request's branch for a follow-up, else the default branch. */
export async function prepareWorkspace(ctx: CodeTaskContext): Promise<Checkout> {
  const { request } = ctx.task;
  const checkout = await cloneTaskWorkspace(ctx, request.pull?.headRef ?? request.defaultBranch);
  ctx.log.write(`workspace: cloned ${checkout.branch} at ${checkout.workspace.baseSha}`);
  return checkout;
}
