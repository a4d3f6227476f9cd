import type { Piece } from "./outgoing-policy.js";

/**
 * Edits planned against one text by position, applied together: characters dropped, characters
 * fixed (no later pass may change them), strings inserted. Planning against the original keeps
 * each pass's positions valid however many edits the pass before it made.
 */
export class TextEdits {
  readonly #dropped: Uint8Array;
  readonly #fixed: Uint8Array;
  readonly #inserts = new Map<number, string>();

  constructor(readonly text: string) {
    this.#dropped = new Uint8Array(text.length);
    this.#fixed = new Uint8Array(text.length);
  }

  drop(from: number, to: number): void {
    this.#dropped.fill(1, from, to);
  }

  fix(from: number, to: number): void {
    this.#fixed.fill(1, from, to);
  }

  insertBefore(position: number, text: string): void {
    this.#inserts.set(position, text);
  }

  /** Whether an earlier edit already claimed any character in the range. */
  touched(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (this.#dropped[i] || this.#fixed[i]) return true;
    return false;
  }

  pieces(): Piece[] {
    const pieces: Piece[] = [];
    const push = (text: string, fixed: boolean) => {
      const last = pieces.at(-1);
      if (last && last.fixed === fixed) last.text += text;
      else pieces.push({ text, fixed });
    };
    for (let i = 0; i < this.text.length; i++) {
      const insert = this.#inserts.get(i);
      if (insert !== undefined) push(insert, false);
      if (!this.#dropped[i]) push(this.text[i]!, this.#fixed[i] === 1);
    }
    return pieces;
  }
}
