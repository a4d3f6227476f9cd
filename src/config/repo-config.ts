import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseAllowEntry } from "../sandbox/agent-network/allow-entry.js";
import { HTTP_METHODS } from "../sandbox/agent-network/types.js";

/** Where the repository's own settings live, read from the default branch. */
export const REPO_CONFIG_PATH = ".github/codex.yml";

const commandList = z
  .union([z.string(), z.array(z.string()), z.null()])
  .transform((v) => (v === null ? [] : Array.isArray(v) ? v : [v]))
  .transform((list) => list.map((c) => c.trim()).filter((c) => c.length > 0));

/** "P1", "p1" or 1 → 1. */
const priority = z
  .union([z.number().int().min(0).max(3), z.string().regex(/^[Pp]?[0-3]$/, "must be P0, P1, P2 or P3")])
  .transform((v) => (typeof v === "number" ? v : Number(v.replace(/^[Pp]/, ""))) as 0 | 1 | 2 | 3);

/** YAML reads an unquoted `!docs/**` as a tag and yields "", which would drop the pattern without a word. */
const glob = z.string().trim().min(1, 'is an empty pattern; quote patterns that start with "!", such as "!docs/**"');
const globList = z.union([glob, z.array(glob)]).transform((v) => (Array.isArray(v) ? v : [v]));

const reviewSchema = z
  .object({
    auto: z.boolean().default(true),
    drafts: z.boolean().default(false),
    bot_prs: z.boolean().default(true),
    paths: globList.default([]),
    ignore_paths: globList.default([]),
    branches: globList.default([]),
    skip_authors: z.array(z.string()).default(["dependabot[bot]", "renovate[bot]"]),
    min_priority: priority.default(1),
    max_comments: z.number().int().min(0).max(50).default(5),
    instructions: z.string().optional(),
    block_on: z.union([priority, z.null()]).default(null),
  })
  .strict();

export type ReviewConfig = z.infer<typeof reviewSchema>;

/** Only lowers the operator's CODEX_SANDBOX_* limits: a higher value is clamped, with a warning (sandbox-limits.ts). */
const limit = z.number().int("must be a whole number").positive("must be above 0");
const limitsSchema = z
  .object({ memory_mb: limit.optional(), processes: limit.optional(), disk_mb: limit.optional(), tmp_mb: limit.optional() })
  .strict();

export type RepoLimits = z.infer<typeof limitsSchema>;

/** Only within the operator's CODEX_AGENT_NETWORK_MAX: an entry or method outside it is dropped, with a warning (agent-network.ts). */
const allowEntry = z.string().superRefine((text, ctx) => {
  const entry = parseAllowEntry(text);
  if (typeof entry === "string") ctx.addIssue({ code: "custom", message: `${JSON.stringify(text)}: ${entry}` });
});
const httpMethod = z.string().transform((method) => method.toUpperCase()).pipe(z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(", ")}` }));
const agentNetworkSchema = z
  .object({ allow: z.array(allowEntry).max(100, "at most 100 entries"), methods: z.array(httpMethod).min(1).optional() })
  .strict();

export type RepoAgentNetwork = z.infer<typeof agentNetworkSchema>;

const repoConfigShape = {
  label: z.string().min(1).optional(),
  setup: commandList.optional(),
  /** Names of secrets the operator provides as CODEX_SETUP_SECRET_<NAME>; given to the setup phase only. */
  setup_secrets: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be an environment variable name such as NPM_TOKEN")).default([]),
  test: z.string().trim().min(1).optional(),
  model: z.string().min(1).optional(),
  max_turns: z.number().int().positive().max(500).optional(),
  timeout_minutes: z.number().int().positive().max(24 * 60).optional(),
  instructions: z.string().optional(),
  draft_on_failure: z.boolean().default(true),
  allow_workflow_changes: z.boolean().default(false),
  delete_branch_on_merge: z.boolean().default(true),
  auto_fix: z.boolean().default(false),
  max_fix_rounds: z.number().int().min(0).max(10).default(2),
  fix_ci: z.boolean().default(false),
  allow_bots: z.array(z.string()).default([]),
  abandoned_branch_days: z.number().int().min(0).max(365).default(14),
  review: reviewSchema.default(reviewSchema.parse({})),
  limits: limitsSchema.optional(),
  agent_network: agentNetworkSchema.optional(),
};

const repoConfigSchema = z.object(repoConfigShape).strip();

export type RepoConfig = z.infer<typeof repoConfigSchema>;

export type RepoConfigResult =
  | { ok: true; config: RepoConfig; warnings: string[] }
  | { ok: false; errors: string[]; rawLabel?: string };

/** Validates the text of `.github/codex.yml` (null when the file does not exist). */
export function parseRepoConfig(text: string | null): RepoConfigResult {
  let raw: unknown;
  try {
    // logLevel "error": YAML warnings (an unresolved `!tag`) would go to process.emitWarning; the schema reports what they cause.
    raw = text === null ? {} : (parseYaml(text, { logLevel: "error" }) ?? {});
  } catch (error) {
    return { ok: false, errors: [`${REPO_CONFIG_PATH} is not valid YAML: ${(error as Error).message}`] };
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, errors: [`${REPO_CONFIG_PATH} must be a mapping of settings, such as \`test: npm test\``] };
  }
  const parsed = repoConfigSchema.safeParse(raw);
  const rawLabel = typeof (raw as { label?: unknown }).label === "string" ? (raw as { label: string }).label : undefined;
  if (!parsed.success) {
    return { ok: false, rawLabel, errors: parsed.error.issues.map((i) => `\`${i.path.join(".") || "(root)"}\`: ${i.message}`) };
  }
  // Unknown keys warn instead of failing: later features add keys, and an older bot must not break on them.
  const unknown = Object.keys(raw as object).filter((k) => !(k in repoConfigShape));
  return { ok: true, config: parsed.data, warnings: unknown.map((k) => `unknown setting \`${k}\` ignored`) };
}
