/**
 * Finds a command addressed to the bot in a comment. Only text a reader sees as the author's own
 * counts: fenced code blocks, inline code, quoted lines (`> @codex …`, e.g. a quoted earlier
 * comment) and HTML comments are ignored. The mention must be a whole handle: `@codexfoo` and
 * `email@codex.dev` are not mentions.
 */
export type Command =
  | { name: "review"; focus?: string }
  | { name: "help" }
  | { name: "stop" }
  | { name: "fix" }
  | { name: "task"; instruction: string };

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
  const verb = word.toLowerCase().replace(/[.!?,:;]+$/, "");
  if (verb === "review") return { name: "review", ...(args.length ? { focus: args.join(" ") } : {}) };
  if (verb === "help" || (verb === "" && following === "")) return { name: "help" };
  if (verb === "stop" || verb === "cancel") return { name: "stop" };
  if (verb === "fix" && args.length === 0 && following === "") return { name: "fix" };
  const instruction = [rest, following].filter(Boolean).join("\n").trim();
  return { name: "task", instruction };
}
