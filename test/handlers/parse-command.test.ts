import { parseCommand } from "../../src/handlers/commands/parse-command.js";

const handles = ["codex", "my-codex-app"];

describe("which comments are commands", () => {
  test.each([
    ["@codex review", { name: "review" }],
    ["@codex review focus on security", { name: "review", focus: "focus on security" }],
    ["@codex REVIEW.", { name: "review" }],
    ["Thanks! @codex review please", { name: "review", focus: "please" }],
    ["@codex, review", { name: "review" }],
    ["@codex: help", { name: "help" }],
    ["@codex", { name: "help" }],
    ["@codex stop", { name: "stop" }],
    ["@codex cancel.", { name: "stop" }],
    ["@codex fix", { name: "fix" }],
    ["@codex fix\nthe flaky test too", { name: "task", instruction: "fix\nthe flaky test too" }],
    ["@codex help me with the parser", { name: "help" }],
    ["@codex\nadd tests for the parser", { name: "task", instruction: "add tests for the parser" }],
    ["@my-codex-app review", { name: "review" }],
    ["@codex also handle the empty-string case", { name: "task", instruction: "also handle the empty-string case" }],
    ["hey @codex please add tests\nfor the parser", { name: "task", instruction: "please add tests\nfor the parser" }],
    ["@Codex fix the typo!", { name: "task", instruction: "fix the typo!" }],
  ])("%j is a command", (body, expected) => {
    expect(parseCommand(body, handles)).toEqual(expected);
  });

  test.each([
    ["> @codex review\n\nI disagree with this.", "quoted"],
    ["Run `@codex review` to get a review.", "inline code"],
    ["```\n@codex review\n```", "fenced code"],
    ["~~~sh\n@codex stop\n~~~\ndone", "tilde fence"],
    ["<!-- @codex review -->", "HTML comment"],
    ["@codexfoo review", "longer handle"],
    ["mail me at email@codex.dev", "email address"],
    ["see https://example.com/@codex/review", "inside a URL"],
    ["@codex-team review", "a different handle"],
    ["no mention here", "no mention"],
  ])("%j is not a command (%s)", (body) => {
    expect(parseCommand(body, handles)).toBeNull();
  });
});
