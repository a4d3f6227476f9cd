import { COMMANDS } from "./command-table.js";

/** The reply to `@codex help` and to commands the bot does not know, built from the command table. */
export function helpText(mention: string, label: string): string {
  const lines = COMMANDS.flatMap((command) => command.help.map((line) => `- ${line(mention, label)}`));
  return [`**codex-bot commands** (for people with write access)`, "", ...lines].join("\n");
}
