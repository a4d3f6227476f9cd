import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJsonBody, readBody, sendJson } from "../http.js";
import { BAD_CREDENTIALS, JWT_REQUIRED, readRestAuth } from "./auth.js";
import type { Route } from "./route.js";
import { matchRoute } from "./route.js";
import { appRoutes } from "./routes-app.js";
import { checkRoutes } from "./routes-checks.js";
import { diffRoutes } from "./routes-diffs.js";
import { gitRefRoutes } from "./routes-git-refs.js";
import { hookDeliveryRoutes } from "./routes-hook-deliveries.js";
import { issueRoutes } from "./routes-issues.js";
import { pullRoutes } from "./routes-pulls.js";
import { repoRoutes } from "./routes-repos.js";
import { reviewRoutes } from "./routes-reviews.js";
import { NOT_FOUND } from "./shapes.js";
import { refuseOutOfScope } from "./token-scope.js";
import type { FakeGitHubState } from "./state.js";
import { botLogin } from "./state.js";

export interface RecordedRequest {
  method: string;
  /** Path without the query string, as sent (still URL-encoded). */
  path: string;
  query: string;
  body: unknown;
}

export interface UnhandledRequest {
  method: string;
  path: string;
}

const ROUTES: Route[] = [
  ...appRoutes,
  ...hookDeliveryRoutes,
  ...repoRoutes,
  ...issueRoutes,
  ...pullRoutes,
  ...diffRoutes,
  ...reviewRoutes,
  ...checkRoutes,
  ...gitRefRoutes,
];

export interface RestServer {
  state: FakeGitHubState;
  requests: RecordedRequest[];
  unhandled: UnhandledRequest[];
}

/** Answers one `/api/v3/...` request from the in-memory state, or with `failure` when one was queued. */
export async function handleRest(
  server: RestServer,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  failure: { status: number; body: unknown } | undefined,
): Promise<void> {
  const { state, unhandled } = server;
  const method = req.method ?? "GET";
  const body = parseJsonBody(await readBody(req));
  server.requests.push({ method, path: url.pathname, query: url.search, body });
  if (failure !== undefined) return sendJson(res, failure.status, failure.body);
  const matched = matchRoute(ROUTES, method, url.pathname);
  if (matched === undefined) {
    unhandled.push({ method, path: `${url.pathname}${url.search}` });
    return sendJson(res, 404, NOT_FOUND);
  }
  const auth = readRestAuth(state, req.headers);
  if (matched.route.auth === "jwt" && auth.kind !== "jwt") return sendJson(res, 401, JWT_REQUIRED);
  if (matched.route.auth === "token" && auth.kind !== "token") return sendJson(res, 401, BAD_CREDENTIALS);
  if (auth.kind === "jwt") state.jwts.push(auth.jwt);
  const refused = auth.kind === "token" ? refuseOutOfScope(state, auth.grant, method, url.pathname) : undefined;
  if (refused) return sendJson(res, refused.status, refused.json);
  const reply = await matched.route.handle(state, {
    method,
    params: matched.params,
    query: url.searchParams,
    headers: req.headers,
    body,
    actor: botLogin(state),
  });
  if (reply.raw !== undefined) {
    res.writeHead(reply.status, reply.headers);
    return void res.end(reply.raw);
  }
  sendJson(res, reply.status, reply.json, reply.headers);
}
