import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export interface FakeRestRequest {
  method: string;
  /** The path without the `/api/v3` prefix GitHub Enterprise Server puts in front. */
  path: string;
  /** performance.now() when the request arrived, on this process's clock. */
  at: number;
}

export interface FakeGitHubRest {
  /** `127.0.0.1:PORT`, for GHE_HOST (with GHE_PROTOCOL=http). */
  host: string;
  /** Every request, in arrival order. */
  requests: FakeRestRequest[];
  close(): Promise<void>;
}

interface Reply {
  status: number;
  json: unknown;
}

const DOCS = "https://docs.github.com/rest";
const TOKEN_LIFETIME_MS = 60 * 60_000;
const user = (login: string, type = "User") => ({ login, id: 10_000 + login.length, type, site_admin: false });

/** GitHub's answers to the few calls codex-bot makes while it takes deliveries in; anything else is 404. */
function answer(method: string, path: string): Reply {
  const route = `${method} ${path.split("?")[0]}`;
  if (/^POST \/app\/installations\/\d+\/access_tokens$/.test(route)) {
    const expires = new Date(Date.now() + TOKEN_LIFETIME_MS).toISOString();
    return { status: 201, json: { token: `ghs_bench_${randomBytes(16).toString("hex")}`, expires_at: expires, permissions: { contents: "write", issues: "write", pull_requests: "write", metadata: "read" }, repository_selection: "all" } };
  }
  if (route === "GET /app") return { status: 200, json: { id: 1, slug: "codex-bot", name: "codex-bot", owner: user("bench-owner", "Organization") } };
  if (route === "GET /app/hook/deliveries") return { status: 200, json: [] };
  const permission = /^GET \/repos\/[^/]+\/[^/]+\/collaborators\/([^/]+)\/permission$/.exec(route);
  if (permission) return { status: 200, json: { permission: "read", role_name: "read", user: user(decodeURIComponent(permission[1]!)) } };
  if (/^POST \/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(route)) return { status: 201, json: { id: Math.floor(Math.random() * 1e9), body: "", user: user("codex-bot[bot]", "Bot") } };
  if (/^POST \/repos\/[^/]+\/[^/]+\/issues(\/comments)?\/\d+\/reactions$/.test(route)) return { status: 201, json: { id: Math.floor(Math.random() * 1e9), content: "eyes", user: user("codex-bot[bot]", "Bot") } };
  if (/^GET \/repos\/[^/]+\/[^/]+\/contents\//.test(route)) return { status: 404, json: { message: "Not Found", documentation_url: `${DOCS}/repos/contents#get-repository-content`, status: "404" } };
  return { status: 404, json: { message: "Not Found", documentation_url: DOCS, status: "404" } };
}

/**
 * A GitHub REST API on 127.0.0.1 for the intake benchmark: every call is recorded when it
 * arrives and answered after `delayMs`, about what github.com takes. It is no model of GitHub
 * (test/fakes/ has that; src/ cannot import test/): it knows just what an ignored event, a
 * comment without a mention and a refused trigger cost.
 */
export async function startFakeGitHubRest(delayMs: number): Promise<FakeGitHubRest> {
  const requests: FakeRestRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").replace(/^\/api\/v3(?=\/)/, "");
    requests.push({ method: req.method ?? "GET", path, at: performance.now() });
    req.resume();
    const timer = setTimeout(() => {
      timers.delete(timer);
      const { status, json } = answer(req.method ?? "GET", path);
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(json));
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake GitHub has no port");
  return {
    host: `127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
