import { createServer } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeServer, listenOnLoopback, sendJson } from "./http.js";
import type { FakeServer, GitRequest } from "./github/dispatch.js";
import { dispatch } from "./github/dispatch.js";
import { listBranches } from "./github/git.js";
import type { HookDeliveryAttempt } from "./github/hook-deliveries.js";
import { attemptDelivery, newDelivery, settleRedeliveries } from "./github/hook-deliveries.js";
import type { RecordedRequest, UnhandledRequest } from "./github/handle-rest.js";
import { readPath } from "./github/read-path.js";
import { issueInstallationToken } from "./github/routes-app.js";
import type { AddIssueCommentOptions, AddIssueOptions, CreatedRepo, CreateRepoOptions } from "./github/setup.js";
import { addIssue, addIssueComment, createRepo, setPermission } from "./github/setup.js";
import { findRepo } from "./github/state.js";
import { mergePullRequest } from "./github/merge-pull.js";
import type { OpenPullRequestOptions } from "./github/open-pull.js";
import { openPullRequest } from "./github/open-pull.js";
import type { FileChanges } from "./github/push-branch.js";
import { pushBranch } from "./github/push-branch.js";
import type {
  CheckRunRecord,
  CommentRecord,
  IssueRecord,
  Permission,
  PullRecord,
  ReactionRecord,
  ReviewCommentRecord,
  ReviewRecord,
} from "./github/state.js";
import { createState, requireRepo } from "./github/state.js";

export type {
  CheckRunRecord,
  CreatedRepo,
  CreateRepoOptions,
  FileChanges,
  GitRequest,
  HookDeliveryAttempt,
  OpenPullRequestOptions,
  Permission,
  PullRecord,
  RecordedRequest,
  ReviewCommentRecord,
  ReviewRecord,
  UnhandledRequest,
};

export interface DeliverOptions {
  /** `X-GitHub-Delivery`; a new GUID by default. */
  guid?: string;
}

export interface FakeGitHubOptions {
  appId?: number;
  appSlug?: string;
}

/** An in-memory GitHub (REST under /api/v3, git smart HTTP) on 127.0.0.1 for end-to-end tests. */
export interface FakeGitHub {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `${url}/api/v3`, what Probot uses with GHE_HOST=host and GHE_PROTOCOL=http. */
  apiUrl: string;
  /** `127.0.0.1:PORT`, for GHE_HOST. */
  host: string;
  /** Every REST request, in arrival order. */
  requests: RecordedRequest[];
  /** Every git smart HTTP request, with its status and git's stderr. */
  gitRequests: GitRequest[];
  /** Requests no route matched; a test should expect this to be empty. */
  unhandled: UnhandledRequest[];
  /** App JWTs presented to `/app` routes. */
  jwts: string[];
  /** Every installation token issued so far. */
  tokens: string[];
  /** The most recently issued installation token. */
  installationToken: string | undefined;
  /** Issues a token directly, for tests that talk to the fake without going through the app. */
  issueToken(): string;
  createRepo(options: CreateRepoOptions): Promise<CreatedRepo>;
  setPermission(owner: string, repo: string, username: string, permission: Permission): void;
  /** Marks a branch protected, as branch protection rules would. */
  protectBranch(owner: string, repo: string, branch: string): void;
  addIssue(owner: string, repo: string, options: AddIssueOptions): IssueRecord;
  addIssueComment(owner: string, repo: string, issueNumber: number, options: AddIssueCommentOptions): CommentRecord;
  /** Branch → commit sha, read from the bare repository now (so it sees pushes). */
  branches(owner: string, repo: string): Promise<Record<string, string>>;
  /** A file's text at a ref (default: the default branch), or undefined when missing. */
  readFile(owner: string, repo: string, path: string, ref?: string): Promise<string | undefined>;
  issues(owner: string, repo: string): IssueRecord[];
  comments(owner: string, repo: string, issueNumber?: number): CommentRecord[];
  reactions(owner: string, repo: string): ReactionRecord[];
  /**
   * Commits `files` (path → content, `null` deletes) on top of `branch`, or of the default branch
   * when `branch` is new, pushes straight into the bare repo and returns the new commit's sha.
   */
  pushBranch(owner: string, repo: string, branch: string, files: FileChanges, message?: string): Promise<string>;
  /** Opens a pull request as `options.user` (push its head first); throws GitHub's 422 text when invalid. */
  openPullRequest(owner: string, repo: string, options: OpenPullRequestOptions): Promise<PullRecord>;
  /** Merges an open pull request with real git, marks it merged and closed, returns the base's new sha. */
  mergePullRequest(owner: string, repo: string, number: number): Promise<string>;
  /** Reviews of one pull request, pending ones included, oldest first. */
  reviews(owner: string, repo: string, number: number): ReviewRecord[];
  /** Review comments (replies included) of one pull request, oldest first. */
  reviewComments(owner: string, repo: string, number: number): ReviewCommentRecord[];
  checkRuns(owner: string, repo: string): CheckRunRecord[];
  /** Where the app's webhook deliveries go (the bot's `/api/github/webhooks` URL) and how they are signed. */
  setWebhook(webhook: { url: string; secret: string }): void;
  /**
   * Delivers an event to the webhook URL as GitHub does (signed, GitHub's headers), records the
   * attempt in the app's delivery log and returns it. A failed attempt is not retried.
   */
  deliver(event: string, payload: unknown, options?: DeliverOptions): Promise<HookDeliveryAttempt>;
  /** Every delivery attempt, redeliveries included, in the order made. */
  deliveries(): HookDeliveryAttempt[];
  /**
   * Waits until every redelivery GitHub accepted (`POST /app/hook/deliveries/{id}/attempts`
   * answers 202 and attempts it afterwards) has been attempted and is in `deliveries()`.
   */
  settleRedeliveries(): Promise<void>;
  /** Sets the clock of the delivery log (delivered_at, the 3-day redelivery limit); `undefined` is real time. */
  setDeliveryClock(nowMs: number | undefined): void;
  /**
   * Takes the next request with this method whose path matches and never answers it, as a
   * GitHub that hangs; resolves when that request has arrived. Nothing it asked for happens, or,
   * with `afterHandling`, all of it does (a comment is stored) and only the answer is lost.
   */
  holdNext(method: string, pathPattern: RegExp, options?: { afterHandling?: boolean }): Promise<void>;
  /** From now until endOutage(), every REST request is answered with `status` (502 by default). */
  startOutage(status?: number): void;
  /** Ends the outage; returns how many requests it answered. */
  endOutage(): number;
  /** How many requests the current outage has answered so far. */
  outageAnswered(): number;
  /** Makes the next request with this method whose path matches fail with status and body. */
  failNext(method: string, pathPattern: RegExp, status: number, body?: unknown): void;
  close(): Promise<void>;
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const projectRoot = await mkdtemp(join(tmpdir(), "fake-github-"));
  const server: FakeServer = {
    state: createState("", options.appId ?? 1, options.appSlug ?? "codex-bot"),
    projectRoot,
    requests: [],
    unhandled: [],
    failures: [],
    holds: [],
    gitRequests: [],
  };
  const http = createServer((req, res) => {
    dispatch(server, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: `fake GitHub crashed: ${String(error)}` });
      else res.end();
    });
  });
  const port = await listenOnLoopback(http);
  const { state } = server;
  state.url = `http://127.0.0.1:${port}`;
  return {
    url: state.url,
    apiUrl: `${state.url}/api/v3`,
    host: `127.0.0.1:${port}`,
    requests: server.requests,
    gitRequests: server.gitRequests,
    unhandled: server.unhandled,
    jwts: state.jwts,
    get tokens() {
      return [...state.tokens.keys()];
    },
    get installationToken() {
      return [...state.tokens.keys()].at(-1);
    },
    issueToken: () => issueInstallationToken(state),
    createRepo: (repoOptions) => createRepo(state, projectRoot, repoOptions),
    setPermission: (owner, repo, username, permission) => setPermission(state, owner, repo, username, permission),
    protectBranch: (owner, repo, branch) => {
      const record = findRepo(state, owner, repo);
      if (!record) throw new Error(`no repo ${owner}/${repo}`);
      (record.protectedBranches ??= new Set()).add(branch);
    },
    addIssue: (owner, repo, issue) => addIssue(state, owner, repo, issue),
    addIssueComment: (owner, repo, number, comment) => addIssueComment(state, owner, repo, number, comment),
    branches: (owner, repo) => listBranches(requireRepo(state, owner, repo).bareDir),
    readFile: async (owner, repo, path, ref) => {
      const record = requireRepo(state, owner, repo);
      const entry = await readPath(record.bareDir, ref ?? record.defaultBranch, path);
      return entry?.type === "file" ? entry.content.toString("utf8") : undefined;
    },
    issues: (owner, repo) => [...requireRepo(state, owner, repo).issues.values()],
    comments: (owner, repo, number) =>
      requireRepo(state, owner, repo).comments.filter((c) => number === undefined || c.issueNumber === number),
    reactions: (owner, repo) => requireRepo(state, owner, repo).reactions,
    pushBranch: (owner, repo, branch, files, message) => pushBranch(state, owner, repo, branch, files, message),
    openPullRequest: (owner, repo, pull) => openPullRequest(state, owner, repo, pull),
    mergePullRequest: (owner, repo, number) => mergePullRequest(state, owner, repo, number),
    reviews: (owner, repo, number) => requireRepo(state, owner, repo).reviews.filter((r) => r.pullNumber === number),
    reviewComments: (owner, repo, number) => requireRepo(state, owner, repo).reviewComments.filter((c) => c.pullNumber === number),
    checkRuns: (owner, repo) => requireRepo(state, owner, repo).checkRuns,
    setWebhook: (webhook) => {
      state.hookDeliveries.webhook = { ...webhook };
    },
    deliver: (event, payload, deliverOptions = {}) => attemptDelivery(state.hookDeliveries, newDelivery(event, payload, deliverOptions.guid)),
    deliveries: () => [...state.hookDeliveries.attempts],
    settleRedeliveries: () => settleRedeliveries(state.hookDeliveries),
    setDeliveryClock: (nowMs) => {
      state.hookDeliveries.nowMs = nowMs;
    },
    holdNext: (method, pathPattern, holdOptions = {}) =>
      new Promise<void>((arrived) => server.holds.push({ method: method.toUpperCase(), pathPattern, afterHandling: holdOptions.afterHandling === true, arrived })),
    startOutage: (status = 502) => {
      server.outage = { status, answered: 0 };
    },
    endOutage: () => {
      const answered = server.outage?.answered ?? 0;
      delete server.outage;
      return answered;
    },
    outageAnswered: () => server.outage?.answered ?? 0,
    failNext: (method, pathPattern, status, body = { message: `fake failure ${status}` }) => {
      server.failures.push({ method: method.toUpperCase(), pathPattern, status, body });
    },
    close: async () => {
      await settleRedeliveries(state.hookDeliveries).catch(() => undefined);
      await closeServer(http);
      // A git process the last request started (a pull request's refs/pull ref) may still be
      // writing; rm retries ENOTEMPTY rather than fail the test's teardown.
      await rm(projectRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}
