import type { OutgoingPolicy } from "../../github/outgoing/sanitize-outgoing.js";
import { sanitizeOutgoing } from "../../github/outgoing/sanitize-outgoing.js";
import { openOrUpdatePullRequest } from "../../github/pull-requests.js";
import type { Octokit, RepoRef } from "../../github/types.js";
import { commitStaged, pushHead, type Identity, type TaskWorkspace } from "../../workspace/task-workspace.js";
import type { CodeTask } from "../task-types.js";

export interface Publication {
  branch: string;
  title: string;
  body: string;
  draft: boolean;
  author: Identity;
  /** The maintainer who asked, credited with a Co-authored-by trailer. */
  coAuthor: Identity;
  /** What the title and description may keep; `closesIssue` is the task's issue. */
  outgoing: OutgoingPolicy;
}

/** Commits, pushes the task branch and opens (or updates) its pull request. */
export async function publishChange(octokit: Octokit, repo: RepoRef, task: CodeTask, ws: TaskWorkspace, token: string, p: Publication) {
  // The model's title goes into the commit message too, where a closing keyword acts on merge.
  const title = sanitizeOutgoing(p.title, p.outgoing);
  const message = `${title}\n\nFixes #${task.number}\n\nCo-authored-by: ${p.coAuthor.name} <${p.coAuthor.email}>\n`;
  const sha = await commitStaged(ws, p.author, message);
  await pushHead(ws, p.branch, token);
  const pr = await openOrUpdatePullRequest(octokit, repo, { title, body: p.body, head: p.branch, base: task.request.defaultBranch, draft: p.draft }, p.outgoing);
  return { ...pr, sha };
}

/** GitHub's noreply address, which links a commit to the account without exposing an email. */
export function noreplyIdentity(login: string, id: number, host = "github.com"): Identity {
  return { name: login, email: `${id}+${login}@users.noreply.${host}` };
}
