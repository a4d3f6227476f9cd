import { setTimeout as sleep } from "node:timers/promises";
import { startClaimProcess, type ClaimProcess } from "../../src/cli/bench/claim-processes.js";
import { createClaimRunLog, readClaimRuns, type ClaimRun } from "../../src/cli/bench/claim-run-log.js";
import { enqueueClaimTasks, type ClaimTarget } from "../../src/cli/bench/claim-task-input.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { usePostgres } from "../helpers/postgres.js";
import { scaled } from "../helpers/time-scale.js";

const postgres = usePostgres();

const PROCESSES = 4;
const CONCURRENCY = 3;
const TASKS_PER_ISSUE = 10;
const POLL_MS = 100;
const MAX_POLLS = scaled(1_200);
// The child runs the TypeScript sources as they are (test/helpers/ts-hooks.mjs maps ./x.js to ./x.ts).
const CLAIM_PROCESS = ["node_modules/.bin/node", "--experimental-transform-types", "--disable-warning=ExperimentalWarning", "--import", "./test/helpers/ts-register.mjs", "src/cli/bench/claim-process.ts"];

/**
 * 20 issues over 4 installations, laid out so that either cap binds somewhere while one task per
 * issue stays a rule of its own: acme's three repositories could run three at once but for an
 * installation cap of 2; beta's five issues share one repository, and delta's d1 has three, which
 * only a repository cap of 2 holds back; gamma has five repositories of one issue each.
 */
const REPOSITORIES: { installationId: number; owner: string; repo: string; issues: number }[] = [
  { installationId: 1, owner: "acme", repo: "a1", issues: 2 }, { installationId: 1, owner: "acme", repo: "a2", issues: 2 }, { installationId: 1, owner: "acme", repo: "a3", issues: 1 },
  { installationId: 2, owner: "beta", repo: "b1", issues: 5 },
  ...[1, 2, 3, 4, 5].map((n) => ({ installationId: 3, owner: "gamma", repo: `c${n}`, issues: 1 })),
  { installationId: 4, owner: "delta", repo: "d1", issues: 3 }, { installationId: 4, owner: "delta", repo: "d2", issues: 2 },
];
const ISSUES: ClaimTarget[] = REPOSITORIES.flatMap((r) => Array.from({ length: r.issues }, (_, i) => ({ installationId: r.installationId, owner: r.owner, repo: r.repo, number: i + 1 })));

const issueOf = (r: ClaimTarget) => `${r.owner}/${r.repo}#${r.number}`;

/** The most runs of one group under way at once, from the runs' sequence-ordered start and end events. */
function peakRunning(runs: ClaimRun[], groupOf: (run: ClaimRun) => string): Map<string, number> {
  const events = runs.flatMap((r) => [{ seq: r.startSeq, group: groupOf(r), step: 1 }, { seq: r.endSeq, group: groupOf(r), step: -1 }]).sort((a, b) => a.seq - b.seq);
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const e of events) {
    const now = (running.get(e.group) ?? 0) + e.step;
    running.set(e.group, now);
    peak.set(e.group, Math.max(peak.get(e.group) ?? 0, now));
  }
  return peak;
}

const highest = (peaks: Map<string, number>) => Math.max(...peaks.values());

/** Polls the store a bounded number of times until every task has succeeded; fails at once on a failed task. */
async function waitForAllSucceeded(store: PostgresStore, total: number): Promise<void> {
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    const [succeeded, failed] = [await store.countByStatus("succeeded"), await store.countByStatus("failed")];
    if (failed > 0) throw new Error(`${failed} task(s) failed`);
    if (succeeded === total) return;
    await sleep(POLL_MS);
  }
  throw new Error(`not all ${total} tasks succeeded after ${MAX_POLLS} polls (${await store.countByStatus("succeeded")} did)`);
}

interface Caps {
  maxPerInstallation: number;
  maxPerRepository: number;
}

/** The caps' groupings: a cap of 0 is none. One cap at a time, above 1, so that none implies another rule. */
const CAPPED: [keyof Caps, (run: ClaimRun) => string][] = [["maxPerInstallation", (r) => String(r.installationId)], ["maxPerRepository", (r) => `${r.owner}/${r.repo}`]];

describe("claims from several worker processes on one PostgreSQL", () => {
  let processes: ClaimProcess[] = [];
  afterEach(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    processes = [];
  });

  test.each<Caps>([{ maxPerInstallation: 2, maxPerRepository: 0 }, { maxPerInstallation: 0, maxPerRepository: 2 }])("every task runs once, one at a time per issue, in queue order, within %o, and every process takes some", async (caps) => {
    const url = await postgres.freshDatabase();
    // Migrated and the run log created before the children start, so they race on neither.
    const store = await PostgresStore.open(url);
    try {
      await createClaimRunLog(url);
      processes = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => startClaimProcess(CLAIM_PROCESS, {
        CLAIM_STORE: url, CLAIM_WORKER: `worker-${i + 1}`, CLAIM_CONCURRENCY: String(CONCURRENCY), CLAIM_RECORD: "runs", CLAIM_WORK_MS: "3",
        CLAIM_MAX_PER_INSTALLATION: String(caps.maxPerInstallation), CLAIM_MAX_PER_REPOSITORY: String(caps.maxPerRepository),
      }, scaled(60_000))));
      // Issue by issue, queued while the workers already claim: the oldest tasks waiting are
      // mostly one issue's, which only the one-per-issue rule keeps from running side by side.
      const targets = ISSUES.flatMap((issue) => Array.from({ length: TASKS_PER_ISSUE }, () => issue));
      const queued = await enqueueClaimTasks(store, targets);
      await waitForAllSucceeded(store, queued.length);
      const exits = await Promise.all(processes.map((p) => p.stop()));
      expect(exits).toEqual(processes.map(() => 0));

      const runs = await readClaimRuns(url);
      expect(runs.filter((r) => Number.isNaN(r.endSeq))).toEqual([]);
      // Once each: one run row per task queued, none for anything else.
      expect(runs.map((r) => r.taskId).sort()).toEqual(queued.map((t) => t.id).sort());
      // One at a time per issue, and the cap held over all four processes together: reached (it
      // bound, so the run tested it), never passed.
      const perIssue = peakRunning(runs, issueOf);
      expect([...perIssue].filter(([, peak]) => peak > 1)).toEqual([]);
      for (const [cap, groupOf] of CAPPED.filter(([cap]) => caps[cap] > 0)) {
        expect({ [cap]: highest(peakRunning(runs, groupOf)) }).toEqual({ [cap]: caps[cap] });
      }
      // In the order queued, issue by issue.
      for (const issue of ISSUES) {
        const ran = runs.filter((r) => issueOf(r) === issueOf(issue)).map((r) => r.taskId);
        expect(ran).toEqual(queued.filter((t) => issueOf(t) === issueOf(issue)).map((t) => t.id));
      }
      const byWorker = new Map(processes.map((p) => [p.worker, runs.filter((r) => r.worker === p.worker).length]));
      expect([...byWorker].filter(([, n]) => n === 0)).toEqual([]);
    } finally {
      await store.close();
    }
  }, scaled(180_000));
});
