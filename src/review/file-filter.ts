import type { DiffFile } from "./diff-types.js";
import { compilePathGlobs, type GlobMatcher } from "./glob.js";

/** Why a file is left out of the review; `describeSkipReason` gives the words for the review body. */
export type SkipReason =
  | "ignored"
  | "outside-paths"
  | "lockfile"
  | "vendored"
  | "generated"
  | "minified"
  | "binary"
  | "no-patch"
  | "no-changes";

export interface SkippedFile {
  path: string;
  reason: SkipReason;
}

export interface FileFilterOptions {
  /** Review only files these globs select (repo config `paths`, see glob.ts for `!`); empty means all. */
  paths?: readonly string[];
  /** Never review files these globs select (repo config `ignore_paths`). */
  ignorePaths?: readonly string[];
  /** Head-side contents, when the caller has them, to spot `@generated` headers beyond the diff. */
  contents?: ReadonlyMap<string, string>;
}

const LOCKFILES = new Set([
  "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb", "deno.lock",
  "Cargo.lock", "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "go.sum", "go.work.sum", "Gemfile.lock",
  "composer.lock", "mix.lock", "Podfile.lock", "Package.resolved", "pubspec.lock", "flake.lock", "gradle.lockfile",
  "packages.lock.json", "conan.lock",
]);
const VENDORED_DIR = /(^|\/)(vendor|third_party|third-party|node_modules)\//;
const GENERATED_NAME = /(\.generated\.[^/]+|\.pb\.go|\.pb\.(cc|h)|_pb2(_grpc)?\.pyi?|\.g\.dart|\.(js|css)\.map)$/;
const MINIFIED_NAME = /\.min\.(js|mjs|cjs|css)$/;
const GENERATED_MARKER = /@generated\b|\bDO NOT EDIT\b/;
/** How far into a file a generated-code header is looked for. */
const HEADER_LINES = 10;
/** A line this long in code is almost always minified or machine-written. */
const MINIFIED_LINE_CHARS = 1000;
/** Prose is often written one paragraph per line; long lines there say nothing. */
const PROSE_FILE = /\.(md|mdx|markdown|txt|rst|adoc)$/i;

/** Splits the pull request's files into those the model reviews and those it does not, with why. */
export function filterFiles(files: readonly DiffFile[], options: FileFilterOptions = {}): { reviewed: DiffFile[]; skipped: SkippedFile[] } {
  const reviewed: DiffFile[] = [];
  const skipped: SkippedFile[] = [];
  const globs: PathGlobs = {
    ignored: compilePathGlobs(options.ignorePaths ?? []),
    inPaths: options.paths?.length ? compilePathGlobs(options.paths) : () => true,
  };
  for (const file of files) {
    const reason = skipReason(file, globs, options.contents);
    if (reason) skipped.push({ path: file.path, reason });
    else reviewed.push(file);
  }
  return { reviewed, skipped };
}

interface PathGlobs {
  ignored: GlobMatcher;
  inPaths: GlobMatcher;
}

/** The first reason that applies, cheapest checks (names) before content checks. */
function skipReason(file: DiffFile, globs: PathGlobs, contents: FileFilterOptions["contents"]): SkipReason | undefined {
  const { path } = file;
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (globs.ignored(path)) return "ignored";
  if (!globs.inPaths(path)) return "outside-paths";
  if (LOCKFILES.has(name)) return "lockfile";
  if (VENDORED_DIR.test(path)) return "vendored";
  if (GENERATED_NAME.test(name)) return "generated";
  if (MINIFIED_NAME.test(name)) return "minified";
  if (file.patchStatus === "binary") return "binary";
  if (file.patchStatus === "omitted") return "no-patch";
  if (file.hunks.length === 0) return "no-changes";
  if (headerLines(file, contents).some((line) => GENERATED_MARKER.test(line))) return "generated";
  if (!PROSE_FILE.test(name) && hasVeryLongLine(file)) return "minified";
  return undefined;
}

export function describeSkipReason(reason: SkipReason): string {
  const words: Record<SkipReason, string> = {
    ignored: "matches `ignore_paths`",
    "outside-paths": "outside `paths`",
    lockfile: "lockfile",
    vendored: "vendored code",
    generated: "generated file",
    minified: "minified file",
    binary: "binary file",
    "no-patch": "GitHub shows no diff (binary or too large)",
    "no-changes": "no content changes",
  };
  return words[reason];
}

/** The file's first lines: from `contents` when given, else from a hunk that starts at line 1. */
function headerLines(file: DiffFile, contents: ReadonlyMap<string, string> | undefined): string[] {
  const text = contents?.get(file.path);
  if (text !== undefined) return text.split("\n", HEADER_LINES);
  const first = file.hunks[0];
  if (!first || first.newStart > 1) return [];
  return first.lines.filter((line) => line.newLine !== undefined && line.newLine <= HEADER_LINES).map((line) => line.text);
}

function hasVeryLongLine(file: DiffFile): boolean {
  return file.hunks.some((hunk) => hunk.lines.some((line) => line.kind === "add" && line.text.length >= MINIFIED_LINE_CHARS));
}
