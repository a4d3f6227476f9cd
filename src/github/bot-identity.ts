import type { Probot } from "probot";
import type { Identity } from "../workspace/task-workspace.js";
import type { Octokit } from "./types.js";

/**
 * The app's commit identity, `<slug>[bot]` with its noreply address, so commits show as made
 * by the app. Looked up once (the slug and the bot user's id never change) and then cached.
 */
/** The app's bot login (`<slug>[bot]`), looked up once with the app's JWT. */
export function resolveBotLogin(app: Probot): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= (async () => {
      const { data } = await (await app.auth()).rest.apps.getAuthenticated();
      return `${data?.slug ?? "codex-bot"}[bot]`;
    })();
    cached.catch(() => (cached = undefined));
    return cached;
  };
}

export function resolveBotIdentity(app: Probot, githubHost: string): (installationOctokit: Octokit) => Promise<Identity> {
  let cached: Promise<Identity> | undefined;
  return (installationOctokit) => {
    cached ??= (async () => {
      const appOctokit = await app.auth();
      const { data } = await appOctokit.rest.apps.getAuthenticated();
      const login = `${data?.slug ?? "codex-bot"}[bot]`;
      // The app's JWT may only call /app routes; the user lookup needs an installation client.
      const user = await installationOctokit.rest.users.getByUsername({ username: login }).catch(() => null);
      const email = user ? `${user.data.id}+${login}@users.noreply.${githubHost}` : `${login}@users.noreply.${githubHost}`;
      return { name: login, email };
    })();
    cached.catch(() => (cached = undefined));
    return cached;
  };
}
