import { readRepoFileIfChanged } from "../github/repo-files.js";
import type { Octokit, RepoRef } from "../github/types.js";
import { parseRepoConfig, REPO_CONFIG_PATH, type RepoConfigResult } from "./repo-config.js";

/** How long handlers use a cached config without asking GitHub: a burst of ignored events costs one read. */
export const REPO_CONFIG_FRESH_MS = 60_000;
/** Repository and ref pairs kept; the one used least recently goes first. */
export const REPO_CONFIG_CACHE_ENTRIES = 1_000;

interface Entry {
  result: RepoConfigResult;
  /** GitHub's validator for the answer (also for a 404 when GitHub sends one); without it, no conditional request. */
  etag: string | undefined;
  checkedAt: number;
}

/** A pushed entry: kept for its ETag, so that the next read is a conditional request (a 304 when the file did not change). */
const STALE = Number.NEGATIVE_INFINITY;

export interface RepoConfigCacheOptions {
  now?: () => number;
  freshMs?: number;
  maxEntries?: number;
}

/** Owner and name are case-insensitive on GitHub; refs are not. Undefined is the default branch. */
function cacheKey(repo: RepoRef, ref: string | undefined): string {
  return JSON.stringify([repo.owner.toLowerCase(), repo.repo.toLowerCase(), ref ?? null]);
}

/**
 * `.github/codex.yml`, parsed, per repository and ref, created once per app. Handlers, which
 * only decide whether to act, take a copy up to `freshMs` old; tasks, which act on it, always
 * revalidate with `If-None-Match`. A push to a branch makes its entries stale.
 *
 * GitHub's ETags depend on the token that asked (https://github.com/github/docs/issues/34689;
 * GitHub support confirmed it in https://github.com/eclipse-csi/otterdog/issues/201): handlers'
 * revalidations get their 304s while Probot's installation token lasts (an hour), but a task,
 * with a token of its own, usually gets a 200: the newest copy, for the one read it made anyway.
 */
export class RepoConfigCache {
  readonly #entries = new Map<string, Entry>();
  /** One request per key at a time for `loadRecent`: a burst of concurrent deliveries shares it. */
  readonly #inFlight = new Map<string, Promise<RepoConfigResult>>();
  /** Pushes seen; an answer that was on its way during one may predate it, so it is stored stale. */
  #pushes = 0;
  readonly #now: () => number;
  readonly #freshMs: number;
  readonly #maxEntries: number;

  constructor({ now = Date.now, freshMs = REPO_CONFIG_FRESH_MS, maxEntries = REPO_CONFIG_CACHE_ENTRIES }: RepoConfigCacheOptions = {}) {
    this.#now = now;
    this.#freshMs = freshMs;
    this.#maxEntries = maxEntries;
  }

  /** The config from the default branch or `ref`, at most `freshMs` old: within that, no request at all. */
  async loadRecent(octokit: Octokit, repo: RepoRef, ref?: string): Promise<RepoConfigResult> {
    const key = cacheKey(repo, ref);
    const entry = this.#use(key);
    if (entry && this.#now() - entry.checkedAt < this.#freshMs) return entry.result;
    return this.#inFlight.get(key) ?? this.#share(key, this.#revalidate(octokit, repo, ref, key));
  }

  /** The config as GitHub has it now, asked conditionally: a 304 when unchanged reuses the parsed copy. */
  async loadLatest(octokit: Octokit, repo: RepoRef, ref?: string): Promise<RepoConfigResult> {
    return this.#revalidate(octokit, repo, ref, cacheKey(repo, ref));
  }

  /** A push moved `branch`: its config (and the default branch's, when it is that one) is asked for again on the next read. */
  invalidateBranch(repo: RepoRef, branch: string, defaultBranch: string): void {
    this.#pushes += 1;
    for (const key of [cacheKey(repo, branch), ...(branch === defaultBranch ? [cacheKey(repo, undefined)] : [])]) {
      const entry = this.#entries.get(key);
      if (entry) entry.checkedAt = STALE;
      this.#inFlight.delete(key);
    }
  }

  async #revalidate(octokit: Octokit, repo: RepoRef, ref: string | undefined, key: string): Promise<RepoConfigResult> {
    const cached = this.#entries.get(key);
    const pushes = this.#pushes;
    const read = await readRepoFileIfChanged(octokit, repo, REPO_CONFIG_PATH, { ref, etag: cached?.etag });
    const known = read.changed ? { result: parseRepoConfig(read.text), etag: read.etag } : cached;
    if (!known) throw new Error(`GitHub answered 304 Not Modified to a read of ${REPO_CONFIG_PATH} that sent no ETag`);
    const entry: Entry = { result: known.result, etag: known.etag, checkedAt: this.#pushes === pushes ? this.#now() : STALE };
    this.#remember(key, entry);
    return entry.result;
  }

  #share(key: string, request: Promise<RepoConfigResult>): Promise<RepoConfigResult> {
    this.#inFlight.set(key, request);
    const forget = () => {
      if (this.#inFlight.get(key) === request) this.#inFlight.delete(key);
    };
    request.then(forget, forget);
    return request;
  }

  /** The entry, moved to the most recently used end. */
  #use(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry) this.#remember(key, entry);
    return entry;
  }

  #remember(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }
}
