import { PatchApplyError, PatchError } from "./errors.js";
import { parsePatch } from "./parse-patch.js";
import type { PatchResult } from "./patch-types.js";
import { planPatch, type PatchPlan } from "./plan-patch.js";
import type { WorkspaceFiles } from "../workspace-files.js";

/**
 * Applies a Codex-style patch to the work tree the host gave, all or nothing: every new
 * file content is computed first, and nothing is written unless every operation succeeds.
 * Paths are confined to the workspace: no absolute paths, `..` or `.git/` here, no symbolic
 * links in the host's `WorkspaceFiles`.
 * @throws PatchParseError or PatchApplyError (both `PatchError`) with a message for the model.
 */
export async function applyPatch(files: WorkspaceFiles, patchText: string): Promise<PatchResult> {
  // 1. Parse: a malformed patch fails before the disk is touched.
  const operations = parsePatch(patchText);
  // 2. Plan: check paths, read files, compute every new content in memory.
  const plan = await withReadableErrors(() => planPatch(files, operations));
  // 3. Write, only now that every operation is known to apply.
  await writePlan(files, plan);
  // 4. Report.
  return summarise(plan);
}

/** File system failures while planning (EACCES, EIO…) are reported to the model, not thrown raw. */
async function withReadableErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PatchError || !isErrnoException(error)) throw error;
    throw new PatchApplyError(`could not read the workspace (${error.message}); nothing was written`, { cause: error });
  }
}

async function writePlan(files: WorkspaceFiles, plan: PatchPlan): Promise<void> {
  const entries = [...plan.files];
  // Writes before deletes, so a move never loses its source before the destination exists.
  const ordered = [...entries.filter(([, file]) => file !== null), ...entries.filter(([, file]) => file === null)];
  const done: string[] = [];
  for (const [path, file] of ordered) {
    try {
      if (file) await files.write(path, file.content, file.mode);
      else await files.remove(path);
    } catch (error) {
      // Everything was checked while planning, so this is a race or a host failure.
      const message = error instanceof Error ? error.message : String(error);
      const reason = error instanceof PatchError ? message : `${path}: ${message}`;
      const written = done.length > 0 ? `already changed: ${done.join(", ")}` : "nothing was changed";
      throw new PatchApplyError(`${reason}. The patch stopped part way (${written}); re-read the files before retrying`, {
        cause: error,
      });
    }
    done.push(path);
  }
}

function summarise(plan: PatchPlan): PatchResult {
  const lines = [...new Set(plan.changes.map((change) => `${change.kind} ${change.path}`))];
  const pathsOf = (kind: "A" | "M" | "D"): string[] => [
    ...new Set(plan.changes.filter((change) => change.kind === kind).map((change) => change.path)),
  ];
  return {
    added: pathsOf("A"),
    modified: pathsOf("M"),
    deleted: pathsOf("D"),
    summary: ["Success. Updated the following files:", ...lines].join("\n"),
  };
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}
