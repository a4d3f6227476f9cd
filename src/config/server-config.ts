import { z } from "zod";
import { parseAgentNetworkCeiling } from "./agent-network.js";

/**
 * The bot's own settings, read from the environment once at start. Probot reads its standard
 * variables (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, PORT, GHE_HOST, ...) itself; they are checked
 * here too so that every problem is reported together, before the server listens.
 */
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A sandbox limit: a whole number of `unit` above 0, capped so that its value in bytes stays exact. */
const sandboxLimit = (fallback: number, unit: string) => {
  const message = `must be a whole number of ${unit} above 0, e.g. ${fallback}`;
  return z.coerce.number({ error: message }).int(message).positive(message).max(2 ** 32, `must be at most ${2 ** 32} ${unit}`).default(fallback);
};

/** An on/off switch: 1/true/yes or 0/false/no. */
const flag = () => z.enum(["1", "true", "yes", "0", "false", "no"], { error: "must be 1 or 0 (true or false)" }).default("0").transform((v) => ["1", "true", "yes"].includes(v));

const serverConfigSchema = z
  .object({
    APP_ID: z.string().regex(/^\d+$/, "must be the numeric App ID from the app's settings page").optional(),
    WEBHOOK_SECRET: z.string().min(1).optional(),
    OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_BASE_URL: z.url("must be a URL such as http://localhost:11434/v1").optional(),
    CODEX_MODEL: z.string().min(1).default("gpt-5.4"),
    CODEX_MODEL_API: z.enum(["responses", "chat"]).default("responses"),
    CODEX_DATA_DIR: z.string().min(1).default("./.data"),
    CODEX_CONCURRENCY: positiveInt(2),
    CODEX_LABEL: z.string().min(1).default("codex"),
    CODEX_MENTION: z.string().regex(/^@?[\w-]+$/, "must be a handle such as codex").default("codex"),
    CODEX_PUBLIC_URL: z.url("must be the URL where this server is reachable, e.g. https://codex.example.com").optional(),
    CODEX_MAX_TURNS: positiveInt(60),
    CODEX_TIMEOUT_MINUTES: positiveInt(30),
    CODEX_MAX_TOKENS: positiveInt(2_000_000),
    CODEX_COMMAND_TIMEOUT_SECONDS: positiveInt(600),
    CODEX_SETUP_TIMEOUT_MINUTES: positiveInt(15),
    // How long a delivery whose handling meets GitHub outages (5xx, rate limits, no answer) is retried.
    CODEX_INTAKE_RETRY_MINUTES: positiveInt(60),
    // How often to ask GitHub for the deliveries it gave up on; 0 turns the sweep off.
    CODEX_REDELIVERY_SWEEP_MINUTES: z.coerce.number().int().min(0, "must be 0 (off) or a number of minutes").default(5),
    // The ceiling for every sandbox; a repository's `limits:` may only lower them (config/sandbox-limits.ts).
    CODEX_SANDBOX_MEMORY_MB: sandboxLimit(8192, "MB"),
    CODEX_SANDBOX_PROCESSES: sandboxLimit(512, "processes"),
    CODEX_SANDBOX_DISK_MB: sandboxLimit(20480, "MB"),
    CODEX_SANDBOX_TMP_MB: sandboxLimit(1024, "MB"),
    // Where sandbox cgroups go (sandbox/cgroup.ts): the mount, the parent cgroup, and whether to run with rlimits alone.
    CODEX_CGROUP_ROOT: z.string().regex(/^\//, "must be an absolute path such as /sys/fs/cgroup").default("/sys/fs/cgroup"),
    CODEX_CGROUP_PARENT: z.string().regex(/^\/(?!.*\/\.\.?(\/|$))/, "must be a cgroup path such as /system.slice/codex-bot.service (no . or ..)").optional(),
    CODEX_ALLOW_RLIMIT_ONLY: flag(),
    // Who bubblewrap runs as on the host; unset means codex-sandbox (config/sandbox-user.ts resolves it at start).
    CODEX_SANDBOX_USER: z.string().regex(/^([a-z_][a-z0-9_-]*\$?|\d+)$/, "must be a user name such as codex-sandbox, a numeric uid, or root").optional(),
    // What a repository's `agent_network` may at most allow; unset, agents have no network (config/agent-network.ts).
    CODEX_AGENT_NETWORK_MAX: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        const ceiling = parseAgentNetworkCeiling(text);
        if (!Array.isArray(ceiling)) return ceiling;
        for (const problem of ceiling) ctx.addIssue({ code: "custom", message: problem });
        return z.NEVER;
      }),
    // The shared store for several machines (store/postgres); unset, the embedded SQLite file under CODEX_DATA_DIR.
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a PostgreSQL URL such as postgres://codex:secret@db.internal:5432/codex").optional(),
    // A worker given SIGTERM finishes running tasks for up to this long, then hands the rest back to the queue.
    CODEX_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0, "must be 0 (hand back at once) or a number of seconds").default(300),
    // Running tasks one installation, or one repository, may have at once over every worker; 0 = no cap.
    CODEX_MAX_RUNNING_PER_INSTALLATION: z.coerce.number().int().min(0, "must be 0 (no cap) or a number of tasks").default(0),
    CODEX_MAX_RUNNING_PER_REPOSITORY: z.coerce.number().int().min(0, "must be 0 (no cap) or a number of tasks").default(0),
    // How long a worker's claim on a task holds without a heartbeat: a dead worker's task is taken over after it.
    CODEX_TASK_LEASE_SECONDS: z.coerce.number().int().min(5, "must be at least 5 seconds").max(3600, "must be at most 3600 seconds").default(60),
    PORT: positiveInt(3000),
    GHE_HOST: z.string().regex(/^[\w.-]+(:\d+)?$/, "must be a host name such as github.example.com, without a scheme").optional(),
    GHE_PROTOCOL: z.enum(["http", "https"]).default("https"),
  });

/** Rules across variables; checked on the raw values so they are reported with field errors. */
function crossFieldProblems(env: Record<string, string>): string[] {
  const problems: string[] = [];
  if (env.APP_ID && !env.WEBHOOK_SECRET) problems.push("WEBHOOK_SECRET is required once APP_ID is set (the secret from the app's settings page)");
  if (env.APP_ID && !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
    problems.push("OPENAI_API_KEY is required unless OPENAI_BASE_URL points at a server that needs no key");
  }
  return problems;
}

export type ServerConfig = z.infer<typeof serverConfigSchema> & {
  /** The GitHub host name for noreply addresses: github.com, or the GitHub Enterprise Server host. */
  githubHost: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws one ConfigError listing every problem. */
export function readServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const present = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""));
  const parsed = serverConfigSchema.safeParse(present);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"} ${i.message}`)), ...crossFieldProblems(present)];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return { ...parsed.data, githubHost: (parsed.data.GHE_HOST ?? "github.com").replace(/:\d+$/, "") };
}
