import { applyHunks } from "./apply-hunks.js";
import { PatchApplyError } from "./errors.js";
import type { PatchOperation } from "./patch-types.js";
import type { WorkspaceFiles } from "../workspace-files.js";
import { toWorkspacePath, type WorkspacePath } from "./workspace-path.js";

/** The final state of one touched path: new contents, or `null` for deleted. */
export type PlannedFile = { content: string; mode?: number } | null;

export interface PatchPlan {
  files: Map<WorkspacePath, PlannedFile>;
  /** For the summary, in patch order: `A`dded, `M`odified (a move names its destination), `D`eleted. */
  changes: { kind: "A" | "M" | "D"; path: WorkspacePath }[];
}

/**
 * Works out every file's new contents without writing anything, reading each file through
 * the earlier operations of the same patch, so the patch is applied all or nothing.
 * @throws PatchApplyError for a refused path or an operation that cannot apply.
 */
export async function planPatch(files: WorkspaceFiles, operations: readonly PatchOperation[]): Promise<PatchPlan> {
  const plan: PatchPlan = { files: new Map(), changes: [] };
  for (const operation of operations) {
    if (operation.kind === "add") await planAdd(files, plan, operation.path, operation.contents);
    else if (operation.kind === "delete") await planDelete(files, plan, operation.path);
    else await planUpdate(files, plan, operation);
  }
  assertNoFileInsideAnother(plan);
  return plan;
}

async function planAdd(files: WorkspaceFiles, plan: PatchPlan, rawPath: string, content: string): Promise<void> {
  const path = toWorkspacePath(rawPath);
  await files.assertWritable(path);
  plan.files.set(path, { content });
  plan.changes.push({ kind: "A", path });
}

async function planDelete(files: WorkspaceFiles, plan: PatchPlan, rawPath: string): Promise<void> {
  const path = toWorkspacePath(rawPath);
  const planned = plan.files.get(path);
  const exists = planned === undefined ? await files.exists(path) : planned !== null;
  if (!exists) throw new PatchApplyError(`${path}: cannot delete a file that does not exist`);
  plan.files.set(path, null);
  plan.changes.push({ kind: "D", path });
}

async function planUpdate(
  files: WorkspaceFiles,
  plan: PatchPlan,
  operation: Extract<PatchOperation, { kind: "update" }>,
): Promise<void> {
  const path = toWorkspacePath(operation.path);
  const destination = operation.moveTo === undefined ? path : toWorkspacePath(operation.moveTo);
  const current = await readPlannedFile(files, plan, path);
  const content = applyHunks(current.content, operation.hunks, path);
  await files.assertWritable(destination);
  if (destination === path) {
    // Written in place, a file on disk keeps its mode (chmod could fail on a file the host does not own).
    plan.files.set(path, current.onDisk ? { content } : { content, mode: current.mode });
  } else {
    plan.files.set(path, null);
    // A moved script stays executable: the permission bits come from the source.
    plan.files.set(destination, { content, mode: current.mode });
  }
  plan.changes.push({ kind: "M", path: destination });
}

/** The file as the earlier operations of this patch left it, else as it is on disk. */
async function readPlannedFile(
  files: WorkspaceFiles,
  plan: PatchPlan,
  path: WorkspacePath,
): Promise<{ content: string; mode: number | undefined; onDisk: boolean }> {
  const planned = plan.files.get(path);
  if (planned === null) {
    throw new PatchApplyError(`${path}: file does not exist (an earlier part of this patch deletes or moves it)`);
  }
  if (planned !== undefined) return { content: planned.content, mode: planned.mode, onDisk: false };
  const { text, mode } = await files.read(path);
  return { content: text, mode, onDisk: true };
}

function assertNoFileInsideAnother(plan: PatchPlan): void {
  const written = [...plan.files].filter(([, file]) => file !== null).map(([path]) => path);
  for (const path of written) {
    const nested = written.find((other) => other.startsWith(`${path}/`));
    if (nested) throw new PatchApplyError(`'${path}' cannot be a file and also the directory of '${nested}'`);
  }
}
