/**
 * Errors the model should read and act on. The tool wrapper turns any `PatchError` into
 * tool output; anything else is a bug or a host failure and ends the run.
 */
export class PatchError extends Error {
  override name = "PatchError";
}

/** The patch text does not follow the apply_patch grammar. */
export class PatchParseError extends PatchError {
  override name = "PatchParseError";

  constructor(
    readonly lineNumber: number,
    detail: string,
  ) {
    super(`invalid patch at line ${lineNumber}: ${detail}`);
  }
}

/** The patch is well formed but cannot be applied to the workspace (nothing was written). */
export class PatchApplyError extends PatchError {
  override name = "PatchApplyError";
}
