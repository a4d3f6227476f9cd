/**
 * Paths in `git diff` headers. Git quotes a path that contains special bytes (a tab, a quote,
 * non-ASCII) C-style, with non-ASCII as octal UTF-8 bytes: `"a/na\303\257ve.txt"`.
 * See core.quotePath in https://git-scm.com/docs/git-config.
 */

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Reads one quoted path at the start of `text`; returns it and the rest of the text. */
export function readQuotedPath(text: string): { path: string; rest: string } {
  const bytes: number[] = [];
  let index = 1;
  for (; index < text.length && text[index] !== '"'; index++) {
    const char = text[index] ?? "";
    if (char !== "\\") {
      bytes.push(...Buffer.from(char, "utf8"));
      continue;
    }
    const next = text[++index] ?? "";
    const octal = /^[0-7]{3}/.exec(text.slice(index));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      index += 2;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
    }
  }
  return { path: Buffer.from(bytes).toString("utf8"), rest: text.slice(index + 1) };
}

/**
 * The path of a `--- a/x` or `+++ b/x` line, without its `a/`/`b/` prefix; `undefined` for
 * `/dev/null`. Git ends an unquoted path that contains a space with a tab, which is dropped.
 */
export function parseMarkerPath(value: string): string | undefined {
  const path = value.startsWith('"') ? readQuotedPath(value).path : value.split("\t")[0] ?? "";
  return path === "/dev/null" ? undefined : stripSidePrefix(path);
}

/**
 * The two paths of a `diff --git a/x b/y` line (text after `diff --git `). Unquoted paths may
 * contain spaces, so when both halves name the same file (the usual case) they are split evenly.
 */
export function parseDiffGitPaths(text: string): { oldPath: string; newPath: string } {
  if (text.startsWith('"')) {
    const first = readQuotedPath(text);
    const rest = first.rest.trimStart();
    const second = rest.startsWith('"') ? readQuotedPath(rest).path : rest;
    return { oldPath: stripSidePrefix(first.path), newPath: stripSidePrefix(second) };
  }
  const quotedSecond = text.indexOf(' "');
  if (quotedSecond !== -1) {
    return { oldPath: stripSidePrefix(text.slice(0, quotedSecond)), newPath: stripSidePrefix(readQuotedPath(text.slice(quotedSecond + 1)).path) };
  }
  const half = (text.length - 1) / 2;
  if (Number.isInteger(half) && text[half] === " " && text.slice(2, half) === text.slice(half + 3)) {
    const path = text.slice(2, half);
    return { oldPath: path, newPath: path };
  }
  const split = text.lastIndexOf(" b/");
  return split === -1
    ? { oldPath: stripSidePrefix(text), newPath: stripSidePrefix(text) }
    : { oldPath: stripSidePrefix(text.slice(0, split)), newPath: text.slice(split + 3) };
}

function stripSidePrefix(path: string): string {
  return /^[ab]\//.test(path) ? path.slice(2) : path;
}
