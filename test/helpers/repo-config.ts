import { RepoConfigCache } from "../../src/config/repo-config-cache.js";

/**
 * A config cache without the freshness window, for handler tests that change `.github/codex.yml`
 * between deliveries (in production a push would make the copy stale): every read asks GitHub.
 * The window itself is tested in test/config/repo-config-cache.test.ts.
 */
export function uncachedRepoConfig(): RepoConfigCache {
  return new RepoConfigCache({ freshMs: 0 });
}
