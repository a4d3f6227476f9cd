/**
 * Matches a repository path against a glob from the repo config (`paths`, `ignore_paths`):
 * `**` spans directories, `*` and `?` stay within one path segment, `{a,b}` picks one of
 * several. As in .gitignore, a pattern without `/` matches a file name at any depth
 * (`*.md`) unless a leading `/` anchors it (`/*.md`), and a trailing `/` means everything under
 * that directory (`docs/`).
 */
export function matchesGlob(path: string, pattern: string): boolean {
  // Compiled per call: patterns are short, and a cache shared by every repository would only grow.
  return globToRegExp(pattern).test(path);
}

function globToRegExp(pattern: string): RegExp {
  const trimmed = pattern.trim();
  let glob = trimmed.replace(/^(\.\/|\/)+/, "");
  if (glob.endsWith("/")) glob += "**";
  // As in .gitignore, a leading "/" anchors a slash-free pattern at the root.
  if (!glob.includes("/") && !trimmed.startsWith("/")) glob = `**/${glob}`;
  let source = "";
  let braceDepth = 0;
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] ?? "";
    if (glob.startsWith("**/", index)) {
      source += "(?:.*/)?";
      index += 2;
    } else if (glob.startsWith("**", index)) {
      source += ".*";
      index += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else if (char === "{") {
      source += "(?:";
      braceDepth++;
    } else if (char === "}" && braceDepth > 0) {
      source += ")";
      braceDepth--;
    } else if (char === "," && braceDepth > 0) source += "|";
    else source += char.replace(/[.+^$()|[\]\\{}]/g, "\\$&");
  }
  return new RegExp(`^${source}${")".repeat(braceDepth)}$`);
}
