/** The reply to `@codex help` and to commands the bot does not know. */
export function helpText(mention: string, label: string): string {
  return [
    `**codex-bot commands** (for people with write access)`,
    "",
    `- Label an issue \`${label}\`, or comment \`@${mention} <what to do>\` on an issue: codex works on it and opens a pull request.`,
    `- \`@${mention} review\` on a pull request: a fresh review. Add a focus: \`@${mention} review focus on security\`.`,
    `- \`@${mention} help\`: this list.`,
  ].join("\n");
}
