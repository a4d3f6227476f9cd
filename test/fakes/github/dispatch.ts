import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http.js";
import { gitTokenGrant } from "./auth.js";
import { serveGitHttp } from "./git-http-backend.js";
import type { RestServer } from "./handle-rest.js";
import { handleRest } from "./handle-rest.js";
import { syncPullRefs } from "./pull-refs.js";
import { findRepo } from "./state.js";
import { gitAccess } from "./token-scope.js";

export interface FailureRule {
  method: string;
  pathPattern: RegExp;
  status: number;
  body: unknown;
}

export interface GitRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  /** What git http-backend wrote to stderr; the first place to look when a push fails. */
  stderr: string;
}

export interface FakeServer extends RestServer {
  projectRoot: string;
  failures: FailureRule[];
  gitRequests: GitRequest[];
  /** While set, every REST request is answered with this status, as in one of GitHub's bad minutes. */
  outage?: { status: number; answered: number };
  /** Requests to take and never answer (the client's end closes them), each once. */
  holds: { method: string; pathPattern: RegExp; afterHandling: boolean; arrived: () => void }[];
}

const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

function takeFailure(failures: FailureRule[], method: string, path: string): FailureRule | undefined {
  const index = failures.findIndex((rule) => rule.method === method && rule.pathPattern.test(path));
  return index === -1 ? undefined : failures.splice(index, 1)[0];
}

async function handleGit(server: FakeServer, req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray) {
  const entry: GitRequest = { method: req.method ?? "GET", path: url.pathname, query: url.search, status: 0, stderr: "" };
  server.gitRequests.push(entry);
  const repo = findRepo(server.state, decodeURIComponent(match[1] ?? ""), decodeURIComponent(match[2] ?? ""));
  const grant = gitTokenGrant(server.state, req.headers);
  if (grant === undefined) {
    entry.status = 401;
    res.writeHead(401, { "www-authenticate": 'Basic realm="fake"', "content-type": "text/plain" });
    return void res.end("Authentication required: use x-access-token:<installation token>\n");
  }
  const push = match[3] === "git-receive-pack" || url.searchParams.get("service") === "git-receive-pack";
  const access = repo === undefined ? "not-found" : gitAccess(grant, repo, push);
  if (repo === undefined || access !== "ok") {
    entry.status = access === "forbidden" ? 403 : 404;
    res.writeHead(entry.status, { "content-type": "text/plain" });
    return void res.end(access === "forbidden" ? "Permission denied: the token may not push (contents: write).\n" : "Repository not found.\n");
  }
  const pathInfo = `/${repo.owner}/${repo.name}.git/${match[3]}`;
  // GitHub moves refs/pull/<n>/head when a pull request's branch is pushed.
  const beforeEnd = match[3] === "git-receive-pack" ? () => syncPullRefs(repo) : undefined;
  entry.stderr = await serveGitHttp(req, res, { projectRoot: server.projectRoot, pathInfo, query: url.search.slice(1), beforeEnd });
  entry.status = res.statusCode;
}

/** Routes one request: queued failures first, then the REST API, then git smart HTTP, else 404. */
export async function dispatch(server: FakeServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", server.state.url);
  const index = server.holds.findIndex((h) => h.method === req.method && h.pathPattern.test(url.pathname));
  const hold = index === -1 ? undefined : server.holds.splice(index, 1)[0]!;
  if (hold && !hold.afterHandling) return hold.arrived();
  if (hold) {
    // Handled in full (GitHub did what was asked), but the answer never leaves.
    const silent = Object.assign(Object.create(res) as ServerResponse, { writeHead: () => silent, setHeader: () => silent, write: () => true, end: () => silent });
    await handleRest(server, req, silent, url, undefined);
    return hold.arrived();
  }
  const failure = takeFailure(server.failures, req.method ?? "GET", url.pathname);
  if (url.pathname.startsWith("/api/v3/") || url.pathname === "/api/v3") {
    if (server.outage) {
      server.outage.answered += 1;
      return sendJson(res, server.outage.status, { message: server.outage.status === 502 ? "Server Error" : "Service Unavailable" });
    }
    return handleRest(server, req, res, url, failure);
  }
  if (failure !== undefined) return sendJson(res, failure.status, failure.body);
  const git = GIT_PATH.exec(url.pathname);
  if (git !== null) return handleGit(server, req, res, url, git);
  server.unhandled.push({ method: req.method ?? "GET", path: `${url.pathname}${url.search}` });
  sendJson(res, 404, { message: "Not Found" });
}
