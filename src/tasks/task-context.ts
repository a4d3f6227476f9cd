import type { OutgoingPolicy } from "../github/outgoing/sanitize-outgoing.js";
import type { Octokit, RepoRef } from "../github/types.js";
import type { TaskWorkspace } from "../workspace/task-workspace.js";
import type { RunnerDeps, TaskScope } from "./runner-deps.js";
import { describeOrigin, TaskLog } from "./task-log.js";
import { taskOutgoingPolicy } from "./task-outgoing-policy.js";
import type { TaskRecord } from "./task-types.js";

/** What every step of a task is given: the outside world, the task, and what the runner opened for it. */
export interface TaskContext<T extends TaskRecord = TaskRecord> {
  deps: RunnerDeps;
  task: T;
  repo: RepoRef;
  /** The task's one repository and kind, which its client and tokens are narrowed to. */
  scope: TaskScope;
  octokit: Octokit;
  log: TaskLog;
  /** Values never posted or logged. A live list: the token and setup secrets are pushed onto it when issued. */
  secrets: string[];
  outgoing: OutgoingPolicy;
  /** What the task cloned; the runner removes it when the task ends, however it ends. */
  workspaces: TaskWorkspace[];
}

/** Opens a task: its log (first line: the delivery that queued it), its narrowed client, its posting policy. */
export async function openTaskContext<T extends TaskRecord>(deps: RunnerDeps, task: T): Promise<TaskContext<T>> {
  const repo: RepoRef = { owner: task.owner, repo: task.repo };
  const secrets = [...deps.configuredSecrets];
  const copy = deps.store.shared
    ? { append: (logId: string, text: string) => deps.store.appendTaskLog(logId, text), onError: (err: unknown) => deps.log.warn({ err, task: task.id }, "could not copy the task log to the shared store") }
    : undefined;
  const log = new TaskLog(deps.config.CODEX_DATA_DIR, task.logId, () => secrets, copy);
  log.write(describeOrigin(task));
  const outgoing = taskOutgoingPolicy(deps, task, secrets);
  const scope: TaskScope = { installationId: task.installationId, repo, kind: task.kind };
  const octokit = await deps.installationOctokit(scope);
  return { deps, task, repo, scope, octokit, log, secrets, outgoing, workspaces: [] };
}

/** However a task ends: its workspaces are removed and its log is all in the shared store. */
export async function closeTaskContext(ctx: TaskContext): Promise<void> {
  try {
    for (const workspace of ctx.workspaces) await workspace.remove();
  } finally {
    await ctx.log.flush();
  }
}
