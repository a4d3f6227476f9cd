/**
 * Glob lists from the repo config, matched with picomatch: `**` spans directories, `*` and `?`
 * stay within one segment, `{a,b}` picks one of several, `[Mm]` is a character class, and `*`
 * matches names starting with a dot too. Extglobs (`+(a|b)`) are off: a `(` or `+` in a name is
 * just a character.
 *
 * A list is read as a .gitignore is: in order, and the last pattern that matches decides, so a
 * `!pattern` takes back what the patterns before it matched (`["docs/**", "!docs/api/**"]` is
 * docs except docs/api) and a plain pattern after it gives it back. A list that starts with a
 * `!pattern` starts from everything, so `branches: ["!gh-pages"]` means every branch but
 * gh-pages. `\!` at the start is a literal `!`. An empty list matches nothing; callers decide
 * what an empty setting means (`paths: []` is every file).
 */
import picomatch from "picomatch";

/** True when the list selects the path or branch name. */
export type GlobMatcher = (subject: string) => boolean;

interface CompiledPattern {
  negated: boolean;
  test: GlobMatcher;
}

/** `windows: false`: "/" is the only separator, whatever the host, as in git. */
const PICOMATCH_OPTIONS = { dot: true, noextglob: true, nonegate: true, windows: false } as const;

/**
 * File paths (`review.paths`, `review.ignore_paths`): as in .gitignore, a pattern without `/`
 * matches a file name at any depth (`*.snap`) unless a leading `/` anchors it at the root
 * (`/*.md`), and a trailing `/` means everything under that directory (`docs/`).
 */
export function compilePathGlobs(patterns: readonly string[]): GlobMatcher {
  return compileList(patterns, (pattern) => {
    const anchored = pattern.startsWith("/");
    let glob = pattern.replace(/^(\.\/|\/)+/, "");
    if (glob.endsWith("/")) glob += "**";
    return picomatch(glob, { ...PICOMATCH_OPTIONS, basename: !anchored && !glob.includes("/") });
  });
}

/** Branch names (`review.branches`): a pattern matches the whole name, so `main` is not `feature/main`. */
export function compileBranchGlobs(patterns: readonly string[]): GlobMatcher {
  return compileList(patterns, (pattern) => picomatch(pattern, PICOMATCH_OPTIONS));
}

function compileList(patterns: readonly string[], compile: (pattern: string) => GlobMatcher): GlobMatcher {
  const compiled = patterns
    .map((raw) => raw.trim())
    .filter((raw) => raw.length > 0)
    .map((raw): CompiledPattern => {
      const negated = raw.startsWith("!");
      const body = negated ? raw.slice(1) : raw.replace(/^\\!/, "!");
      return { negated, test: compile(body) };
    });
  const startsMatched = compiled[0]?.negated ?? false;
  return (subject) => {
    let matched = startsMatched;
    for (const pattern of compiled) {
      if (pattern.negated === matched && pattern.test(subject)) matched = !pattern.negated;
    }
    return matched;
  };
}
