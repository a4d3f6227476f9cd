import { readFileSync } from "node:fs";
import { COMMANDS } from "../../src/handlers/commands/command-table.js";
import { helpText } from "../../src/handlers/commands/help-text.js";
import { parseCommand } from "../../src/handlers/commands/parse-command.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const help = helpText("codex", "codex");
const helpLines = help.split("\n").filter((line) => line.startsWith("- "));

/** Where the README says a command is used → how its help line starts. */
const PLACE: Record<string, string> = {
  Issue: "- On an issue:",
  "Pull request": "- On a pull request:",
  "Review thread": "- In a review thread:",
  "Issue or PR": "- On an issue or pull request:",
  Anywhere: "- Anywhere:",
};

/** The rows of the README's "Talking to codex-bot" table: where, and each code span of the command cell. */
function readmeCommands(): { where: string; command: string }[] {
  const section = README.split(/^## Talking to codex-bot$/m)[1]?.split(/^## /m)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| Where") && !line.startsWith("| ---"))
    .flatMap((line) => {
      const [where = "", cell = ""] = line.split("|").slice(1).map((c) => c.trim());
      return [...cell.matchAll(/`([^`]+)`/g)].map((m) => ({ where, command: cell.startsWith("label") ? `label ${m[0]}` : m[1]! }));
    });
}

const documented = readmeCommands();

describe("@codex help and the README's command table", () => {
  test("the README table is read: every kind of command is in it", () => {
    const names = documented.filter((d) => d.command.startsWith("@codex")).map((d) => parseCommand(d.command, ["codex"])?.name);
    expect(new Set(names)).toEqual(new Set(["task", "fix", "review", "stop", "help"]));
    expect(documented.length).toBeGreaterThanOrEqual(9);
  });

  test.each(documented.map((d) => [d.command, d.where]))("%s (%s) is in the help, on a line for the same place", (command, where) => {
    const spelled = command.startsWith("label ") ? `label it ${command.slice("label ".length)}` : `\`${command}\``;
    const line = helpLines.find((l) => l.includes(spelled));
    expect(line).toBeDefined();
    expect(line!.startsWith(PLACE[where] ?? `(no place named ${where})`)).toBe(true);
  });

  test("every example in the help is parsed as the command whose help it is", () => {
    const examples = COMMANDS.flatMap((command) =>
      command.help.flatMap((line) => [...line("codex", "codex").matchAll(/`(@codex[^`]*)`/g)].map((m) => ({ example: m[1]!, name: command.name }))),
    );
    expect(examples.length).toBeGreaterThanOrEqual(COMMANDS.length);
    for (const { example, name } of examples) expect({ example, parsed: parseCommand(example, ["codex"])?.name }).toEqual({ example, parsed: name });
  });

  test("the help speaks with the server's mention and label", () => {
    const custom = helpText("robo", "ai-task");
    expect(custom).toContain("`@robo stop`");
    expect(custom).toContain("label it `ai-task`");
    expect(custom).not.toContain("@codex");
  });
});
