/**
 * Collects a command's output (stdout and stderr, in arrival order) keeping at most `limit`
 * bytes: the first half as it arrives and a rolling window of the last half. Memory stays at
 * `limit` bytes however much the command prints. Decoding happens once at the end, so a UTF-8
 * character split across chunks survives; one cut by the omission shows as U+FFFD.
 */
export class CappedOutput {
  readonly #headCapacity: number;
  readonly #tailCapacity: number;
  #head: Buffer | undefined;
  #headLength = 0;
  /** Ring buffer: #tailStart is where the next byte goes, and the oldest byte once it is full. */
  #tail: Buffer | undefined;
  #tailStart = 0;
  #tailLength = 0;
  #totalBytes = 0;

  constructor(limit: number) {
    const capacity = Math.max(0, Math.floor(limit));
    this.#headCapacity = Math.ceil(capacity / 2);
    this.#tailCapacity = capacity - this.#headCapacity;
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  get truncated(): boolean {
    return this.#totalBytes > this.#headLength + this.#tailLength;
  }

  /** Bytes held in memory right now (for tests that check the bound). */
  get bufferedBytes(): number {
    return (this.#head?.length ?? 0) + (this.#tail?.length ?? 0);
  }

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.#totalBytes += bytes.length;
    const headTaken = this.#pushHead(bytes);
    if (headTaken < bytes.length) this.#pushTail(bytes.subarray(headTaken));
  }

  toString(): string {
    const head = this.#head?.subarray(0, this.#headLength).toString("utf8") ?? "";
    const tail = this.#tailBytes().toString("utf8");
    const omitted = this.#totalBytes - this.#headLength - this.#tailLength;
    return omitted > 0 ? `${head}\n[... ${omitted} bytes omitted ...]\n${tail}` : head + tail;
  }

  #pushHead(bytes: Buffer): number {
    const taken = Math.min(bytes.length, this.#headCapacity - this.#headLength);
    if (taken <= 0) return 0;
    this.#head ??= Buffer.allocUnsafe(this.#headCapacity);
    bytes.copy(this.#head, this.#headLength, 0, taken);
    this.#headLength += taken;
    return taken;
  }

  #pushTail(bytes: Buffer): void {
    const capacity = this.#tailCapacity;
    if (capacity === 0) return;
    this.#tail ??= Buffer.allocUnsafe(capacity);
    // Only the last `capacity` bytes of a large chunk can survive.
    const kept = bytes.length > capacity ? bytes.subarray(bytes.length - capacity) : bytes;
    const firstPart = Math.min(kept.length, capacity - this.#tailStart);
    kept.copy(this.#tail, this.#tailStart, 0, firstPart);
    kept.copy(this.#tail, 0, firstPart);
    this.#tailStart = (this.#tailStart + kept.length) % capacity;
    this.#tailLength = Math.min(capacity, this.#tailLength + kept.length);
  }

  #tailBytes(): Buffer {
    if (this.#tail === undefined) return Buffer.alloc(0);
    if (this.#tailLength < this.#tailCapacity) return this.#tail.subarray(0, this.#tailLength);
    return Buffer.concat([this.#tail.subarray(this.#tailStart), this.#tail.subarray(0, this.#tailStart)]);
  }
}
