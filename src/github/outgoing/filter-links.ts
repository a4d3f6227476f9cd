import { isAllowedUrl } from "./allowed-url.js";
import type { OutgoingPolicy, Piece } from "./outgoing-policy.js";
import { TextEdits } from "./text-edits.js";

type LinkPolicy = Pick<OutgoingPolicy, "githubHost" | "allowedOrigins">;

const WORD_JOINER = "\u2060";
const AUTOLINK = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/g;
const REFERENCE_DEFINITION = /\]:[ \t]*\n?[ \t]*(<[^<>\n]*>|\S+)/g;
const BARE_URL = /(?:https?|ftp)(?=:\/\/)|www(?=\.)/gi;
// Where cmark-gfm's autolinker surely starts a link: a scheme after anything but a letter; `www.`
// at the start, after whitespace or after `*`, `_`, `~`, `(`.
const AUTOLINKED = /(?<![A-Za-z])(?:https?|ftp):|(?<![^\s*_~(])www\./iy;

/**
 * Links and images outside the allow-list (allowed-url.ts) lose their destination and keep their
 * text: `[text](https://evil)` becomes `text`, `![alt](https://evil/?d=…)` becomes `alt`, a
 * reference definition `[r]: https://evil` loses its URL (so `[text][r]` stays plain text),
 * `<https://evil>` becomes plain text, and a bare `https://evil` is broken with a word joiner
 * after the scheme so GitHub does not autolink it. The URLs that stay are fixed for later passes.
 *
 * Every `](` is examined, however the brackets before it pair up: the destination is what
 * decides, so a link this reads differently from GitHub still cannot keep an outside URL.
 */
export function filterLinks(text: string, policy: LinkPolicy): Piece[] {
  const edits = new TextEdits(text);
  filterInlineLinks(text, edits, policy);
  for (const match of text.matchAll(REFERENCE_DEFINITION)) {
    const start = match.index + match[0].length - match[1]!.length;
    if (edits.touched(match.index, match.index + 2) || isEscaped(text, match.index)) continue;
    if (!isAllowedUrl(match[1]!.replace(/^<|>$/g, ""), policy)) edits.drop(start, start + match[1]!.length);
  }
  for (const match of text.matchAll(AUTOLINK)) {
    const end = match.index + match[0].length;
    if (edits.touched(match.index, end) || isEscaped(text, match.index)) continue;
    if (isAllowedUrl(match[1]!, policy)) edits.fix(match.index, end);
    else {
      edits.drop(match.index, match.index + 1);
      edits.drop(end - 1, end);
    }
  }
  for (const match of text.matchAll(BARE_URL)) {
    if (edits.touched(match.index, match.index + match[0].length)) continue;
    const end = urlEnd(text, match.index);
    const url = text.slice(match.index, end);
    if (!isAllowedUrl(/^www/i.test(url) ? `https://${url}` : url, policy)) edits.insertBefore(match.index + match[0].length, WORD_JOINER);
    // Fixed only where GitHub surely links it: an `@` in the URL is then no mention.
    else if (autolinkedAt(text, match.index)) edits.fix(match.index, end);
  }
  return edits.pieces();
}

/** `[text](destination "title")` and `![alt](…)`, found from their `](`. */
function filterInlineLinks(text: string, edits: TextEdits, policy: LinkPolicy): void {
  for (let close = text.indexOf("]("); close !== -1; close = text.indexOf("](", close + 1)) {
    if (isEscaped(text, close) || edits.touched(close, close + 2)) continue;
    const tail = scanLinkTail(text, close + 1);
    if (!tail) continue;
    if (isAllowedUrl(tail.destination, policy)) {
      // Only an absolute URL is fixed: should GitHub read this as text after all (an opener this
      // pairs differently), it autolinks the URL, and an `@` inside it is still no mention.
      if (/^https?:\/\//i.test(tail.destination)) edits.fix(tail.destinationStart, tail.destinationEnd);
      continue;
    }
    edits.drop(close, tail.end);
    const open = findOpener(text, close);
    if (open === undefined) continue;
    edits.drop(open, open + 1);
    if (text[open - 1] === "!" && !isEscaped(text, open - 1)) edits.drop(open - 1, open);
  }
}

interface LinkTail {
  destination: string;
  destinationStart: number;
  destinationEnd: number;
  /** Just after the closing parenthesis. */
  end: number;
}

/** The `(destination "title")` part of an inline link, as CommonMark reads it (6.3), from its `(`. */
function scanLinkTail(text: string, paren: number): LinkTail | undefined {
  let i = skipSpace(text, paren + 1);
  const destinationStart = i;
  if (text[i] === "<") {
    const close = text.slice(i).search(/[>\n]/);
    if (close === -1 || text[i + close] !== ">") return undefined;
    i += close + 1;
  } else {
    for (let depth = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === "\\") i++;
      else if (/[\s\x00-\x1f]/.test(c) || (c === ")" && depth === 0)) break;
      else if (c === "(") depth++;
      else if (c === ")") depth--;
    }
  }
  const destinationEnd = Math.min(i, text.length);
  i = skipSpace(text, destinationEnd);
  const quote = text[i];
  if (i > destinationEnd && (quote === '"' || quote === "'" || quote === "(")) {
    const closing = quote === "(" ? ")" : quote;
    for (i++; i < text.length && text[i] !== closing; i++) if (text[i] === "\\") i++;
    if (i >= text.length) return undefined;
    i = skipSpace(text, i + 1);
  }
  if (text[i] !== ")") return undefined;
  const destination = text.slice(destinationStart, destinationEnd).replace(/^<|>$/g, "");
  return { destination, destinationStart, destinationEnd, end: i + 1 };
}

/** The `[` that a `]` closes, within its paragraph. */
function findOpener(text: string, close: number): number | undefined {
  let depth = 0;
  for (let i = close - 1; i >= 0; i--) {
    const c = text[i];
    if (c === "\n" && text.slice(text.lastIndexOf("\n", i - 1) + 1, i).trim() === "") return undefined;
    if ((c !== "[" && c !== "]") || isEscaped(text, i)) continue;
    if (c === "]") depth++;
    else if (depth === 0) return i;
    else depth--;
  }
  return undefined;
}

/** Spaces and tabs, and at most one line break. */
function skipSpace(text: string, from: number): number {
  let i = from;
  let newlines = 0;
  while (i < text.length && (text[i] === " " || text[i] === "\t" || (text[i] === "\n" && newlines++ === 0))) i++;
  return i;
}

function autolinkedAt(text: string, index: number): boolean {
  AUTOLINKED.lastIndex = index;
  return AUTOLINKED.test(text);
}

/** Up to whitespace or `<`, without trailing punctuation (GFM 6.9). */
function urlEnd(text: string, from: number): number {
  const rest = text.slice(from);
  const raw = rest.slice(0, rest.search(/[\s<]|$/));
  return from + raw.replace(/[?!.,:*_~'")\]]+$/, "").length;
}

function isEscaped(text: string, index: number): boolean {
  let slashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === "\\"; i--) slashes++;
  return slashes % 2 === 1;
}
