import type { Piece } from "./outgoing-policy.js";
import { safeInlineCode } from "./safe-inline-code.js";

/**
 * U+2060 WORD JOINER after the `@`: GitHub's mention needs a letter or digit right after it, so
 * `@⁠org/everyone` notifies no one, yet reads exactly as written and does not wrap. Chosen over
 * wrapping in code because code would change how the sentence looks and cannot nest inside
 * code the text already has; over U+200B because a zero-width space lets the line break there.
 * src/agent/sanitize.ts strips U+2060 from what comes back in, so the bot never reads its own
 * joiner as text.
 */
const WORD_JOINER = "\u2060";
const MENTION = /@(?=([A-Za-z0-9][A-Za-z0-9-]*)(\/?))/g;

/**
 * Makes every `@user` and `@org/team` in the free pieces inert, except mentions of the logins
 * the bot means to ping and those inside inline code GitHub surely renders as code. An `@`
 * after a letter or digit is an e-mail address, which GitHub does not treat as a mention
 * either; after anything else (`_@team_`, `(@team)`, `/@team`) it is one.
 */
export function neutraliseMentions(pieces: readonly Piece[], allowed: readonly string[]): Piece[] {
  const keep = new Set(allowed.map((login) => login.replace(/\[bot\]$/i, "").toLowerCase()));
  const whole = pieces.map((piece) => piece.text).join("");
  const code = safeInlineCode(whole);
  let start = 0;
  return pieces.map((piece) => {
    const base = start;
    start += piece.text.length;
    if (piece.fixed) return piece;
    const text = piece.text.replace(MENTION, (at, login: string, slash: string, offset: number) => {
      const position = base + offset;
      if (/[A-Za-z0-9]/.test(whole[position - 1] ?? "")) return at;
      if (code.some(([from, to]) => position > from && position < to)) return at;
      return slash === "" && keep.has(login.toLowerCase()) ? at : `@${WORD_JOINER}`;
    });
    return { text, fixed: false };
  });
}
