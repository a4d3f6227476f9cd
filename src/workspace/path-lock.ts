const tails = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` once every earlier holder of `key` has finished: an in-process mutex per path.
 * One bot process owns a data directory; git's own lock files guard the rest.
 */
export async function withPathLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(() => fn());
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    // Forget the key once nobody queued behind us, so the map does not grow per repository.
    if (tails.get(key) === tail) tails.delete(key);
  }
}
