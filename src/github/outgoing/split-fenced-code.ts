export interface Segment {
  text: string;
  code: boolean;
}

const OPENING_FENCE = /^(`{3,}|~{3,})(.*)$/;

/**
 * Splits text into fenced code blocks and the prose around them, so that code (a committable
 * suggestion, a test's output) is posted byte for byte: GitHub renders no mention, link or image
 * inside it.
 *
 * Only a fence GitHub cannot read differently counts: one at the start of a line, after a blank
 * line or at the very start. A fence inside a list item or directly under an HTML block (`<div>`
 * runs to the next blank line) might be code to a lenient parser and prose to GitHub; treated as
 * prose it is sanitised, which is the safe way to be wrong. Inline code spans are not exempt for
 * the same reason (in a table cell, `` `a | @team` `` is two cells and a live mention).
 */
export function splitFencedCode(text: string): Segment[] {
  const lines = text.split(/(?<=\n)/);
  const segments: Segment[] = [];
  let prose = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const opening = OPENING_FENCE.exec(line.replace(/\r?\n$/, ""));
    const afterBlank = i === 0 || lines[i - 1]!.trim() === "";
    // A backtick fence's info string cannot contain a backtick (CommonMark 4.5).
    if (!opening || !afterBlank || (opening[1]!.startsWith("`") && opening[2]!.includes("`"))) {
      prose += line;
      continue;
    }
    const fence = opening[1]!;
    // The closing fence: the same character, at least as long, up to three spaces in, nothing after.
    const closing = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}[ \\t]*\\r?\\n?$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end]!)) end++;
    if (prose) segments.push({ text: prose, code: false });
    prose = "";
    // An unclosed fence runs to the end of the text, for GitHub as here.
    segments.push({ text: lines.slice(i, end + 1).join(""), code: true });
    i = end;
  }
  if (prose) segments.push({ text: prose, code: false });
  return segments;
}
