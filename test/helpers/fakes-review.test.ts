import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProbotOctokit } from "probot";
import type { FakeGitHub } from "../fakes/fake-github.js";
import { startFakeGitHub } from "../fakes/fake-github.js";
import { runGit, runGitOrThrow } from "../fakes/github/git.js";

const REPO = { owner: "acme", repo: "widgets" };
const LINES = Array.from({ length: 30 }, (_, i) => `line ${i + 1}\n`).join("");
const REVIEW_DOC = "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request";

function gitAuth(token: string): string[] {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return ["-c", `http.extraHeader=Authorization: Basic ${basic}`];
}

describe("fake GitHub: pull request review routes", () => {
  let github: FakeGitHub;
  let octokit: InstanceType<typeof ProbotOctokit>;
  let token: string;
  let work: string;
  let bareDir: string;

  beforeEach(async () => {
    github = await startFakeGitHub();
    work = await mkdtemp(join(tmpdir(), "fakes-review-"));
    ({ bareDir } = await github.createRepo({
      owner: "acme",
      name: "widgets",
      files: { "src/app.ts": LINES, "old-name.txt": "alpha\nbeta\ngamma\ndelta\n", "obsolete.txt": "gone\n", "README.md": "# widgets\n" },
    }));
    token = github.issueToken();
    octokit = new ProbotOctokit({ auth: { token }, baseUrl: github.apiUrl, retry: { enabled: false }, throttle: { enabled: false } } as never);
  });

  afterEach(async () => {
    expect(github.unhandled).toEqual([]);
    await github.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A PR by mona touching five files: modify (two hunks), add, delete, rename with an edit, binary add. */
  async function openFeaturePull(): Promise<{ number: number; head: string }> {
    const head = await github.pushBranch("acme", "widgets", "feature/review", {
      "src/app.ts": LINES.replace("line 3\n", "line three\n").replace("line 25\n", "line twenty-five\n"),
      "new.txt": "hello\nworld\n",
      "obsolete.txt": null,
      "old-name.txt": null,
      "new-name.txt": "alpha\nbeta\ngamma\ndelta\nepsilon\n",
      "logo.bin": "\u0000\u0001\u0002binary",
    });
    const pull = await github.openPullRequest("acme", "widgets", { head: "feature/review", title: "Rework", body: "Please review", user: "mona" });
    return { number: pull.number, head };
  }

  async function lsRemote(): Promise<Record<string, string>> {
    const out = await runGitOrThrow([...gitAuth(token), "ls-remote", `${github.url}/acme/widgets.git`], work);
    return Object.fromEntries(out.split("\n").filter(Boolean).map((line) => line.split("\t").reverse() as [string, string]));
  }

  test("serves the pull request and its files with GitHub's exact patches, paginated", async () => {
    const { number, head } = await openFeaturePull();
    const pull = await octokit.rest.pulls.get({ ...REPO, pull_number: number });
    expect(pull.data).toMatchObject({
      number,
      title: "Rework",
      body: "Please review",
      state: "open",
      draft: false,
      merged: false,
      user: { login: "mona" },
      html_url: `${github.url}/acme/widgets/pull/${number}`,
      head: { ref: "feature/review", sha: head, repo: { full_name: "acme/widgets", clone_url: `${github.url}/acme/widgets.git` } },
      base: { ref: "main", repo: { full_name: "acme/widgets" } },
    });

    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...REPO, pull_number: number, per_page: 2 });
    const byName = Object.fromEntries(files.map((f) => [f.filename, f]));
    expect(Object.keys(byName).sort()).toEqual(["logo.bin", "new-name.txt", "new.txt", "obsolete.txt", "src/app.ts"]);
    expect(byName["src/app.ts"]).toMatchObject({
      status: "modified",
      additions: 2,
      deletions: 2,
      changes: 4,
      patch:
        "@@ -1,6 +1,6 @@\n line 1\n line 2\n-line 3\n+line three\n line 4\n line 5\n line 6\n" +
        "@@ -22,7 +22,7 @@ line 21\n line 22\n line 23\n line 24\n-line 25\n+line twenty-five\n line 26\n line 27\n line 28",
    });
    expect(byName["new.txt"]).toMatchObject({ status: "added", additions: 2, deletions: 0, patch: "@@ -0,0 +1,2 @@\n+hello\n+world" });
    expect(byName["obsolete.txt"]).toMatchObject({ status: "removed", additions: 0, deletions: 1, patch: "@@ -1 +0,0 @@\n-gone" });
    expect(byName["new-name.txt"]).toMatchObject({
      status: "renamed",
      previous_filename: "old-name.txt",
      additions: 1,
      patch: "@@ -2,3 +2,4 @@ alpha\n beta\n gamma\n delta\n+epsilon",
    });
    expect(byName["logo.bin"]).toMatchObject({ status: "added", additions: 0, deletions: 0, changes: 0 });
    expect(byName["logo.bin"]).not.toHaveProperty("patch");
    expect(byName["new.txt"]?.sha).toBe((await runGitOrThrow(["rev-parse", `${head}:new.txt`], bareDir)).trim());

    const first = await octokit.rest.pulls.listFiles({ ...REPO, pull_number: number, per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toMatch(/<[^>]*[?&]page=2[^>]*>; rel="next"/);
    expect(first.headers.link).toMatch(/<[^>]*[?&]page=3[^>]*>; rel="last"/);
    const last = await octokit.rest.pulls.listFiles({ ...REPO, pull_number: number, per_page: 2, page: 3 });
    expect(last.data).toHaveLength(1);
    expect(last.headers.link).toBeUndefined();
  });

  test("compares two pushes of a branch: only the newer change", async () => {
    const first = await github.pushBranch("acme", "widgets", "feature/review", { "new.txt": "hello\n" });
    const second = await github.pushBranch("acme", "widgets", "feature/review", { "second.txt": "more\n" }, "Second");
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: `${first}...${second}` });
    expect(data).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0, merge_base_commit: { sha: first }, commits: [{ sha: second }] });
    expect(data.commits[0]?.commit.message).toBe("Second");
    expect(data.files?.map((f) => [f.filename, f.status, f.patch])).toEqual([["second.txt", "added", "@@ -0,0 +1 @@\n+more"]]);

    const reverse = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: `feature/review...${first}` });
    expect(reverse.data).toMatchObject({ status: "behind", ahead_by: 0, behind_by: 1, files: [] });
    await github.pushBranch("acme", "widgets", "main", { "README.md": "# widgets!\n" });
    const diverged = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: "main...feature/review" });
    expect(diverged.data).toMatchObject({ status: "diverged", ahead_by: 2, behind_by: 1 });
    expect(diverged.data.files?.map((f) => f.filename).sort()).toEqual(["new.txt", "second.txt"]);
    await expect(octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: "main...nope" })).rejects.toMatchObject({ status: 404 });
  });

  test("stores a review whose comments sit on diff lines, and threads a reply", async () => {
    const { number, head } = await openFeaturePull();
    const review = await octokit.rest.pulls.createReview({
      ...REPO,
      pull_number: number,
      commit_id: head,
      event: "COMMENT",
      body: "Two findings",
      comments: [
        { path: "src/app.ts", line: 3, side: "RIGHT", body: "Why three?" },
        { path: "src/app.ts", start_line: 22, line: 25, side: "RIGHT", body: "This block" },
        { path: "obsolete.txt", line: 1, side: "LEFT", body: "Still used?" },
      ],
    });
    expect(review.status).toBe(200);
    expect(review.data).toMatchObject({ state: "COMMENTED", commit_id: head, body: "Two findings", user: { login: "codex-bot[bot]" } });
    expect(github.reviews("acme", "widgets", number)).toMatchObject([{ id: review.data.id, event: "COMMENT", state: "COMMENTED" }]);

    const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, { ...REPO, pull_number: number });
    expect(comments).toMatchObject([
      { pull_request_review_id: review.data.id, path: "src/app.ts", line: 3, side: "RIGHT", start_line: null, commit_id: head, position: 4 },
      { path: "src/app.ts", line: 25, start_line: 22, start_side: "RIGHT", body: "This block" },
      { path: "obsolete.txt", line: 1, side: "LEFT" },
    ]);
    expect(comments[0]?.diff_hunk).toBe("@@ -1,6 +1,6 @@\n line 1\n line 2\n-line 3\n+line three");

    const first = comments[0]?.id ?? 0;
    const reply = await octokit.rest.pulls.createReplyForReviewComment({ ...REPO, pull_number: number, comment_id: first, body: "Fixed" });
    expect(reply.status).toBe(201);
    expect(reply.data).toMatchObject({ in_reply_to_id: first, path: "src/app.ts", line: 3, body: "Fixed" });
    expect(github.reviewComments("acme", "widgets", number).map((c) => c.inReplyToId)).toEqual([undefined, undefined, undefined, first]);
    const reviews = await octokit.rest.pulls.listReviews({ ...REPO, pull_number: number });
    expect(reviews.data.map((r) => r.state)).toEqual(["COMMENTED", "COMMENTED"]);
  });

  test("refuses a review with a comment GitHub cannot place, storing nothing", async () => {
    const { number } = await openFeaturePull();
    const post = (comment: Record<string, unknown>) =>
      octokit.rest.pulls.createReview({
        ...REPO,
        pull_number: number,
        event: "COMMENT",
        body: "Review",
        comments: [{ path: "src/app.ts", line: 3, body: "fine" }, { body: "bad", ...comment } as never],
      });
    const refused = (error: string) => ({ status: 422, response: { data: { message: "Unprocessable Entity", errors: [error], documentation_url: REVIEW_DOC, status: "422" } } });

    await expect(post({ path: "src/app.ts", line: 10, side: "RIGHT" })).rejects.toMatchObject(refused("Line could not be resolved"));
    await expect(post({ path: "obsolete.txt", line: 1, side: "RIGHT" })).rejects.toMatchObject(refused("Line could not be resolved"));
    await expect(post({ path: "README.md", line: 1 })).rejects.toMatchObject(refused("Path could not be resolved"));
    await expect(post({ path: "src/app.ts", start_line: 5, line: 23 })).rejects.toMatchObject(
      refused("Pull request review thread start line must be part of the same hunk as the line."),
    );
    await expect(post({ path: "src/app.ts", start_line: 24, line: 22 })).rejects.toMatchObject(
      refused("Pull request review thread start line must precede the end line."),
    );
    await expect(octokit.rest.pulls.createReview({ ...REPO, pull_number: number, event: "SHIP_IT" as never })).rejects.toMatchObject({ status: 422 });
    expect(github.reviews("acme", "widgets", number)).toEqual([]);
    expect(github.reviewComments("acme", "widgets", number)).toEqual([]);

    // The bot opened this one, and GitHub lets no author approve their own pull request.
    await github.pushBranch("acme", "widgets", "feature/other", { "x.txt": "x\n" });
    const own = await octokit.rest.pulls.create({ ...REPO, head: "feature/other", base: "main", title: "Mine" });
    await expect(octokit.rest.pulls.createReview({ ...REPO, pull_number: own.data.number, event: "APPROVE" })).rejects.toMatchObject(
      refused("Can not approve your own pull request"),
    );
  });

  test("creates, completes and lists check runs", async () => {
    const { head } = await openFeaturePull();
    const created = await octokit.rest.checks.create({ ...REPO, name: "codex review", head_sha: head, status: "in_progress" });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ name: "codex review", head_sha: head, status: "in_progress", conclusion: null });
    expect(created.data.html_url).toBe(`${github.url}/acme/widgets/runs/${created.data.id}`);

    const id = created.data.id;
    await expect(octokit.rest.checks.update({ ...REPO, check_run_id: id, status: "completed" })).rejects.toMatchObject({ status: 422 });
    const output = { title: "2 findings", summary: "See the review" };
    const done = await octokit.rest.checks.update({ ...REPO, check_run_id: id, conclusion: "neutral", output });
    expect(done.data).toMatchObject({ status: "completed", conclusion: "neutral", output: { title: "2 findings", summary: "See the review" } });

    const listed = await octokit.rest.checks.listForRef({ ...REPO, ref: "feature/review" });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs).toMatchObject([{ id, status: "completed", conclusion: "neutral" }]);
    expect((await octokit.rest.checks.listForRef({ ...REPO, ref: "main" })).data.total_count).toBe(0);
    expect(github.checkRuns("acme", "widgets")).toMatchObject([{ id, headSha: head, conclusion: "neutral" }]);
    await expect(octokit.rest.checks.create({ ...REPO, name: "x", head_sha: "0".repeat(40) })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: `No commit found for SHA: ${"0".repeat(40)}` } },
    });
  });

  test("keeps refs/pull/N/head at the head branch as it is pushed over HTTP, and refuses pushes to it", async () => {
    const { number, head } = await openFeaturePull();
    expect((await lsRemote())[`refs/pull/${number}/head`]).toBe(head);

    const clone = join(work, "clone");
    await runGitOrThrow([...gitAuth(token), "clone", "--quiet", "--branch", "feature/review", `${github.url}/acme/widgets.git`, clone], work);
    await writeFile(join(clone, "new.txt"), "hello again\n");
    await runGitOrThrow(["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qam", "Again"], clone);
    await runGitOrThrow([...gitAuth(token), "push", "--quiet", "origin", "feature/review"], clone);
    const moved = (await runGitOrThrow(["rev-parse", "HEAD"], clone)).trim();
    expect((await lsRemote())[`refs/pull/${number}/head`]).toBe(moved);

    const fetched = await runGit([...gitAuth(token), "fetch", "--quiet", "origin", `refs/pull/${number}/head`], clone);
    expect(fetched.exitCode).toBe(0);
    const forced = await runGit([...gitAuth(token), "push", "--force", "origin", `HEAD~1:refs/pull/${number}/head`], clone);
    expect(forced.stderr).toContain("deny updating a hidden ref");
    expect((await lsRemote())[`refs/pull/${number}/head`]).toBe(moved);

    const reacted = await octokit.rest.reactions.createForIssue({ ...REPO, issue_number: number, content: "eyes" });
    expect(reacted.status).toBe(201);
    expect(github.reactions("acme", "widgets")).toMatchObject([{ subject: "issue", subjectId: number, content: "eyes" }]);
  });

  test("merges a pull request with real git, then deletes its branch", async () => {
    const { number, head } = await openFeaturePull();
    await github.pushBranch("acme", "widgets", "main", { "README.md": "# widgets, moved on\n" });
    const merged = await github.mergePullRequest("acme", "widgets", number);
    const branches = await github.branches("acme", "widgets");
    expect(branches.main).toBe(merged);
    const [, ...parents] = (await runGitOrThrow(["rev-list", "--parents", "-n", "1", merged], bareDir)).trim().split(" ");
    expect(parents).toEqual([expect.any(String), head]);
    expect(await github.readFile("acme", "widgets", "new.txt")).toBe("hello\nworld\n");
    expect(await github.readFile("acme", "widgets", "README.md")).toBe("# widgets, moved on\n");

    const pull = await octokit.rest.pulls.get({ ...REPO, pull_number: number });
    expect(pull.data).toMatchObject({ merged: true, state: "closed", merge_commit_sha: merged, head: { sha: head } });

    const deleted = await octokit.rest.git.deleteRef({ ...REPO, ref: "heads/feature/review" });
    expect(deleted.status).toBe(204);
    expect(Object.keys(await github.branches("acme", "widgets"))).toEqual(["main"]);
    await expect(octokit.rest.git.deleteRef({ ...REPO, ref: "heads/feature/review" })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Reference does not exist" } },
    });
    // The merged PR still shows the change that was reviewed, from refs/pull/N/head.
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...REPO, pull_number: number });
    expect(files).toHaveLength(5);
  });

  test("closes a pull request with PATCH state=closed", async () => {
    const { number } = await openFeaturePull();
    const closed = await octokit.rest.pulls.update({ ...REPO, pull_number: number, state: "closed" });
    expect(closed.data).toMatchObject({ state: "closed", merged: false });
    expect((await octokit.rest.pulls.list({ ...REPO, state: "open" })).data).toEqual([]);
  });
});
