import { randomBytes } from "node:crypto";
import type { Route } from "./route.js";
import { route } from "./route.js";
import { toUser } from "./shapes.js";
import type { FakeGitHubState } from "./state.js";
import { APP_PERMISSIONS, readTokenRequest, type TokenGrant } from "./token-grants.js";

const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/** Issues a new installation token the fake will accept from now on; by default for everything the app may do. */
export function issueInstallationToken(state: FakeGitHubState, grant: TokenGrant = { permissions: APP_PERMISSIONS }): string {
  const token = `ghs_fake_${randomBytes(16).toString("hex")}`;
  state.tokens.set(token, grant);
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
    (state, request) => {
      const grant = readTokenRequest(state, request.body);
      if ("status" in grant) return grant;
      const repositories = grant.repositoryIds && [...state.repos.values()].filter((repo) => grant.repositoryIds?.has(repo.id));
      return {
        status: 201,
        json: {
          token: issueInstallationToken(state, grant),
          expires_at: new Date(Date.now() + TOKEN_LIFETIME_MS).toISOString(),
          permissions: grant.permissions,
          repository_selection: repositories ? "selected" : "all",
          ...(repositories ? { repositories: repositories.map((repo) => ({ id: repo.id, name: repo.name, full_name: `${repo.owner}/${repo.name}` })) } : {}),
        },
      };
    },
    "jwt",
  ),
  // The bot looks up its own user (for the commit noreply address) with an installation token.
  route("GET", "/users/:login", (state, request) => ({ status: 200, json: toUser(state, decodeURIComponent(request.params.login ?? "")) })),
];
