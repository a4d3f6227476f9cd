import type { DiffFileRecord } from "./diff-files.js";
import { diffFiles } from "./diff-files.js";
import { commitsBetween, mergeBase, readCommit, resolveCommit } from "./git-revs.js";
import { pullDiff } from "./pull-diff.js";
import { findPull } from "./pull-shape.js";
import type { RestReply, RestRequest, Route } from "./route.js";
import { paginate, route, withRepo } from "./route.js";
import { NOT_FOUND } from "./shapes.js";
import type { FakeGitHubState, RepoRecord } from "./state.js";

/** One entry of a `files` array (pull request files, compare). */
export function toDiffFile(state: FakeGitHubState, repo: RepoRecord, ref: string, file: DiffFileRecord) {
  const path = encodeURI(file.filename);
  const web = `${state.url}/${repo.owner}/${repo.name}`;
  return {
    sha: file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${web}/blob/${ref}/${path}`,
    raw_url: `${web}/raw/${ref}/${path}`,
    contents_url: `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/contents/${path}?ref=${ref}`,
    ...(file.patch === undefined ? {} : { patch: file.patch }),
    ...(file.previousFilename === undefined ? {} : { previous_filename: file.previousFilename }),
  };
}

async function listPullFiles(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const pull = findPull(repo, request.params.number);
  const diff = pull === undefined ? undefined : await pullDiff(repo, pull);
  if (pull === undefined || diff === undefined) return { status: 404, json: NOT_FOUND };
  const files = diff.files.map((file) => toDiffFile(state, repo, diff.headSha, file));
  return paginate(files, request, `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/pulls/${pull.number}/files`);
}

async function toCommit(state: FakeGitHubState, repo: RepoRecord, sha: string) {
  const commit = await readCommit(repo.bareDir, sha);
  const person = { name: commit.authorName, email: commit.authorEmail, date: commit.authorDate };
  return {
    sha,
    node_id: `C_${sha}`,
    commit: { message: commit.message, author: person, committer: person },
    url: `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/commits/${sha}`,
    html_url: `${state.url}/${repo.owner}/${repo.name}/commit/${sha}`,
    parents: commit.parents.map((parent) => ({ sha: parent })),
  };
}

/** `owner:ref` names a ref of that owner's repository; forks are not faked, so only this repo's owner. */
function localRef(repo: RepoRecord, ref: string): string | undefined {
  const colon = ref.indexOf(":");
  if (colon === -1) return ref;
  return ref.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? ref.slice(colon + 1) : undefined;
}

function compareStatus(ahead: number, behind: number): "ahead" | "behind" | "diverged" | "identical" {
  if (ahead === 0 && behind === 0) return "identical";
  if (behind === 0) return "ahead";
  return ahead === 0 ? "behind" : "diverged";
}

/** `GET /repos/{owner}/{repo}/compare/{BASE}...{HEAD}`: commits and files from the merge base to HEAD. */
async function compare(state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const [baseRef, headRef, ...rest] = (request.params.basehead ?? "").split("...");
  if (baseRef === undefined || headRef === undefined || rest.length > 0) return { status: 404, json: NOT_FOUND };
  const base = await resolveCommit(repo.bareDir, localRef(repo, baseRef) ?? "");
  const head = await resolveCommit(repo.bareDir, localRef(repo, headRef) ?? "");
  if (base === undefined || head === undefined) return { status: 404, json: NOT_FOUND };
  const common = await mergeBase(repo.bareDir, base, head);
  if (common === undefined) return { status: 404, json: { ...NOT_FOUND, message: `No common ancestor between ${baseRef} and ${headRef}.` } };
  const ahead = await commitsBetween(repo.bareDir, common, head);
  const behind = await commitsBetween(repo.bareDir, common, base);
  const web = `${state.url}/${repo.owner}/${repo.name}`;
  return {
    status: 200,
    json: {
      url: `${state.url}/api/v3/repos/${repo.owner}/${repo.name}/compare/${baseRef}...${headRef}`,
      html_url: `${web}/compare/${baseRef}...${headRef}`,
      status: compareStatus(ahead.length, behind.length),
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      base_commit: await toCommit(state, repo, base),
      merge_base_commit: await toCommit(state, repo, common),
      commits: await Promise.all(ahead.map((sha) => toCommit(state, repo, sha))),
      files: (await diffFiles(repo.bareDir, common, head)).map((file) => toDiffFile(state, repo, head, file)),
    },
  };
}

export const diffRoutes: Route[] = [
  route("GET", "/repos/:owner/:repo/pulls/:number/files", withRepo(listPullFiles)),
  route("GET", "/repos/:owner/:repo/compare/*basehead", withRepo(compare)),
];
