export const REDACTED = "[REDACTED]";

/**
 * Strings shaped like credentials, redacted whether or not the bot knows the value: a token a
 * setup script echoes, or one a user pasted into an issue and the model repeated, is just as
 * live. Lookbehinds keep words that merely contain a prefix ("highs_…", "task-…") intact.
 * Formats: https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
 */
const TOKEN_SHAPES: readonly RegExp[] = [
  // ghp_ personal, gho_ OAuth, ghu_ user-to-server, ghs_ installation, ghr_ refresh tokens.
  /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{20,}/g,
  /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{20,}/g,
  // OpenAI-style keys (sk-…, sk-proj-…, sk-svcacct-…); a real key has digits, a kebab-case word does not.
  /(?<![A-Za-z0-9_-])sk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}/g,
  // A PEM private key; a block cut before its END line (an output tail) is redacted to its end.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[^-]*)/g,
  // base64("x-access-token:…"), the basic-auth header host git sends (workspace/host-git.ts):
  // the prefix is 15 bytes, a whole number of base64 groups, so every such header starts with these 20 characters.
  /eC1hY2Nlc3MtdG9rZW46[A-Za-z0-9+/]*={0,2}/g,
];

/** Shorter values are not redacted by value: "[REDACTED]" in place of every "main" helps no one. */
const MIN_SECRET_LENGTH = 8;

/**
 * Replaces secrets in text that is about to be logged or posted: every known value, its base64
 * forms, and anything token-shaped.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const known = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  const forms = [...known, ...known.flatMap((s) => [...base64Forms(s), ...base64Forms(`x-access-token:${s}`)])];
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, REDACTED);
  return out;
}

/**
 * The characters a value always produces inside a base64 (or base64url) string, wherever it
 * starts: one form per alignment, without the edge characters that depend on neighbouring bytes.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value);
  const forms: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const total = offset + bytes.length;
    const start = [0, 2, 3][offset]!;
    const end = Math.floor(total / 3) * 4 + [0, 1, 2][total % 3]!;
    const stable = encoded.slice(start, end);
    if (stable.length >= MIN_SECRET_LENGTH) forms.push(stable, stable.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}
