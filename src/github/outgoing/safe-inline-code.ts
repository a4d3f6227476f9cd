/** A code span on one line whose content has no backtick; its opener is not escaped (CommonMark 6.1). */
const CODE_SPAN = /(?<![`\\])(`+)[^`\n]+\1(?!`)/g;

/**
 * Where the text has inline code that GitHub surely renders as code, so that `` `@types/node` ``
 * and the bot's own `` `@codex review` `` examples stay copyable. Surely means: on one line, in a
 * paragraph with no `<` and no `](` (an HTML tag or a link destination can swallow a backtick
 * and leave what follows live, as in `` [x](`)@team` ``), on a line with no `|` (a table row is
 * split into cells before code spans are found). Anything less certain is not code here.
 */
export function safeInlineCode(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  let offset = 0;
  for (const paragraph of text.split(/(?<=\n[ \t]*\n)/)) {
    if (!/<|\]\(/.test(paragraph)) {
      let lineStart = offset;
      for (const line of paragraph.split("\n")) {
        if (!line.includes("|")) for (const m of line.matchAll(CODE_SPAN)) ranges.push([lineStart + m.index, lineStart + m.index + m[0].length]);
        lineStart += line.length + 1;
      }
    }
    offset += paragraph.length;
  }
  return ranges;
}
