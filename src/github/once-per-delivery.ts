import type { Octokit } from "./types.js";

/**
 * Comment creations a second dispatch of the same delivery must not repeat, by the route
 * template Octokit's request hook sees (parameters not yet expanded), and where to look for an
 * earlier copy.
 */
const COMMENT_POSTS: Record<string, { list: string; number: string }> = {
  "/repos/{owner}/{repo}/issues/{issue_number}/comments": { list: "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", number: "issue_number" },
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies": { list: "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments", number: "pull_number" },
};

interface CommentLike {
  id: number;
  body?: string | null;
}

/**
 * Makes the comments an Octokit posts for one webhook delivery happen once, however often the
 * delivery is dispatched (a crash, a retry after a 502 that GitHub had in fact acted on): every
 * comment carries a hidden marker naming the delivery and its place among the comments posted
 * for it, and on a second dispatch (`redispatch`) a comment whose marker is already there is not
 * posted again: the earlier one is returned instead. Reactions need nothing: GitHub answers a
 * repeated one with the existing reaction. `since` (when the delivery was received) bounds the
 * look-up to comments made after it.
 */
export function oncePerDelivery(octokit: Octokit, deliveryId: string, options: { redispatch: boolean; since: number }): Octokit {
  let posted = 0;
  octokit.hook.wrap("request", async (request, endpoint) => {
    const post = endpoint.method === "POST" ? COMMENT_POSTS[String(endpoint.url)] : undefined;
    if (!post || typeof endpoint.body !== "string") return request(endpoint);
    const marker = `<!-- codex-delivery: ${deliveryId}-${++posted} -->`;
    if (options.redispatch) {
      const params = endpoint as unknown as Record<string, string | number>;
      const earlier = (await octokit.paginate(post.list, {
        owner: params.owner, repo: params.repo, [post.number]: params[post.number], since: new Date(options.since - 60_000).toISOString(), per_page: 100,
      })) as CommentLike[];
      const found = earlier.find((c) => c.body?.includes(marker));
      if (found) return { status: 200, url: "", headers: {}, data: found } as unknown as Awaited<ReturnType<typeof request>>;
    }
    // In place: before-after-hook binds the same options object to every hook in the chain, so
    // options passed to `request(...)` would be ignored.
    endpoint.body = `${endpoint.body}\n\n${marker}`;
    return request(endpoint);
  });
  return octokit;
}
