/** Characters an entity may hide from the passes after this one: names, `@`, `#`, and URL punctuation. */
const SAFE = /^[A-Za-z0-9@#:/.?=%+-]$/;
const NAMED: Record<string, string> = { commat: "@", num: "#", colon: ":", sol: "/", period: ".", quest: "?", equals: "=", percnt: "%", plus: "+" };
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]+));/g;

/**
 * GitHub renders `&#64;team` as a live `@team` and follows `[x](https&#58;//evil)`; decoding
 * these characters first lets the mention and link passes see what GitHub will. Markdown's own
 * syntax characters (`[`, `` ` ``, `<`, …) stay encoded: an entity is never syntax, and decoding
 * one would build structure GitHub does not see.
 */
export function decodeSafeEntities(text: string): string {
  return text.replace(ENTITY, (entity, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
    const char = name !== undefined ? NAMED[name] : String.fromCodePoint(Math.min(Number.parseInt(decimal ?? hex ?? "", decimal ? 10 : 16), 0x10ffff));
    return char !== undefined && SAFE.test(char) ? char : entity;
  });
}
