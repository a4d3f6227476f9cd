/**
 * Claims items from a queue in the store and runs up to `capacity` of them at once. `poke()` is
 * cheap and may be called from anywhere (after an enqueue, a finished item, a timer): one claim
 * loop runs at a time, and a poke during it runs the loop again after, so no poke is lost and no
 * two loops claim at once. Shared by the task worker and the inbox dispatcher.
 */
export interface QueueDrainOptions<T> {
  capacity: number;
  /** Takes the next item, or null when nothing is due. */
  claim: () => Promise<T | null>;
  /** Runs one item; it should not throw (a throw is passed to `onError`). */
  run: (item: T) => Promise<void>;
  onError: (error: unknown) => void;
  /** After a claim loop found nothing more to take (e.g. to schedule a wake-up). */
  onIdle?: () => void;
}

export class QueueDrain<T> {
  readonly #running = new Set<Promise<void>>();
  #filling: Promise<void> | undefined;
  #pokedWhileFilling = false;
  #stopped = false;

  constructor(private readonly o: QueueDrainOptions<T>) {}

  poke(): void {
    if (this.#stopped) return;
    if (this.#filling) {
      this.#pokedWhileFilling = true;
      return;
    }
    this.#filling = this.#fill()
      .catch((error: unknown) => this.o.onError(error))
      .finally(() => {
        this.#filling = undefined;
        if (this.#pokedWhileFilling) {
          this.#pokedWhileFilling = false;
          this.poke();
        } else this.o.onIdle?.();
      });
  }

  async #fill(): Promise<void> {
    while (!this.#stopped && this.#running.size < this.o.capacity) {
      const item = await this.o.claim();
      if (item === null) return;
      const run = this.o.run(item).catch((error: unknown) => this.o.onError(error)).finally(() => {
        this.#running.delete(run);
        this.poke();
      });
      this.#running.add(run);
    }
  }

  /** Stops claiming and waits for the items under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#filling;
    await Promise.allSettled([...this.#running]);
  }
}
