/** What a comment addressed to the bot asks for. */
export type Command =
  | { name: "review"; focus?: string }
  | { name: "help" }
  | { name: "stop" }
  | { name: "fix" }
  | { name: "task"; instruction: string };

/** The comment after the mention: its first word (lower case, end punctuation dropped), the words after it, the whole line, and the lines below. */
export interface CommandWords {
  verb: string;
  args: readonly string[];
  rest: string;
  following: string;
}

export interface CommandSpec {
  name: Command["name"];
  /** First words that select it; the free-text request has none and takes what nothing else does. */
  verbs: readonly string[];
  /** The command, or null when the words do not fit it (then they are a free-text request). */
  parse: (words: CommandWords) => Command | null;
  /** Its lines in `@codex help`, one per place it is used. */
  help: readonly ((mention: string, label: string) => string)[];
}

/** A request in the author's words: everything after the mention. */
export function parseRequest({ rest, following }: CommandWords): Command {
  return { name: "task", instruction: [rest, following].filter(Boolean).join("\n").trim() };
}

/**
 * Every command, in the order `@codex help` lists them: the parser and the help text both read
 * this table, so a command cannot exist without its help line. README's "Talking to codex-bot"
 * table is checked against the help text by test/handlers/help-text.test.ts.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "task",
    verbs: [],
    parse: parseRequest,
    help: [
      (m, label) => `On an issue: label it \`${label}\`, or say what to do, as in \`@${m} add a --json flag to the export command\`: codex works on it and opens a pull request.`,
      (m) => `On a pull request: a request such as \`@${m} also handle the empty-string case\`: a new commit on the pull request's own branch (not a fork's), and a reply saying what changed.`,
      (m) => `In a review thread: reply \`@${m} fix this\` to an inline comment: codex works on those lines and answers in the thread.`,
    ],
  },
  {
    name: "fix",
    verbs: ["fix"],
    parse: ({ args, following }) => (args.length === 0 && following === "" ? { name: "fix" } : null),
    help: [(m) => `On a pull request: \`@${m} fix\`: codex fixes its own open P0/P1 findings on that branch, then reviews again.`],
  },
  {
    name: "review",
    verbs: ["review"],
    parse: ({ args }) => ({ name: "review", ...(args.length ? { focus: args.join(" ") } : {}) }),
    help: [(m) => `On a pull request: \`@${m} review\`, or with a focus, \`@${m} review focus on security\`: a fresh review.`],
  },
  {
    name: "stop",
    verbs: ["stop", "cancel"],
    parse: () => ({ name: "stop" }),
    help: [(m) => `On an issue or pull request: \`@${m} stop\` (or \`cancel\`): cancels its running and waiting tasks; nothing more is pushed for them.`],
  },
  {
    name: "help",
    // A bare mention with nothing after it asks for help too.
    verbs: ["help", ""],
    parse: ({ verb, following }) => (verb === "help" || following === "" ? { name: "help" } : null),
    help: [(m) => `Anywhere: \`@${m} help\` (or a command codex does not know): this list.`],
  },
];
