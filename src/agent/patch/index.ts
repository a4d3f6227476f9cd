export { applyPatch } from "./apply-patch.js";
export { PatchApplyError, PatchError, PatchParseError } from "./errors.js";
export { parsePatch } from "./parse-patch.js";
export type { Hunk, HunkLine, PatchOperation, PatchResult } from "./patch-types.js";
export { seekSequence } from "./seek-sequence.js";
