import { compileBranchGlobs, compilePathGlobs } from "../../src/review/index.js";

describe("compileBranchGlobs: review.branches match the whole branch name", () => {
  test.each([
    ["main", ["main"], true],
    ["feature/main", ["main"], false],
    ["main-old", ["main"], false],
    ["release/1.2", ["release/*"], true],
    ["release/1.2/hotfix", ["release/*"], false],
    ["release", ["release/*"], false],
    ["feature/a", ["feature/**"], true],
    ["feature/a/b/c", ["feature/**"], true],
    ["features/a", ["feature/**"], false],
    ["Main", ["[Mm]ain"], true],
    ["main", ["[Mm]ain"], true],
    ["xmain", ["[Mm]ain"], false],
    ["v1.x", ["v[0-9].x"], true],
    ["release/1.2", ["main", "release/*"], true],
    ["dev", ["main", "release/*"], false],
    ["next", ["{main,next}"], true],
    ["gh-pages", ["!gh-pages"], false], // a list that starts with "!" starts from every branch
    ["main", ["!gh-pages"], true],
    ["release/old", ["release/*", "!release/old"], false],
    ["release/new", ["release/*", "!release/old"], true],
    ["release/old", ["release/*", "!release/old", "release/old"], true], // the last match decides
    ["!weird", ["\\!weird"], true], // "\!" is a literal "!"
    ["anything", [], false],
  ])("%s ~ %j → %s", (branch, patterns, expected) => {
    expect(compileBranchGlobs(patterns)(branch)).toBe(expected);
  });
});

describe("compilePathGlobs: review.paths and review.ignore_paths", () => {
  test.each([
    ["src/a.ts", ["src/*.ts"], true],
    ["src/x/a.ts", ["src/*.ts"], false],
    ["src/x/a.ts", ["src/**/*.ts"], true],
    ["src/a.ts", ["src/**/*.ts"], true],
    ["a/b/c.md", ["*.md"], true], // no slash: a file name at any depth, like .gitignore
    ["src/__snapshots__/a.test.ts.snap", ["*.snap"], true],
    ["a/b/c.md", ["/*.md"], false], // a leading slash anchors at the root
    ["c.md", ["/*.md"], true],
    ["docs/a/b.txt", ["docs/"], true],
    ["docs.txt", ["docs/"], false],
    ["src/a1.ts", ["src/a?.ts"], true],
    ["src/a/.ts", ["src/a?.ts"], false],
    ["web/x.tsx", ["**/*.{ts,tsx}"], true],
    ["web/x.js", ["**/*.{ts,tsx}"], false],
    ["a+b(1).ts", ["a+b(1).ts"], true], // no extglobs: "+" and "(" are characters
    ["src/deep/er/x.test.ts", ["**/*.test.ts"], true],
    ["srcx/a.ts", ["src/**"], false],
    [".github/workflows/ci.yml", ["**/*.yml"], true], // dot directories are not skipped
    ["x/.env", [".env"], true],
    ["Makefile", ["[Mm]akefile"], true],
    ["lib/makefile", ["[Mm]akefile"], true],
    ["docs/guide.md", ["!docs/**"], false],
    ["src/a.ts", ["!docs/**"], true],
    ["docs/guide.md", ["docs/**", "!docs/api/**"], true],
    ["docs/api/x.md", ["docs/**", "!docs/api/**"], false],
    ["docs/api/keep.md", ["docs/**", "!docs/api/**", "docs/api/keep.md"], true],
    ["src/gen/x.snap", ["*.snap", "!src/gen/*"], false],
    ["test/x.snap", ["*.snap", "!src/gen/*"], true],
    ["README.md", [" README.md "], true], // surrounding spaces are trimmed
    ["src/a.ts", [], false],
  ])("%s ~ %j → %s", (path, patterns, expected) => {
    expect(compilePathGlobs(patterns)(path)).toBe(expected);
  });
});
