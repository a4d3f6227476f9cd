import type { RepoConfig } from "../../config/repo-config.js";
import type { WorkspaceFiles } from "../../agent/workspace-files.js";
import { detectTestCommand } from "../../workspace/detect-commands.js";
import { openWorkspaceFiles } from "../../workspace/open-workspace-files.js";
import type { Checkout } from "../clone-task-workspace.js";
import type { CodeTaskContext } from "./code-task-context.js";
import { gatherTaskPrompt } from "./gather-context.js";
import { gatherPullContext } from "./pull-context.js";

/** What the agent starts from: its prompt, the work tree as it may edit it, and the test command it is told about. */
export interface AgentBrief {
  prompt: string;
  files: WorkspaceFiles;
  testCommand: string | undefined;
}

/** The prompt: the issue, maintainers' comments, AGENTS.md, config instructions, and for a follow-up the pull request. */
export async function preparePrompt(ctx: CodeTaskContext, checkout: Checkout, config: RepoConfig): Promise<AgentBrief> {
  const { octokit, repo, task } = ctx;
  const { workTree } = checkout.workspace;
  const testCommand = config.test ?? (await detectTestCommand(workTree));
  const pull = task.request.pull;
  const pullContext = pull ? await gatherPullContext(octokit, repo, task, pull, ctx.deps.store) : undefined;
  const files = await openWorkspaceFiles(workTree);
  const prompt = await gatherTaskPrompt(octokit, repo, task, files, config, testCommand, pullContext);
  return { prompt, files, testCommand };
}
