import type { HookDeliveryLog } from "./hook-deliveries.js";
import { createHookDeliveryLog } from "./hook-deliveries.js";
import type { TokenGrant } from "./token-grants.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface PullData {
  head: string;
  base: string;
  draft: boolean;
  /** Set once mergePullRequest has merged it. */
  merge?: PullMerge;
}

export interface PullMerge {
  at: string;
  commitSha: string;
  /** The base branch tip just before the merge, so the PR's diff stays what was reviewed. */
  baseSha: string;
}

export type ReviewEvent = "COMMENT" | "APPROVE" | "REQUEST_CHANGES";
export type ReviewState = "PENDING" | "COMMENTED" | "APPROVED" | "CHANGES_REQUESTED";

export interface ReviewRecord {
  id: number;
  pullNumber: number;
  user: string;
  body: string;
  /** What the request asked for; undefined leaves the review PENDING, as on GitHub. */
  event: ReviewEvent | undefined;
  state: ReviewState;
  commitId: string;
  submittedAt: string | null;
}

export interface ReviewCommentRecord {
  id: number;
  pullNumber: number;
  reviewId: number;
  path: string;
  line: number;
  side: "LEFT" | "RIGHT";
  startLine: number | null;
  startSide: "LEFT" | "RIGHT" | null;
  position: number;
  diffHunk: string;
  body: string;
  user: string;
  commitId: string;
  /** The thread's first comment, for replies. */
  inReplyToId?: number;
  createdAt: string;
  updatedAt: string;
}

export type CheckStatus = "queued" | "in_progress" | "completed";
export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required";

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  output: CheckRunOutput | null;
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string;
  completedAt: string | null;
}

export interface IssueRecord {
  number: number;
  title: string;
  body: string | null;
  user: string;
  state: "open" | "closed";
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Present when the issue is a pull request (they share one number space, as on GitHub). */
  pull?: PullData;
}

export type PullRecord = IssueRecord & { pull: PullData };

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReactionRecord {
  id: number;
  subject: "issue" | "comment";
  /** Issue number or comment id, depending on `subject`. */
  subjectId: number;
  content: string;
  user: string;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  bareDir: string;
  permissions: Map<string, Permission>;
  /** Branches GitHub would report as protected (set by tests). */
  protectedBranches?: Set<string>;
  issues: Map<number, IssueRecord>;
  comments: CommentRecord[];
  reactions: ReactionRecord[];
  reviews: ReviewRecord[];
  reviewComments: ReviewCommentRecord[];
  checkRuns: CheckRunRecord[];
}

export interface FakeGitHubState {
  url: string;
  appId: number;
  appSlug: string;
  repos: Map<string, RepoRecord>;
  /** Installation tokens the fake has issued, with what each may do; only these are accepted. */
  tokens: Map<string, TokenGrant>;
  jwts: string[];
  userIds: Map<string, number>;
  nextId: number;
  /** The app's webhook and its delivery log. */
  hookDeliveries: HookDeliveryLog;
}

export function createState(url: string, appId: number, appSlug: string): FakeGitHubState {
  return { url, appId, appSlug, repos: new Map(), tokens: new Map(), jwts: [], userIds: new Map(), nextId: 1000, hookDeliveries: createHookDeliveryLog(appId) };
}

/** Ids for comments, reactions, repos and users; GitHub's are unrelated to issue numbers. */
export function nextId(state: FakeGitHubState): number {
  state.nextId += 1;
  return state.nextId;
}

export function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

export function findRepo(state: FakeGitHubState, owner: string, repo: string): RepoRecord | undefined {
  return state.repos.get(repoKey(owner, repo));
}

/** Like findRepo, but a test helper naming a repo that was never created is a bug in the test. */
export function requireRepo(state: FakeGitHubState, owner: string, repo: string): RepoRecord {
  const record = findRepo(state, owner, repo);
  if (record === undefined) throw new Error(`fake GitHub has no repo ${owner}/${repo}; call createRepo first`);
  return record;
}

/** The next issue or pull request number: one past the highest used. */
export function nextIssueNumber(repo: RepoRecord): number {
  return Math.max(0, ...repo.issues.keys()) + 1;
}

export function botLogin(state: FakeGitHubState): string {
  return `${state.appSlug}[bot]`;
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
