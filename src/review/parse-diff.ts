import type { DiffFile, PullRequestFile } from "./diff-types.js";
import { parseFilePatch } from "./parse-hunks.js";

/**
 * Reads the files of a pull request as GitHub's "list pull request files" API returns them.
 * A file without `patch` but with changes is "omitted" (binary, or too large for GitHub to show);
 * without `patch` and without changes (a pure rename, an empty new file) it is simply empty.
 * https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
 */
export function parsePullRequestFiles(files: readonly PullRequestFile[]): DiffFile[] {
  return files.map((file) => {
    const hasPatch = file.patch !== undefined && file.patch !== "";
    return {
      path: file.filename,
      ...(file.previous_filename ? { previousPath: file.previous_filename } : {}),
      status: file.status,
      patchStatus: hasPatch || file.changes === 0 ? "complete" : "omitted",
      hunks: hasPatch ? parseFilePatch(file.patch ?? "") : [],
      additions: file.additions,
      deletions: file.deletions,
    };
  });
}
