/**
 * What one posting may keep that the sanitiser would otherwise take out. Every field only widens
 * what passes: an empty policy is the strictest, so a caller that forgets one loses a link or a
 * ping, never safety.
 */
export interface OutgoingPolicy {
  /** Secret values to redact by value (and in base64), besides the token-shaped strings always redacted. */
  secrets?: readonly string[];
  /** The GitHub in use (GHE_HOST or github.com): links to it and its subdomains are kept. */
  githubHost?: string;
  /** Further origins whose links and images are kept: the bot's own log pages (CODEX_PUBLIC_URL). */
  allowedOrigins?: readonly string[];
  /** The one issue the text may close: the task's own `Fixes #N` in the pull request the bot opens. */
  closesIssue?: number;
  /** Logins the bot means to ping (the requester it answers); every other mention is made inert. */
  mentions?: readonly string[];
}

/** One stretch of text, and whether later passes must leave it as it is (a kept link's URL). */
export interface Piece {
  text: string;
  fixed: boolean;
}
