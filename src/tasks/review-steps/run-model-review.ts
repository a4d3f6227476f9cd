import type { RepoConfig } from "../../config/repo-config.js";
import type { Checkout } from "../clone-task-workspace.js";
import { taskSandboxLimits } from "../task-sandbox-limits.js";
import type { ReviewGuidelines } from "./check-out-head.js";
import type { PullRequest, ReviewTaskContext } from "./review-task-context.js";
import { reviewWithModel, type ModelReview } from "./review-with-model.js";
import type { FilesToReview } from "./select-files-to-review.js";

export interface ReviewInput {
  checkout: Checkout;
  pull: PullRequest;
  config: RepoConfig;
  files: FilesToReview;
  guidelines: ReviewGuidelines;
}

/**
 * The model reads the diff (and the checkout, read-only, without network) and answers in JSON.
 * Null when nothing is left to review, so the model is not asked at all.
 */
export async function runModelReview(ctx: ReviewTaskContext, input: ReviewInput): Promise<ModelReview | null> {
  const { deps, task, repo } = ctx;
  const { checkout: { workspace: ws }, pull, config, files } = input;
  const sandbox = deps.createSandbox({ workspace: ws.workTree, network: false, readOnly: [{ host: ws.workTree, sandbox: "/workspace" }, { host: ws.gitDir, sandbox: "/workspace/.git" }], limits: taskSandboxLimits(deps.config, config), hostUser: deps.sandboxUser });
  if (files.reviewed.length === 0) return null;
  return reviewWithModel({
    model: deps.createModel(config.model ?? deps.config.CODEX_MODEL), sandbox, files: files.reviewed, log: ctx.log,
    prompt: {
      repository: `${repo.owner}/${repo.repo}`, pull: { number: task.number, title: pull.title, body: pull.body ?? "" },
      guidelines: input.guidelines.map((g) => ({ source: g.dir ? `${g.dir}/AGENTS.md` : "AGENTS.md", text: g.text, files: g.files })),
      ...(config.review.instructions ? { repoInstructions: config.review.instructions } : {}), ...(task.request.focus ? { focus: task.request.focus } : {}),
      ...(files.since ? { incrementalSince: files.since } : {}),
    },
    budgets: { maxTurns: 20, wallTimeMs: deps.config.CODEX_TIMEOUT_MINUTES * 60_000, maxTokens: deps.config.CODEX_MAX_TOKENS },
    commandTimeoutMs: 60_000,
  });
}
