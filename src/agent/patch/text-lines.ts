/**
 * A text file split into lines, keeping each line's own ending so lines a patch does not
 * touch are written back byte for byte (a CRLF file stays CRLF, a mixed file stays mixed).
 */
export interface TextLines {
  lines: string[];
  /** `"\n"`, `"\r\n"`, or `""` for a last line without a newline. */
  endings: string[];
  /** The ending given to lines the patch adds: the file's most common one. */
  eol: "\n" | "\r\n";
  /** Whether the file ends with a newline (an empty file counts as yes: new text gets one). */
  endsWithNewline: boolean;
  /** A UTF-8 byte order mark, kept out of the first line so it cannot disturb matching. */
  bom: string;
}

const BOM = "\uFEFF";

export function splitTextLines(text: string): TextLines {
  const bom = text.startsWith(BOM) ? BOM : "";
  const body = text.slice(bom.length);
  const lines: string[] = [];
  const endings: string[] = [];
  const lineBreak = /\r?\n/g;
  let lineStart = 0;
  for (let match = lineBreak.exec(body); match; match = lineBreak.exec(body)) {
    lines.push(body.slice(lineStart, match.index));
    endings.push(match[0]);
    lineStart = match.index + match[0].length;
  }
  if (lineStart < body.length) {
    lines.push(body.slice(lineStart));
    endings.push("");
  }
  const crlfCount = endings.filter((ending) => ending === "\r\n").length;
  const lfCount = endings.filter((ending) => ending === "\n").length;
  const eol = crlfCount > lfCount ? "\r\n" : "\n";
  return { lines, endings, eol, endsWithNewline: body === "" || body.endsWith("\n"), bom };
}

/** Joins lines back, repairing endings around lines that moved to or away from the end. */
export function joinTextLines(text: TextLines): string {
  const last = text.lines.length - 1;
  const endings = text.endings.map((ending, index) => {
    if (index < last) return ending || text.eol;
    return text.endsWithNewline ? ending || text.eol : "";
  });
  return text.bom + text.lines.map((line, index) => line + endings[index]).join("");
}
