import path from "node:path";
import { PatchApplyError } from "./errors.js";

/** A path checked by `toWorkspacePath`: relative, normalised (`a/b`), inside the workspace. */
export type WorkspacePath = string & { readonly __brand: "WorkspacePath" };

/**
 * Checks a path from the (untrusted) patch before anything touches the disk.
 * This is the lexical half; the host's `WorkspaceFiles` refuses symbolic links on disk.
 * @throws PatchApplyError saying why the path is refused.
 */
export function toWorkspacePath(raw: string): WorkspacePath {
  const refuse = (reason: string): never => {
    throw new PatchApplyError(`refusing path '${raw}': ${reason}`);
  };
  if (raw.includes("\0")) refuse("it contains a NUL byte");
  if (raw.includes("\\")) refuse("use '/' to separate directories");
  if (raw.startsWith("/") || /^[A-Za-z]:/.test(raw) || raw === "~" || raw.startsWith("~/")) {
    refuse("absolute paths are not allowed; use a path relative to the repository root");
  }
  const segments = raw.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.length === 0) refuse("it names no file");
  if (segments.includes("..")) refuse("'..' is not allowed; use a path relative to the repository root");
  // The host owns the git directory (hooks and config there run on the host). Compared
  // case-insensitively because `.GIT` is the same directory on case-insensitive filesystems.
  if (segments.some((segment) => segment.toLowerCase() === ".git")) {
    refuse("'.git' is managed by the host and cannot be patched");
  }
  const normalised = segments.join("/");
  // Defence in depth: whatever the checks above missed must still resolve inside the root.
  const root = path.posix.resolve("/workspace");
  if (!path.posix.resolve(root, normalised).startsWith(`${root}/`)) refuse("it resolves outside the workspace");
  return normalised as WorkspacePath;
}
