import { runGit, runGitOrThrow } from "./git.js";
import { syncPullRefs } from "./pull-refs.js";
import { isPull } from "./pull-shape.js";
import type { RestReply, RestRequest, Route } from "./route.js";
import { route, withRepo } from "./route.js";
import type { FakeGitHubState, RepoRecord } from "./state.js";
import { nowIso } from "./state.js";

const NO_SUCH_REF = {
  message: "Reference does not exist",
  documentation_url: "https://docs.github.com/rest/git/refs#delete-a-reference",
  status: "422",
};

/** GitHub closes the open pull requests whose head or base branch is deleted. */
async function closePullsOn(repo: RepoRecord, branch: string): Promise<void> {
  await syncPullRefs(repo); // freeze refs/pull/<n>/head first
  const now = nowIso();
  for (const pull of [...repo.issues.values()].filter(isPull)) {
    if (pull.state !== "open" || (pull.pull.head !== branch && pull.pull.base !== branch)) continue;
    Object.assign(pull, { state: "closed", closedAt: now, updatedAt: now });
  }
}

/** `DELETE /repos/{owner}/{repo}/git/refs/heads/{branch}` (or `tags/...`): 204, or 422 when missing. */
async function deleteRef(_state: FakeGitHubState, repo: RepoRecord, request: RestRequest): Promise<RestReply> {
  const ref = request.params.ref ?? "";
  if (!/^(heads|tags)\/./.test(ref)) return { status: 422, json: NO_SUCH_REF };
  const exists = await runGit(["rev-parse", "--verify", "--quiet", `refs/${ref}`], repo.bareDir);
  if (exists.exitCode !== 0) return { status: 422, json: NO_SUCH_REF };
  if (ref.startsWith("heads/")) await closePullsOn(repo, ref.slice("heads/".length));
  await runGitOrThrow(["update-ref", "-d", `refs/${ref}`], repo.bareDir);
  return { status: 204 };
}

export const gitRefRoutes: Route[] = [route("DELETE", "/repos/:owner/:repo/git/refs/*ref", withRepo(deleteRef))];
