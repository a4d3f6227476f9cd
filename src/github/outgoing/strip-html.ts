/**
 * Tags that fetch or link (`<img>`, `<picture>`/`<source>`, `<a>`, …) are removed when they have
 * attributes, keeping what they enclose; without attributes (`<Image>`, `</Link>` in a review of
 * React code) they point nowhere and stay. A tag name ends at whitespace, `/` or `>` as in a
 * browser's tokenizer, and the tag runs to the next `>`: inside an HTML block GitHub hands raw
 * HTML to a browser-grade parser, which accepts far more than CommonMark's tag grammar.
 */
const FETCHING_TAG = /<\/?(?:a|area|audio|base|embed|form|frame|iframe|image|img|input|link|math|meta|mglyph|object|picture|portal|source|svg|track|video)(?=[\s/>])[^>]*>/gi;
const WITHOUT_ATTRIBUTES = /^<\/?[A-Za-z]+[\s/]*>$/;

/**
 * HTML that runs across blank lines (CommonMark HTML blocks 1-5: `<pre>`, `<script>`, `<style>`,
 * `<textarea>`, comments, `<?`, `<!X`, CDATA) would hide from splitFencedCode what is code and
 * what is not; it is escaped into visible text, as are raw-text elements, whose content is not
 * markup. Other tags (`<details>`, `<b>`) carry nothing GitHub's own sanitiser lets through.
 */
const OPAQUE_START = /<(?=[!?]|\/?(?:iframe|noembed|noframes|noscript|plaintext|pre|script|style|textarea|title|xmp)(?=[\s/>]|$))/gim;

/**
 * The hidden markers the bot itself appends: to a review (review/fingerprint.ts; its JSON holds
 * no `<` or `>`), and to a comment answering a delivery (github/comments.ts postCommentOnce).
 */
const REVIEW_MARKER = /<!-- codex-(?:review: \{[^<>]*\}|delivery: [0-9A-Za-z-]{1,64}) -->/g;

export function stripHtml(text: string): string {
  const markers = text.match(REVIEW_MARKER) ?? [];
  return text
    .split(REVIEW_MARKER)
    .map((part, i) => part.replace(FETCHING_TAG, (tag) => (WITHOUT_ATTRIBUTES.test(tag) ? tag : "")).replace(OPAQUE_START, "&lt;") + (markers[i] ?? ""))
    .join("");
}
