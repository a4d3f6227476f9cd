import type { TaskRecord, TaskStatus } from "../tasks/task-types.js";

export interface BotPullRequest {
  owner: string;
  repo: string;
  number: number;
  issueNumber: number;
  headRef: string;
  installationId: number;
  state: "open" | "merged" | "abandoned";
  closedAt: number | null;
  branchDeleted: boolean;
}

export interface ReviewState {
  headSha: string;
  findings: { path: string; priority: number; title: string; fingerprint: string; startLine: number; endLine: number; body: string }[];
}

/** A task left running by a process that died is retried this many times before it fails. */
export const MAX_ATTEMPTS = 3;

export type EnqueueInput = Pick<TaskRecord, "kind" | "installationId" | "owner" | "repo" | "number" | "request">;

export interface EnqueueOptions {
  /**
   * Replace a task of the same kind still waiting for this issue or PR (a newer push makes a
   * queued review of the older head pointless) and queue even while one is running; the claim
   * order keeps them one at a time.
   */
  replaceQueued?: boolean;
  /** Queue even while a task of the same kind runs for this issue or PR (it waits its turn). */
  queueBehindRunning?: boolean;
}

/** A verified webhook delivery, as the HTTP path records it before answering. */
export interface NewDelivery {
  /** GitHub's delivery GUID (`X-GitHub-Delivery`); a redelivery carries the same one. */
  id: string;
  event: string;
  action: string | null;
  installationId: number | null;
  /** `owner/repo`, when the event is about a repository. */
  repository: string | null;
  /**
   * What the event is about (`owner/repo#12`, or `owner/repo` for repository-wide events):
   * events for one target are dispatched one at a time, in the order received.
   */
  target: string;
  payload: unknown;
  receivedAt: number;
}

export type DeliveryStatus = "pending" | "processing" | "done" | "dropped";

/** A delivery in the inbox, as the dispatcher claims it. */
export interface InboxDelivery extends NewDelivery {
  status: DeliveryStatus;
  /** Dispatch attempts so far, this claim included. */
  attempts: number;
  lastError: string | null;
}

/** How a worker claims a task (see Store.claimNext). */
export interface ClaimOptions {
  /** The claiming worker's id; the task is its own while the lease lasts. */
  worker: string;
  now: number;
  /** How long the claim holds without a heartbeat (Store.renewTasks); a dead worker's claim runs out. */
  leaseMs: number;
  /** At most this many tasks of one installation run at once, over every worker; 0 = no cap. */
  maxPerInstallation?: number;
  /** At most this many tasks of one repository run at once, over every worker; 0 = no cap. */
  maxPerRepository?: number;
}

/** What a heartbeat learns of one of the worker's running tasks. */
export interface HeldTask {
  id: string;
  /** Set when someone asked to stop the task (`@codex stop`), whichever process they asked. */
  cancelRequested: string | null;
}

export interface InboxBacklog {
  /** Deliveries not yet dispatched to the end (pending, waiting for a retry, or being dispatched). */
  pending: number;
  /** received_at of the oldest of them, or null when there is none. */
  oldestReceivedAt: number | null;
}

/**
 * All of codex-bot's state: the webhook inbox, the task queue, and what the bot remembers about
 * its pull requests and reviews. One interface so that SQLite (one machine) and PostgreSQL
 * (several) implement the same semantics; `test/store/store-contract.ts` holds them to it.
 * Every method is atomic on its own.
 */
export interface Store {
  /**
   * True when other processes, on other machines, share this store (PostgreSQL): a task's log
   * then goes into the store too, because the web process may not be where the task ran.
   */
  readonly shared: boolean;

  // The inbox: every verified delivery, recorded before GitHub gets its answer.
  /** Records a delivery; false when its id is already in the inbox (a redelivery of one that arrived). */
  recordDelivery(delivery: NewDelivery): Promise<boolean>;
  /** True when the inbox holds this delivery id. */
  hasDelivery(id: string): Promise<boolean>;
  /**
   * Takes the oldest delivery that is due (`next attempt <= now`) and whose target has no older
   * delivery still unfinished, and leases it for `leaseMs`; a lease that runs out (its process
   * died) makes the delivery claimable again.
   */
  claimDelivery(now: number, leaseMs: number): Promise<InboxDelivery | null>;
  /**
   * Extends the lease of a delivery still being dispatched (a heartbeat), so that only a dead
   * process's lease runs out; false when the delivery is no longer this claim's to extend.
   */
  renewDelivery(id: string, leaseUntil: number): Promise<boolean>;
  /** The dispatcher is done with it: handled (`done`) or given up on (`dropped`, with why). */
  finishDelivery(id: string, status: "done" | "dropped", note?: string): Promise<void>;
  /** A transient failure: back to pending, due again at `nextAttemptAt`. */
  deferDelivery(id: string, nextAttemptAt: number, error: string): Promise<void>;
  /** Puts back what a previous process was dispatching when it stopped; returns how many. */
  releaseDeliveries(): Promise<number>;
  /** When the earliest delivery waiting out a retry after `now` is due; null when none waits. */
  nextDeliveryDueAt(now: number): Promise<number | null>;
  inboxBacklog(): Promise<InboxBacklog>;
  /** received_at of the newest delivery in the inbox (where the redelivery sweep can stop). */
  newestDeliveryAt(): Promise<number | undefined>;
  /** Deletes finished deliveries received before `before`; returns how many. */
  pruneDeliveries(before: number): Promise<number>;
  redeliveryRequests(id: string): Promise<{ count: number; lastAt: number } | undefined>;
  recordRedeliveryRequest(id: string, at: number): Promise<void>;

  // Tasks.
  /**
   * Queues the delivery's task, once: a second call for the same delivery (its dispatch was
   * interrupted and runs again) returns the task the first one queued, or null if it queued none.
   */
  enqueueForDelivery(deliveryId: string, input: EnqueueInput, options?: EnqueueOptions): Promise<TaskRecord | null>;
  /** Queues a task unless one is already queued or running for the same issue; returns it or null. */
  enqueue(input: EnqueueInput, options?: EnqueueOptions): Promise<TaskRecord | null>;
  get(id: string): Promise<TaskRecord | null>;
  findByLogId(logId: string): Promise<TaskRecord | null>;
  /**
   * Takes the oldest queued task whose issue or pull request has nothing running and whose
   * installation and repository are under their caps, and marks it running, leased to the worker.
   * Claims are serialised across processes, so the rules hold over every worker at once.
   * Without options: a local claim with no caps (tests, one process).
   */
  claimNext(options?: ClaimOptions): Promise<TaskRecord | null>;
  /**
   * The worker's heartbeat: extends the lease of each of its running tasks to `leaseUntil` and
   * returns those still its own (a task missing from the answer was taken over or finished).
   */
  renewTasks(worker: string, leaseUntil: number): Promise<HeldTask[]>;
  /** A worker shutting down hands a running task back to the queue; false when it was not its own. */
  releaseTask(id: string, worker: string): Promise<boolean>;
  /**
   * Running tasks whose lease ended by `leasesEndedBy` (their worker died) go back to the queue,
   * or fail after MAX_ATTEMPTS. Without it, every running task does: only for a store that no
   * other process shares, at start.
   */
  recoverInterrupted(leasesEndedBy?: number): Promise<{ requeued: number; failed: number }>;
  /** Cancels every queued task for this issue or pull request; returns how many. */
  cancelQueued(owner: string, repo: string, number: number, reason: string): Promise<number>;
  /** Asks whichever worker runs a task for this issue or pull request to stop it; returns how many. */
  requestCancel(owner: string, repo: string, number: number, reason: string): Promise<number>;
  /**
   * Calls `listener` soon after a task is queued or a cancel is requested, in any process that
   * shares the store (PostgreSQL LISTEN/NOTIFY; in-process for SQLite). Returns the unsubscribe.
   */
  watchQueue(listener: (event: "queued" | "cancel") => void): Promise<() => Promise<void>>;
  /** Appends to a task's log kept in the store (see `shared`). */
  appendTaskLog(logId: string, text: string): Promise<void>;
  /** The log kept in the store, or null when it holds none. */
  readTaskLog(logId: string): Promise<string | null>;
  /** True when a CI-fix attempt was already made for this head commit. */
  hasCiFixFor(owner: string, repo: string, number: number, headSha: string): Promise<boolean>;
  /** How many code tasks the automatic fix loop has run on a pull request. */
  countAutoFixRounds(owner: string, repo: string, number: number): Promise<number>;
  setStatusComment(id: string, commentId: number): Promise<void>;
  setPullRequest(id: string, prNumber: number): Promise<void>;
  finish(id: string, status: Exclude<TaskStatus, "queued" | "running">, summary: string): Promise<void>;
  countByStatus(status: TaskStatus): Promise<number>;

  // The bot's pull requests and reviews.
  recordBotPullRequest(pr: Pick<BotPullRequest, "owner" | "repo" | "number" | "issueNumber" | "headRef" | "installationId">): Promise<void>;
  getBotPullRequest(owner: string, repo: string, number: number): Promise<BotPullRequest | null>;
  closeBotPullRequest(owner: string, repo: string, number: number, state: "merged" | "abandoned", branchDeleted: boolean): Promise<void>;
  abandonedBranches(olderThanMs: number, now?: number): Promise<BotPullRequest[]>;
  markBranchDeleted(owner: string, repo: string, number: number): Promise<void>;
  getReviewState(owner: string, repo: string, number: number): Promise<ReviewState | null>;
  setReviewState(owner: string, repo: string, number: number, state: ReviewState): Promise<void>;

  close(): Promise<void>;
}
