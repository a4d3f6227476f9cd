import { readFileSync } from "node:fs";

/**
 * The bot's own prompt text, shipped in prompts/ beside this file. The one host file `agent/`
 * reads itself (the import rules allow this file only): the work tree goes through `WorkspaceFiles`.
 */
export function readPrompt(name: "system.md" | "review.md"): string {
  return readFileSync(new URL(`./prompts/${name}`, import.meta.url), "utf8");
}
