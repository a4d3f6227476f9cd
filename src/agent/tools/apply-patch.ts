import { z } from "zod";
import { applyPatch, PatchError } from "../patch/index.js";
import type { WorkspaceFiles } from "../workspace-files.js";
import { ToolInputError, type Tool } from "./tool.js";

const parameters = z.object({
  input: z.string().min(1).describe("The whole patch, from *** Begin Patch to *** End Patch."),
});

const DESCRIPTION = `Edits files in the repository. The input is a patch in this format:
*** Begin Patch
*** Add File: path/new.txt
+first line
*** Update File: path/existing.py
@@ def function_to_change():
-    old line
+    new line
*** Delete File: path/obsolete.txt
*** End Patch
Paths are relative to the repository root. Each hunk shows context lines (starting with a space), removed lines (-) and added lines (+); \`@@ text\` seeks to a line first. Use "*** Move to: new/path" after "*** Update File" to rename.`;

export function createApplyPatchTool(files: WorkspaceFiles, onChange?: (summary: string) => void): Tool<typeof parameters> {
  return {
    name: "apply_patch",
    description: DESCRIPTION,
    parameters,
    async execute(args) {
      try {
        const result = await applyPatch(files, args.input);
        onChange?.(result.summary);
        return result.summary;
      } catch (error) {
        if (error instanceof PatchError) throw new ToolInputError(error.message);
        throw error;
      }
    },
  };
}
