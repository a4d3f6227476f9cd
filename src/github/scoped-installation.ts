import type { Octokit, RepoRef } from "./types.js";

type CreateTokenParameters = NonNullable<Parameters<Octokit["rest"]["apps"]["createInstallationAccessToken"]>[0]>;

/** `permissions` for `POST /app/installations/{id}/access_tokens`, e.g. `{ contents: "read" }`. */
export type TokenPermissions = NonNullable<CreateTokenParameters["permissions"]>;

/** One repository of one installation: every token made here is limited to it. */
export interface InstallationScope {
  installationId: number;
  repo: RepoRef;
}

/** A client renews its token this long before GitHub's expiry (tokens live an hour). */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * A new installation token for one repository with only `permissions`, instead of one for the
 * whole installation with everything the app may do. Asked for through the app's own client
 * (its JWT, base URL and retries), so it works against GitHub Enterprise Server too.
 * https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app
 */
export async function createScopedToken(appOctokit: Octokit, scope: InstallationScope, permissions: TokenPermissions): Promise<{ token: string; expiresAt: number }> {
  const { data } = await appOctokit.rest.apps.createInstallationAccessToken({
    installation_id: scope.installationId,
    repositories: [scope.repo.repo],
    permissions,
  });
  return { token: data.token, expiresAt: Date.parse(data.expires_at) };
}

/**
 * An API client of the app's own Octokit class (retry, throttling, the GHE base URL) whose
 * requests carry a token narrowed as `createScopedToken` does, renewed before it expires. The
 * installation client Probot makes would ask for an installation-wide token instead.
 */
export function createScopedOctokit(appOctokit: Octokit, scope: InstallationScope, permissions: TokenPermissions): Octokit {
  const token = renewingToken(() => createScopedToken(appOctokit, scope, permissions));
  const baseUrl = appOctokit.request.endpoint.DEFAULTS.baseUrl;
  return new (appOctokit.constructor as new (options: object) => Octokit)({ baseUrl, authStrategy: scopedTokenAuth, auth: { token } });
}

/** The current token; the first caller to see it near expiry (or failed) asks for a new one, the others wait for that. */
function renewingToken(create: () => Promise<{ token: string; expiresAt: number }>): () => Promise<string> {
  let current: Promise<{ token: string; expiresAt: number }> | undefined;
  return async () => {
    const seen = current;
    const held = seen && (await seen.catch(() => undefined));
    if (held && held.expiresAt - Date.now() > RENEW_BEFORE_EXPIRY_MS) return held.token;
    if (current === seen) current = create();
    return (await current!).token;
  };
}

type Request = ((endpoint: object) => Promise<unknown>) & { endpoint: { merge(route: unknown, parameters?: unknown): { headers: Record<string, string> } } };

/** An Octokit auth strategy: `token ${await token()}` on every request. */
function scopedTokenAuth({ token }: { token: () => Promise<string> }) {
  const auth = async () => ({ type: "token", tokenType: "installation", token: await token() });
  const hook = async (request: Request, route: unknown, parameters?: unknown) => {
    const endpoint = request.endpoint.merge(route, parameters);
    endpoint.headers.authorization = `token ${await token()}`;
    return request(endpoint);
  };
  return Object.assign(auth, { hook });
}
