import type { IncomingHttpHeaders } from "node:http";
import type { FakeGitHubState, RepoRecord } from "./state.js";
import { findRepo } from "./state.js";
import { NOT_FOUND } from "./shapes.js";

export interface RestRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Login of the caller: the app's bot user for installation tokens. */
  actor: string;
}

export interface RestReply {
  status: number;
  json?: unknown;
  /** Raw bytes instead of JSON (e.g. `application/vnd.github.raw` contents). */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export type RouteHandler = (state: FakeGitHubState, request: RestRequest) => Promise<RestReply> | RestReply;

export interface Route {
  method: string;
  pattern: RegExp;
  /** Which credential GitHub asks for: an app JWT, or an installation token. */
  auth: "jwt" | "token";
  handle: RouteHandler;
}

/** `/repos/:owner/:repo/contents/*path` → a RegExp under /api/v3 with named groups. */
export function route(method: string, template: string, handle: RouteHandler, auth: Route["auth"] = "token"): Route {
  const source = template
    .replace(/\*(\w+)/g, "(?<$1>.+)")
    .replace(/:(\w+)/g, "(?<$1>[^/]+)");
  return { method, pattern: new RegExp(`^/api/v3${source}$`), auth, handle };
}

export function matchRoute(
  routes: Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(pathname);
    if (match === null) continue;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) params[name] = decodeURIComponent(value);
    return { route: candidate, params };
  }
  return undefined;
}

/** Wraps a handler that needs `:owner/:repo`, answering 404 like GitHub when the repo is unknown. */
export function withRepo(
  handle: (state: FakeGitHubState, repo: RepoRecord, request: RestRequest) => Promise<RestReply> | RestReply,
): RouteHandler {
  return (state, request) => {
    const repo = findRepo(state, request.params.owner ?? "", request.params.repo ?? "");
    if (repo === undefined) return { status: 404, json: NOT_FOUND };
    return handle(state, repo, request);
  };
}

export function bodyObject(request: RestRequest): Record<string, unknown> {
  const body = request.body;
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** GitHub-style pagination: `per_page` (default 30, max 100) and `page`, with a Link header when more exist. */
export function paginate<T>(items: T[], request: RestRequest, pageUrl: string): RestReply {
  const perPage = Math.min(100, Math.max(1, Number(request.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(request.query.get("page") ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  if (page >= lastPage) return { status: 200, json: slice };
  const link = (n: number) => {
    const url = new URL(pageUrl);
    for (const [key, value] of request.query) url.searchParams.set(key, value);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return `<${url.href}>`;
  };
  return { status: 200, json: slice, headers: { link: `${link(page + 1)}; rel="next", ${link(lastPage)}; rel="last"` } };
}
