/**
 * GitHub's closing keywords followed by an issue: `#9`, `owner/repo#9`, or an issue or pull
 * request URL. https://docs.github.com/en/issues/tracking-your-work-with-issues/using-issues/linking-a-pull-request-to-an-issue
 * Emphasis and a colon between keyword and issue are allowed for, since either may still close.
 */
const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b[\s*_~:]*(?=((?:[\w.-]+\/[\w.-]+)?#(\d+)\b|https?:\/\/\S+?\/(?:issues|pull)\/\d+))/gi;

/**
 * Removes closing keywords, leaving the reference: merging a pull request must not close
 * `other/repo#9` because a prompt-injected model wrote "fixes" before it. Only `#N` of the one
 * issue the bot's own line names (`closesIssue`) survives.
 *
 * Code is not spared: GitHub finds keywords in the raw text of a description and a commit
 * message, and even inside an HTML comment.
 */
export function stripClosingKeywords(text: string, closesIssue?: number): string {
  return text.replace(CLOSING, (keyword, reference: string, number: string | undefined) =>
    closesIssue !== undefined && reference.startsWith("#") && Number(number) === closesIssue ? keyword : "");
}
