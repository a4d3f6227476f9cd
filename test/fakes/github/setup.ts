import { join } from "node:path";
import { createBareRepo } from "./git.js";
import type { CommentRecord, FakeGitHubState, IssueRecord, Permission } from "./state.js";
import { nextId, nowIso, repoKey, requireRepo } from "./state.js";

export interface CreateRepoOptions {
  owner: string;
  name: string;
  files: Record<string, string>;
  defaultBranch?: string;
  private?: boolean;
}

export interface CreatedRepo {
  fullName: string;
  cloneUrl: string;
  bareDir: string;
}

export interface AddIssueOptions {
  number: number;
  title: string;
  body?: string | null;
  /** Login of the author. */
  user: string;
  labels?: string[];
  state?: "open" | "closed";
}

export interface AddIssueCommentOptions {
  body: string;
  user: string;
  id?: number;
}

export async function createRepo(state: FakeGitHubState, projectRoot: string, options: CreateRepoOptions): Promise<CreatedRepo> {
  const { owner, name, files, defaultBranch = "main" } = options;
  if (state.repos.has(repoKey(owner, name))) throw new Error(`fake GitHub already has ${owner}/${name}`);
  const bareDir = join(projectRoot, owner, `${name}.git`);
  await createBareRepo(bareDir, files, defaultBranch);
  state.repos.set(repoKey(owner, name), {
    id: nextId(state),
    owner,
    name,
    defaultBranch,
    private: options.private ?? false,
    bareDir,
    permissions: new Map(),
    issues: new Map(),
    comments: [],
    reactions: [],
    reviews: [],
    reviewComments: [],
    checkRuns: [],
  });
  return { fullName: `${owner}/${name}`, cloneUrl: `${state.url}/${owner}/${name}.git`, bareDir };
}

export function setPermission(state: FakeGitHubState, owner: string, repo: string, username: string, permission: Permission): void {
  requireRepo(state, owner, repo).permissions.set(username, permission);
}

export function addIssue(state: FakeGitHubState, owner: string, repo: string, options: AddIssueOptions): IssueRecord {
  const record = requireRepo(state, owner, repo);
  if (record.issues.has(options.number)) throw new Error(`${owner}/${repo}#${options.number} already exists`);
  const now = nowIso();
  const issue: IssueRecord = {
    number: options.number,
    title: options.title,
    body: options.body ?? null,
    user: options.user,
    state: options.state ?? "open",
    labels: options.labels ?? [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  record.issues.set(issue.number, issue);
  return issue;
}

export function addIssueComment(
  state: FakeGitHubState,
  owner: string,
  repo: string,
  issueNumber: number,
  options: AddIssueCommentOptions,
): CommentRecord {
  const record = requireRepo(state, owner, repo);
  if (!record.issues.has(issueNumber)) throw new Error(`${owner}/${repo}#${issueNumber} does not exist; call addIssue first`);
  const now = nowIso();
  const comment = { id: options.id ?? nextId(state), issueNumber, body: options.body, user: options.user, createdAt: now, updatedAt: now };
  record.comments.push(comment);
  return comment;
}
