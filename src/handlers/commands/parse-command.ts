import { COMMANDS, parseRequest, type Command } from "./command-table.js";

export type { Command } from "./command-table.js";

/**
 * Finds a command addressed to the bot in a comment. Only text a reader sees as the author's own
 * counts: fenced code blocks, inline code, quoted lines (`> @codex …`, e.g. a quoted earlier
 * comment) and HTML comments are ignored. The mention must be a whole handle: `@codexfoo` and
 * `email@codex.dev` are not mentions.
 */
export function parseCommand(body: string, handles: readonly string[]): Command | null {
  const visible = body
    .replace(/\r\n?/g, "\n")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/^(\s*)(```|~~~)[\s\S]*?^\1\2[^\n]*$/gm, "")
    .replace(/`[^`\n]*`/g, "")
    .split("\n")
    .filter((line) => !/^\s*>/.test(line))
    .join("\n");
  const names = handles.map((h) => h.replace(/^@/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const mention = new RegExp(`(?:^|[^\\w@./-])@(?:${names})(?![\\w-])[,:]?[ \\t]*(.*)$`, "im");
  const match = mention.exec(visible);
  if (!match) return null;
  const rest = (match[1] ?? "").trim();
  const following = visible.slice(match.index + match[0].length).trim();
  const [word = "", ...args] = rest.split(/\s+/);
  const words = { verb: word.toLowerCase().replace(/[.!?,:;]+$/, ""), args, rest, following };
  const parsed = COMMANDS.find((command) => command.verbs.includes(words.verb))?.parse(words);
  return parsed ?? parseRequest(words);
}
