import type { EnqueueInput, EnqueueOptions, Store } from "../../store/store.js";
import type { TaskRecord } from "../../tasks/task-types.js";

/** Where a claim benchmark's task belongs: the fields the claim rules look at. */
export interface ClaimTarget {
  installationId: number;
  owner: string;
  repo: string;
  number: number;
}

let queued = 0;

/**
 * A code task that names nothing real: the claim runner never reads the request. Each gets an
 * instruction of its own, because a second identical request for an issue replaces the first.
 */
function claimTaskInput(target: ClaimTarget): EnqueueInput {
  const n = ++queued;
  return {
    kind: "code", ...target,
    request: {
      trigger: "comment", issueTitle: "bench", instruction: `bench task ${n}`, issueBody: "", sender: { login: "bench", id: 1 },
      cloneUrl: "http://127.0.0.1:9/none.git", defaultBranch: "main", htmlUrl: "http://127.0.0.1:9/none",
    },
  };
}

/** Several tasks for one issue wait their turn behind each other, as follow-up `@codex` comments do. */
const BEHIND_EACH_OTHER: EnqueueOptions = { queueBehindRunning: true };

/** Queues one task per target, in order, `inFlight` enqueues at a time; returns them in that order. */
export async function enqueueClaimTasks(store: Store, targets: ClaimTarget[], inFlight = 1): Promise<TaskRecord[]> {
  const tasks: TaskRecord[] = new Array<TaskRecord>(targets.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < targets.length; i = next++) {
      const task = await store.enqueue(claimTaskInput(targets[i]!), BEHIND_EACH_OTHER);
      if (!task) throw new Error(`the store refused bench task ${i} for ${targets[i]!.owner}/${targets[i]!.repo}#${targets[i]!.number}`);
      tasks[i] = task;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane));
  return tasks;
}
