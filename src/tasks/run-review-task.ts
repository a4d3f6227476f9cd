import { join } from "node:path";
import { REPO_CONFIG_PATH, type ReviewConfig } from "../config/repo-config.js";
import { startCheckRun } from "../github/check-runs.js";
import { postComment, reactToIssue } from "../github/comments.js";
import { nextFixStep } from "./review-steps/fix-loop.js";
import { filesChangedBetween, listPullRequestFiles } from "../github/pull-request-files.js";
import { findLastReviewMarker, postReview } from "../github/reviews.js";
import type { RepoRef } from "../github/types.js";
import { buildReview, filterFiles, fingerprintFindings, guidelinesForFiles, parsePullRequestFiles, type Finding } from "../review/index.js";
import { checkoutPullRequestHead, readReviewGuidelinesAt, resolveCommit } from "../workspace/review-checkout.js";
import { cloneIntoWorkspace, type TaskWorkspace } from "../workspace/task-workspace.js";
import { redactSecrets } from "./redact.js";
import { concludeCheckRun } from "./review-steps/conclude-check-run.js";
import { reviewWithModel } from "./review-steps/review-with-model.js";
import { decideVerdict } from "./review-steps/review-verdict.js";
import type { RunnerDeps } from "./runner-deps.js";
import { describeOrigin, TaskLog } from "./task-log.js";
import { taskOutgoingPolicy } from "./task-outgoing-policy.js";
import { fixRoundAfterReview } from "./task-requests.js";
import type { ReviewTask } from "./task-types.js";

/** One pull request review, start to finish, in numbered steps: one GitHub review, one check run. */
export function createReviewTaskRunner(deps: RunnerDeps) {
  return async function runReviewTask(task: ReviewTask): Promise<void> {
    const repo: RepoRef = { owner: task.owner, repo: task.repo };
    const secrets = [...deps.configuredSecrets];
    const log = new TaskLog(deps.config.CODEX_DATA_DIR, task.logId, () => secrets);
    log.write(describeOrigin(task));
    const outgoing = taskOutgoingPolicy(deps, task, secrets);
    const concluding = { log: deps.log, taskId: task.id, outgoing };
    const scope = { installationId: task.installationId, repo, kind: task.kind };
    const octokit = await deps.installationOctokit(scope);
    let checkRunId: number | undefined;
    let ws: TaskWorkspace | undefined;
    const finish = async (status: "succeeded" | "failed" | "refused" | "cancelled", summary: string) => {
      log.write(`finished: ${status}: ${summary}`);
      await deps.store.finish(task.id, status, summary);
    };
    try {
      // 1. The pull request as it is now; a review of an outdated head is pointless.
      const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: task.number });
      if (pull.state !== "open") return await finish("cancelled", "the pull request is closed");
      if (pull.head.sha !== task.request.headSha && task.request.trigger === "pull_request") return await finish("cancelled", "a newer push will be reviewed instead");
      const headSha = pull.head.sha;
      const health = deps.sandboxHealth();
      if (!health.ok) return await finish("refused", `sandbox unavailable: ${health.reason}`);

      // 2. Settings and review rules come from the base branch: the PR's own copy is untrusted.
      const parsed = await deps.repoConfig.loadLatest(octokit, repo, pull.base.ref);
      if (!parsed.ok) return await finish("refused", `invalid ${REPO_CONFIG_PATH}: ${parsed.errors.join("; ")}`);
      const config: ReviewConfig = parsed.config.review;
      checkRunId = await startCheckRun(octokit, repo, headSha, deps.logUrl(task.logId));

      // 3. What to review: the whole diff, or on a push only what changed since the last review.
      const allFiles = parsePullRequestFiles(await listPullRequestFiles(octokit, repo, task.number));
      const bot = (await deps.botIdentity(octokit)).name;
      const marker = await findLastReviewMarker(octokit, repo, task.number, bot);
      const since = marker && marker.head !== headSha && task.request.action === "synchronize" ? marker.head : undefined;
      const changed = since ? await filesChangedBetween(octokit, repo, since, headSha) : null;
      const inScope = changed ? allFiles.filter((f) => changed.has(f.path)) : allFiles;
      const { reviewed, skipped } = filterFiles(inScope, { paths: config.paths, ignorePaths: config.ignore_paths });
      log.write(`review: ${reviewed.length} files to review, ${skipped.length} skipped${changed ? ` (changes since ${since})` : ""}`);

      // 4. The head checked out for reading, and the base branch's AGENTS.md review guidelines.
      const token = await deps.installationToken(scope);
      secrets.push(token);
      ws = await cloneIntoWorkspace({ cloneUrl: task.request.cloneUrl, branch: pull.base.ref, token, parentDir: join(deps.config.CODEX_DATA_DIR, "workspaces"), mirrorsDir: join(deps.config.CODEX_DATA_DIR, "mirrors") });
      const baseSha = await resolveCommit(ws, "HEAD");
      await checkoutPullRequestHead(ws, task.number, headSha, token);
      const guidelines = guidelinesForFiles(await readReviewGuidelinesAt(ws, baseSha), reviewed.map((f) => f.path));

      // 5. The model reads the diff (and the checkout, read-only, without network) and answers in JSON.
      const sandbox = deps.createSandbox({ workspace: ws.workTree, network: false, readOnly: [{ host: ws.workTree, sandbox: "/workspace" }, { host: ws.gitDir, sandbox: "/workspace/.git" }] });
      const review = reviewed.length === 0 ? null : await reviewWithModel({
        model: deps.createModel(parsed.config.model ?? deps.config.CODEX_MODEL), sandbox, files: reviewed, log,
        prompt: {
          repository: `${repo.owner}/${repo.repo}`, pull: { number: task.number, title: pull.title, body: pull.body ?? "" },
          guidelines: guidelines.map((g) => ({ source: g.dir ? `${g.dir}/AGENTS.md` : "AGENTS.md", text: g.text, files: g.files })),
          ...(config.instructions ? { repoInstructions: config.instructions } : {}), ...(task.request.focus ? { focus: task.request.focus } : {}), ...(since ? { incrementalSince: since } : {}),
        },
        budgets: { maxTurns: 20, wallTimeMs: deps.config.CODEX_TIMEOUT_MINUTES * 60_000, maxTokens: deps.config.CODEX_MAX_TOKENS },
        commandTimeoutMs: 60_000,
      });

      // 6. One GitHub review: new findings on the right lines, the rest in the body, nothing repeated.
      const notReviewed = review?.notReviewed ?? [];
      const partial = notReviewed.length > 0 ? `${notReviewed.length} file(s) not reviewed: ${notReviewed.slice(0, 10).map((f) => `\`${f.path}\` (${f.reason})`).join(", ")}` : undefined;
      const output = { summary: review?.summary || "No reviewable changes.", findings: review?.findings ?? [] };
      const planned = buildReview({
        files: allFiles, output, headSha, skipped, postedFingerprints: marker?.fingerprints ?? [], ...(partial ? { partial } : {}),
        select: { minPriority: config.min_priority, maxComments: config.max_comments },
      });
      const quietPush = task.request.action === "synchronize" && planned.newFindings === 0 && !partial;
      if (!quietPush) {
        const posted = await postReview(octokit, repo, task.number, planned, outgoing);
        log.write(`review: posted review ${posted.id} with ${planned.comments.length} inline comments${posted.fellBack ? " (moved to the body after a 422)" : ""}`);
      }
      if (output.findings.length === 0 && !partial) await reactToIssue(octokit, repo, task.number, "+1").catch((err: unknown) => deps.log.warn({ err, task: task.id }, "could not react to the pull request"));

      // 7. The check run, a merge gate with `block_on`: findings still present at this head.
      const present = await carryForward(deps, task, fingerprintFindings(output.findings, allFiles), new Set(reviewed.map((f) => f.path)), new Set(allFiles.map((f) => f.path)), since !== undefined);
      await deps.store.setReviewState(task.owner, task.repo, task.number, { headSha, findings: present });
      const verdict = decideVerdict(present, config.block_on, partial !== undefined);
      await concludeCheckRun(octokit, repo, checkRunId, { ...verdict, summary: `${verdict.summary}${partial ? `\n\n${partial}` : ""}` }, concluding);

      // 8. On the bot's own pull requests, `auto_fix` runs review → fix → re-review, bounded.
      const blocking = present.filter((f) => f.priority <= 1);
      const step = nextFixStep({
        isBotPull: (await deps.store.getBotPullRequest(task.owner, task.repo, task.number))?.state === "open", autoFix: parsed.config.auto_fix,
        maxRounds: parsed.config.max_fix_rounds, roundsDone: await deps.store.countAutoFixRounds(task.owner, task.repo, task.number),
        blocking: blocking.length, afterAutoFix: task.request.afterAutoFix === true,
      });
      if (step === "fix") {
        await deps.store.enqueue(fixRoundAfterReview(task, pull), { queueBehindRunning: true });
        log.write("review: queued an automatic fix round");
      } else if (step === "hand-over") {
        await postComment(octokit, repo, task.number, [
          `codex stopped fixing after ${parsed.config.max_fix_rounds} automatic round(s); these findings are still open and need a human:`, "",
          ...blocking.map((f) => `- P${f.priority} ${f.title} (\`${f.path}:${f.startLine}\`)`),
        ].join("\n"), outgoing);
      }
      await finish("succeeded", `${verdict.conclusion}: ${verdict.title}`);
    } catch (error) {
      deps.log.error({ err: error, task: task.id }, "review failed");
      const message = redactSecrets((error as Error).message, secrets);
      if (checkRunId !== undefined) await concludeCheckRun(octokit, repo, checkRunId, { conclusion: "neutral", title: "Review failed", summary: message }, concluding);
      await finish("failed", message);
    } finally {
      await ws?.remove();
    }
  };
}

/**
 * Findings present at the new head: this review's, plus on a re-review the earlier ones in files
 * it did not look at again and that are still part of the pull request (a reverted file is not).
 */
async function carryForward(deps: RunnerDeps, task: ReviewTask, current: (Finding & { fingerprint: string })[], reviewedPaths: Set<string>, prPaths: Set<string>, incremental: boolean) {
  const now = current.map((f) => ({ path: f.path, priority: f.priority, title: f.title, fingerprint: f.fingerprint, startLine: f.start_line, endLine: f.end_line, body: f.body }));
  if (!incremental) return now;
  const before = (await deps.store.getReviewState(task.owner, task.repo, task.number))?.findings ?? [];
  return [...now, ...before.filter((f) => !reviewedPaths.has(f.path) && prPaths.has(f.path))];
}
