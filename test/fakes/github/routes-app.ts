import { randomBytes } from "node:crypto";
import type { Route } from "./route.js";
import { route } from "./route.js";
import { toUser } from "./shapes.js";
import type { FakeGitHubState } from "./state.js";

const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/** Issues a new installation token the fake will accept from now on. */
export function issueInstallationToken(state: FakeGitHubState): string {
  const token = `ghs_fake_${randomBytes(16).toString("hex")}`;
  state.tokens.add(token);
  return token;
}

export const appRoutes: Route[] = [
  route(
    "GET",
    "/app",
    (state) => ({
      status: 200,
      json: { id: state.appId, slug: state.appSlug, name: state.appSlug, owner: toUser(state, "fake-owner") },
    }),
    "jwt",
  ),
  route(
    "POST",
    "/app/installations/:id/access_tokens",
    (state) => ({
      status: 201,
      json: {
        token: issueInstallationToken(state),
        expires_at: new Date(Date.now() + TOKEN_LIFETIME_MS).toISOString(),
        permissions: { contents: "write", issues: "write", pull_requests: "write", metadata: "read" },
        repository_selection: "all",
      },
    }),
    "jwt",
  ),
  // The bot looks up its own user (for the commit noreply address) with an installation token.
  route("GET", "/users/:login", (state, request) => ({ status: 200, json: toUser(state, decodeURIComponent(request.params.login ?? "")) })),
];
