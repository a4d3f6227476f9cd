import type { WorkspaceFiles } from "../agent/workspace-files.js";
import {
  assertWritable,
  listWorkspaceDirectory,
  openWorkspace,
  readWorkspaceFile,
  readWorkspaceFileHead,
  removeWorkspaceFile,
  statWorkspaceFile,
  writeWorkspaceFile,
} from "./workspace-fs.js";

/**
 * The file editor the host gives the agent for a task's work tree (the sandbox is the other
 * half): every call goes through workspace-fs.ts, which follows no link out of the tree.
 * @throws PatchApplyError if `dir` is not a real directory.
 */
export async function openWorkspaceFiles(dir: string): Promise<WorkspaceFiles> {
  const workspace = await openWorkspace(dir);
  return {
    exists: async (rel) => (await statWorkspaceFile(workspace, rel)) !== undefined,
    assertWritable: (rel) => assertWritable(workspace, rel),
    read: (rel) => readWorkspaceFile(workspace, rel),
    readHead: (rel, maxBytes) => readWorkspaceFileHead(workspace, rel, maxBytes),
    write: (rel, text, mode) => writeWorkspaceFile(workspace, rel, text, mode),
    remove: (rel) => removeWorkspaceFile(workspace, rel),
    list: (rel) => listWorkspaceDirectory(workspace, rel),
  };
}
