import type { WorkspacePath } from "./patch/workspace-path.js";

/** One entry of a work-tree directory as lstat sees it: a link is `other`, never what it points at. */
export interface WorkspaceEntry {
  name: string;
  kind: "file" | "directory" | "other";
}

/**
 * The task's work tree, as the host lets the agent read and edit it: with the sandbox, the only
 * way `agent/` reaches the machine. The sandbox writes this tree, so the host's implementation
 * (`src/workspace/open-workspace-files.ts`) follows no link and writes through no hard link.
 * Paths are checked lexically by `toWorkspacePath` first. A refused path throws
 * `PatchApplyError`, whose message is for the model.
 */
export interface WorkspaceFiles {
  /** Whether `path` is a regular file; throws if it, or a directory on the way, is anything else. */
  exists(path: WorkspacePath): Promise<boolean>;
  /** Throws unless writing `path` could only ever change that one file. */
  assertWritable(path: WorkspacePath): Promise<void>;
  /** A UTF-8 text file and its permission bits; throws for a missing, binary or too large file. */
  read(path: WorkspacePath): Promise<{ text: string; mode: number }>;
  /** At most `maxBytes` of a regular file; `undefined` when `path` is not one (missing, a link…). */
  readHead(path: WorkspacePath, maxBytes: number): Promise<{ text: string; truncated: boolean } | undefined>;
  /** Writes `text`, creating parent directories; `mode` is applied when given. */
  write(path: WorkspacePath, text: string, mode?: number): Promise<void>;
  /** Removes a file; nothing happens when it does not exist. */
  remove(path: WorkspacePath): Promise<void>;
  /** A directory's entries (the root's when `dir` is absent); none when it is not a real directory. */
  list(dir?: WorkspacePath): Promise<WorkspaceEntry[]>;
}
