import { collectAgentsMd } from "../../agent/agents-md.js";
import { buildTaskPrompt, type PullContext } from "../../agent/task-prompt.js";
import type { WorkspaceFiles } from "../../agent/workspace-files.js";
import { listIssueComments } from "../../github/comments.js";
import { canWrite, getPermission, isBotAccount } from "../../github/permissions.js";
import type { Octokit, RepoRef } from "../../github/types.js";
import type { RepoConfig } from "../../config/repo-config.js";
import type { CodeTask } from "../task-types.js";

/**
 * The task prompt: the issue, the discussion by people who can write to the repository (anyone
 * else's comments never reach the model), AGENTS.md files and the repo config's instructions.
 */
export async function gatherTaskPrompt(octokit: Octokit, repo: RepoRef, task: CodeTask, files: WorkspaceFiles, config: RepoConfig, testCommand: string | undefined, pull?: PullContext): Promise<string> {
  const comments = await listIssueComments(octokit, repo, task.number);
  const writers = new Map<string, boolean>();
  const trusted: { author: string; body: string }[] = [];
  for (const comment of comments) {
    if (isBotAccount({ login: comment.author, type: comment.authorType })) continue;
    if (!writers.has(comment.author)) writers.set(comment.author, canWrite(await getPermission(octokit, repo, comment.author)));
    if (writers.get(comment.author)) trusted.push({ author: comment.author, body: comment.body });
  }
  return buildTaskPrompt({
    repository: `${repo.owner}/${repo.repo}`,
    issue: { number: task.number, title: task.request.issueTitle, body: task.request.issueBody },
    ...(task.request.trigger === "comment" ? { request: task.request.instruction } : {}),
    comments: trusted,
    agentsMd: await collectAgentsMd(files),
    ...(config.instructions ? { repoInstructions: config.instructions } : {}),
    ...(testCommand ? { testCommand } : {}),
    ...(pull ? { pull } : {}),
  });
}
