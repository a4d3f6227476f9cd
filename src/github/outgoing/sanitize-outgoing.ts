import { redactSecrets } from "../../tasks/redact.js";
import { decodeSafeEntities } from "./decode-safe-entities.js";
import { filterLinks } from "./filter-links.js";
import { neutraliseMentions } from "./neutralise-mentions.js";
import type { OutgoingPolicy } from "./outgoing-policy.js";
import { splitFencedCode } from "./split-fenced-code.js";
import { stripClosingKeywords } from "./strip-closing-keywords.js";
import { stripHtml } from "./strip-html.js";

export type { OutgoingPolicy } from "./outgoing-policy.js";

/**
 * The one way text reaches GitHub under the bot's name (comments, replies, pull requests,
 * reviews, check runs; github/ calls it in each posting function). What the model writes was
 * shaped by an issue, a repository file, CI output or a fork's diff, any of them hostile, so:
 * secrets are redacted, then mentions made inert, foreign closing keywords removed, and images
 * and links to hosts outside the allow-list dropped (keeping their text). Fenced code is left
 * byte for byte but for redaction and closing keywords. Applying it twice changes nothing more.
 */
export function sanitizeOutgoing(text: string, policy: OutgoingPolicy = {}): string {
  const redacted = redactSecrets(text, policy.secrets ?? []);
  const sanitised = splitFencedCode(redacted)
    .map((segment) => (segment.code ? segment.text : sanitiseProse(segment.text, policy)))
    .join("");
  return stripClosingKeywords(sanitised, policy.closesIssue);
}

function sanitiseProse(text: string, policy: OutgoingPolicy): string {
  const pieces = filterLinks(stripHtml(decodeSafeEntities(text)), policy);
  return neutraliseMentions(pieces, policy.mentions ?? []).map((piece) => piece.text).join("");
}
