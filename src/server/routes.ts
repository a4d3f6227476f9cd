import { createReadStream, existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxLimitSettings } from "../config/sandbox-limits.js";
import type { Store } from "../store/store.js";
import { taskLogPath } from "../tasks/task-log.js";
import type { SandboxHealth } from "../tasks/runner-deps.js";

/** The operator's sandbox settings the health page shows. */
export interface SandboxSettings {
  sandboxLimits: SandboxLimitSettings;
  /** config/sandbox-user.ts describeSandboxUser. */
  sandboxUser: Record<string, string | number>;
}

const LOG_PATH = /^\/codex\/logs\/([0-9a-f]{32})$/;

/**
 * Extra HTTP routes beside Probot's webhook endpoint. Returns true when it answered.
 * A task log is reachable only through its unguessable id, which appears in the status
 * comment and the PR; it holds no secrets (they are redacted as the log is written).
 * The health page shows the operator's sandbox limits (the most any repository's sandbox gets) and
 * who bubblewrap runs as on the host, with the warning when that is weaker than a dedicated user.
 */
export function createRoutes(dataDir: string, store: Store, health: () => SandboxHealth, settings: SandboxSettings) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (req.method !== "GET") return false;
    if (path === "/codex/health") {
      const sandbox = health();
      res.writeHead(sandbox.ok ? 200 : 503, { "content-type": "application/json" });
      const backlog = await store.inboxBacklog();
      const inbox = { pending: backlog.pending, oldestPendingAgeSeconds: backlog.oldestReceivedAt === null ? null : Math.round((Date.now() - backlog.oldestReceivedAt) / 1000) };
      res.end(JSON.stringify({ sandbox, sandboxLimits: settings.sandboxLimits, sandboxUser: settings.sandboxUser, inbox, queued: await store.countByStatus("queued"), running: await store.countByStatus("running") }));
      return true;
    }
    const match = LOG_PATH.exec(path);
    if (!match) return false;
    const file = taskLogPath(dataDir, match[1]!);
    const known = await store.findByLogId(match[1]!);
    // The task may have run on another worker machine: then its log is the copy in the shared store.
    const local = known !== null && existsSync(file);
    const shared = known !== null && !local && store.shared ? await store.readTaskLog(match[1]!) : null;
    if (!local && shared === null) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("No such task log.\n");
      return true;
    }
    res.writeHead(200, {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'",
      "cache-control": "no-store",
    });
    if (local) createReadStream(file).pipe(res);
    else res.end(shared);
    return true;
  };
}
