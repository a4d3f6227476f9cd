import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isolatedGitEnv } from "./git.js";

export interface GitHttpRequest {
  /** Directory holding `<owner>/<repo>.git`. */
  projectRoot: string;
  /** `/<owner>/<repo>.git/info/refs` and friends, as laid out under projectRoot. */
  pathInfo: string;
  query: string;
  /** Runs after git exits and before the response ends, so the client sees its effect (refs/pull updates). */
  beforeEnd?: () => Promise<void>;
}

/** CGI meta-variables for every request header (`Git-Protocol` → HTTP_GIT_PROTOCOL, gzip bodies → HTTP_CONTENT_ENCODING). */
function headerVariables(req: IncomingMessage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === "authorization") continue;
    env[`HTTP_${name.toUpperCase().replace(/-/g, "_")}`] = Array.isArray(value) ? value.join(", ") : value;
  }
  return env;
}

function parseCgiHeaders(head: string): { status: number; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of head.split(/\r?\n/).filter(Boolean)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  return { status, headers };
}

/**
 * Serves git smart HTTP by running the real `git http-backend` as a CGI script.
 * See https://git-scm.com/docs/git-http-backend. Resolves with git's stderr once the response ends.
 */
export function serveGitHttp(req: IncomingMessage, res: ServerResponse, request: GitHttpRequest): Promise<string> {
  const env = isolatedGitEnv({
    ...headerVariables(req),
    GIT_PROJECT_ROOT: request.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: request.pathInfo,
    QUERY_STRING: request.query,
    REQUEST_METHOD: req.method ?? "GET",
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_USER: "x-access-token",
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    GATEWAY_INTERFACE: "CGI/1.1",
    ...(req.headers["content-length"] === undefined ? {} : { CONTENT_LENGTH: req.headers["content-length"] }),
  });
  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  req.pipe(child.stdin);
  child.stdin.on("error", () => undefined); // git may exit before reading everything
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  let pending = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) return void res.write(chunk);
    pending = Buffer.concat([pending, chunk]);
    const text = pending.toString("latin1");
    const end = text.search(/\r?\n\r?\n/);
    if (end === -1) return;
    const separator = /\r?\n\r?\n/.exec(text.slice(end))?.[0].length ?? 2;
    const { status, headers } = parseCgiHeaders(text.slice(0, end));
    res.writeHead(status, headers);
    headersSent = true;
    res.write(pending.subarray(end + separator));
  });
  return new Promise((resolve) => {
    child.on("close", async (code) => {
      if (!headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.write(`git http-backend exited ${code} without a response: ${stderr}`);
      }
      await request.beforeEnd?.().catch((error: unknown) => void (stderr += `fake GitHub after git: ${String(error)}\n`));
      res.end();
      resolve(stderr);
    });
  });
}
