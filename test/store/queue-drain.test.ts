import { QueueDrain } from "../../src/store/queue-drain.js";

describe("QueueDrain", () => {
  test("runs at most `capacity` items at once, takes every item however pokes overlap, and stop() waits for them", async () => {
    const queue = [1, 2, 3, 4, 5, 6, 7];
    const releases: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const drain = new QueueDrain<number>({
      capacity: 3,
      claim: async () => queue.shift() ?? null,
      run: (n) => new Promise<void>((resolve) => {
        running += 1;
        most = Math.max(most, running);
        releases.push(() => {
          running -= 1;
          done.push(n);
          resolve();
        });
      }),
      onError: (error) => {
        throw error;
      },
    });
    for (let i = 0; i < 5; i++) drain.poke();
    // Release items one by one as they start: each finished item pokes the next claim.
    while (done.length < 7) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    await drain.stop();
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  test("a failing item is reported and does not stop the drain", async () => {
    const queue = ["bad", "good"];
    const errors: string[] = [];
    const ran: string[] = [];
    const drain = new QueueDrain<string>({
      capacity: 1,
      claim: async () => queue.shift() ?? null,
      run: async (item) => {
        ran.push(item);
        if (item === "bad") throw new Error("boom");
      },
      onError: (error) => errors.push((error as Error).message),
    });
    drain.poke();
    while (ran.length < 2) await new Promise((resolve) => setImmediate(resolve));
    await drain.stop();
    expect(ran).toEqual(["bad", "good"]);
    expect(errors).toEqual(["boom"]);
  });
});
