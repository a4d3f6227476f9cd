import type { IssueCommentCreatedEvent, IssuesLabeledEvent, PullRequestOpenedEvent } from "@octokit/webhooks-types";
import {
  codeTaskFromComment, codeTaskFromLabel, fixRoundAfterReview, followUpTask, reviewAfterFix, reviewTaskFromCommand, reviewTaskFromPull,
} from "../../src/tasks/task-requests.js";
import type { CodeTask, PullTarget, ReviewTask } from "../../src/tasks/task-types.js";
import { loadExamplePayload } from "../helpers/webhooks.js";

const labeled = () => loadExamplePayload("issues", "labeled", (p) => {
  p.installation = { id: 77, node_id: "I_77" };
  p.issue.title = "add() subtracts";
  p.issue.body = "Fix add.";
  p.sender = { ...p.sender, login: "maintainer", id: 501 };
}) as IssuesLabeledEvent;

/** A pull request from a fork: its head lives in another repository than the event's. */
const fromFork = () => loadExamplePayload("pull_request", "opened", (p) => {
  p.installation = { id: 77, node_id: "I_77" };
  p.pull_request.head.repo = { ...p.pull_request.head.repo!, full_name: "someone/Hello-World", clone_url: "https://github.com/someone/Hello-World.git" };
  p.sender = { ...p.sender, login: "contributor", id: 602 };
}) as PullRequestOpenedEvent;

const requester = { login: "maintainer", id: 501 };

describe("task requests are built from where each field lives", () => {
  test("a label: the issue is the request, the labeller the requester, the repository where to clone", () => {
    const payload = labeled();
    expect(codeTaskFromLabel(payload)).toEqual({
      kind: "code", installationId: 77, owner: payload.repository.owner.login, repo: payload.repository.name, number: payload.issue.number,
      request: {
        trigger: "label", issueTitle: "add() subtracts", instruction: "Fix add.", issueBody: "Fix add.", sender: requester,
        cloneUrl: payload.repository.clone_url, defaultBranch: payload.repository.default_branch, htmlUrl: payload.issue.html_url,
      },
    });
  });

  test("an issue without a body or an installation: empty texts and installation 0, never undefined", () => {
    const payload = labeled();
    payload.issue.body = null;
    delete payload.installation;
    const input = codeTaskFromLabel(payload);
    expect(input).toMatchObject({ installationId: 0, request: { instruction: "", issueBody: "" } });
  });

  test("a comment on an issue: the comment is the instruction, the issue's body stays the body", () => {
    const payload = loadExamplePayload("issue_comment", "created") as IssueCommentCreatedEvent;
    const input = codeTaskFromComment(payload, { instruction: "add a --json flag", sender: requester });
    expect(input).toMatchObject({ kind: "code", number: payload.issue.number, request: { trigger: "comment", instruction: "add a --json flag", issueBody: payload.issue.body ?? "", sender: requester } });
  });

  test("only the sender's login and id are kept, not the payload's whole user object", () => {
    const payload = labeled();
    expect(codeTaskFromLabel(payload).request.sender).toEqual(requester);
    expect(reviewTaskFromPull(fromFork()).request.sender).toEqual({ login: "contributor", id: 602 });
  });

  test("a fork's pull request is reviewed from the base repository's clone URL", () => {
    const payload = fromFork();
    const input = reviewTaskFromPull(payload);
    expect(input).toEqual({
      kind: "review", installationId: 77, owner: "Codertocat", repo: "Hello-World", number: payload.pull_request.number,
      request: {
        trigger: "pull_request", action: "opened", headSha: payload.pull_request.head.sha, baseRef: payload.pull_request.base.ref,
        cloneUrl: "https://github.com/Codertocat/Hello-World.git", sender: { login: "contributor", id: 602 },
      },
    });
  });

  test("@codex review: the pull request's current head, the base repository, the focus only when given", () => {
    const event = fromFork();
    const pull = event.pull_request;
    expect(reviewTaskFromCommand(event, pull, { sender: requester, focus: "security" }).request).toEqual({
      trigger: "command", action: "command", headSha: pull.head.sha, baseRef: pull.base.ref, cloneUrl: event.repository.clone_url, sender: requester, focus: "security",
    });
    expect(reviewTaskFromCommand(event, pull, { sender: requester, focus: undefined }).request).not.toHaveProperty("focus");
  });

  test("a follow-up on a pull request: the PR stands in for the issue, its branches become the target", () => {
    const event = fromFork();
    const pull = event.pull_request;
    const input = followUpTask(event, pull, { instruction: "fix this", sender: requester, target: { thread: { commentId: 9, path: "a.js", line: 2, startLine: null, diffHunk: "@@", rootBody: "off by one" } } });
    expect(input).toEqual({
      kind: "code", installationId: 77, owner: "Codertocat", repo: "Hello-World", number: pull.number,
      request: {
        trigger: "comment", issueTitle: pull.title, instruction: "fix this", issueBody: pull.body ?? "", sender: requester,
        cloneUrl: event.repository.clone_url, defaultBranch: event.repository.default_branch, htmlUrl: pull.html_url,
        pull: { number: pull.number, headRef: pull.head.ref, baseRef: pull.base.ref, thread: { commentId: 9, path: "a.js", line: 2, startLine: null, diffHunk: "@@", rootBody: "off by one" } },
      },
    });
  });

  const base = { id: "t1", status: "running" as const, installationId: 88, owner: "o", repo: "calc", attempts: 1, statusCommentId: null, prNumber: null, logId: "log", summary: null, createdAt: 0, delivery: null };

  test("an automatic fix round: the review task's repository and requester, the pull request's branches and default branch", () => {
    const review: ReviewTask = { ...base, kind: "review", number: 4, request: { trigger: "pull_request", action: "opened", headSha: "abc", baseRef: "main", cloneUrl: "https://github.com/o/calc.git", sender: requester } };
    const pull = { ...fromFork().pull_request, number: 4, title: "Fix add", body: null, head: { ref: "codex/1-fix-add", sha: "abc" }, base: { ref: "main", repo: { default_branch: "trunk" } } };
    expect(fixRoundAfterReview(review, pull)).toEqual({
      kind: "code", installationId: 88, owner: "o", repo: "calc", number: 4,
      request: {
        trigger: "comment", issueTitle: "Fix add", instruction: "Fix the review findings listed below.", issueBody: "", sender: requester,
        cloneUrl: "https://github.com/o/calc.git", defaultBranch: "trunk", htmlUrl: pull.html_url,
        pull: { number: 4, headRef: "codex/1-fix-add", baseRef: "main", fixFindings: true, autoFix: true },
      },
    });
  });

  test("a re-review after a fix round: the pushed commit, incremental, counted only when the loop queued the fix", () => {
    const pull: PullTarget = { number: 4, headRef: "codex/1-fix-add", baseRef: "main", fixFindings: true, autoFix: true };
    const code: CodeTask = {
      ...base, kind: "code", number: 4,
      request: { trigger: "comment", issueTitle: "Fix add", instruction: "fix", issueBody: "", sender: requester, cloneUrl: "https://github.com/o/calc.git", defaultBranch: "main", htmlUrl: "", pull },
    };
    expect(reviewAfterFix(code, pull, "f00d")).toEqual({
      kind: "review", installationId: 88, owner: "o", repo: "calc", number: 4,
      request: { trigger: "command", action: "synchronize", headSha: "f00d", baseRef: "main", cloneUrl: "https://github.com/o/calc.git", sender: requester, afterAutoFix: true },
    });
    expect(reviewAfterFix(code, { ...pull, autoFix: undefined }, "f00d").request).toMatchObject({ afterAutoFix: false });
  });
});
