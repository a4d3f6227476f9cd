import { existsSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeTree } from "../../src/workspace/copy-tree.js";
import { listDependencyCache, restoreDependencies, storeDependencies } from "../../src/workspace/dependency-cache.js";

const KEY = "0123456789abcdef0123456789abcdef";
const OTHER_KEY = "fedcba9876543210fedcba9876543210";

describe("dependency cache entries (store, restore, refuse)", () => {
  let root: string;
  let workTree: string;
  let repoDir: string;
  let outside: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "codex-deps-"));
    workTree = join(root, "work");
    repoDir = join(root, "cache", "octo", "app");
    outside = join(root, "outside");
    await mkdir(join(workTree, "node_modules", "pkg"), { recursive: true });
    await writeFile(join(workTree, "node_modules", "pkg", "index.js"), "module.exports = 1;\n");
    await mkdir(outside);
    await writeFile(join(outside, "secret.txt"), "host file\n");
  });

  afterEach(async () => {
    await removeTree(root);
  });

  const freshWorkTree = async (name: string) => {
    const dir = join(root, name);
    await mkdir(dir);
    return dir;
  };

  test("symlinks are stored and restored as links; nothing they point at is copied or chmod-ed", async () => {
    await symlink(outside, join(workTree, "node_modules", "escape"));
    await symlink(outside, join(workTree, ".venv"));
    expect(await storeDependencies(repoDir, KEY, workTree, ["node_modules", ".venv"])).toBe(true);
    expect((await stat(join(outside, "secret.txt"))).mode & 0o200).not.toBe(0);
    expect((await lstat(join(repoDir, KEY, "tree", ".venv"))).isSymbolicLink()).toBe(true);

    const next = await freshWorkTree("next");
    expect(await restoreDependencies(repoDir, KEY, next)).toEqual(["node_modules", ".venv"]);
    expect(await readlink(join(next, "node_modules", "escape"))).toBe(outside);
    expect(await readFile(join(next, "node_modules", "pkg", "index.js"), "utf8")).toBe("module.exports = 1;\n");
    expect((await stat(join(next, "node_modules", "pkg", "index.js"))).mode & 0o200).not.toBe(0);
  });

  test("a restore refuses to write through a symlinked parent or over an existing path", async () => {
    await mkdir(join(workTree, "packages", "a", "node_modules"), { recursive: true });
    await writeFile(join(workTree, "packages", "a", "node_modules", "x.js"), "x\n");
    await storeDependencies(repoDir, KEY, workTree, ["packages/a/node_modules"]);

    const planted = await freshWorkTree("planted");
    await symlink(outside, join(planted, "packages")); // e.g. a tracked symlink in a later commit
    await expect(restoreDependencies(repoDir, KEY, planted)).rejects.toThrow(/cannot restore `packages\/a\/node_modules`/);
    expect(await readdir(outside)).toEqual(["secret.txt"]);

    const occupied = await freshWorkTree("occupied");
    await mkdir(join(occupied, "packages", "a", "node_modules"), { recursive: true });
    await expect(restoreDependencies(repoDir, KEY, occupied)).rejects.toThrow(/exists/);
  });

  test("an absent or broken entry is a miss, and the next store replaces it", async () => {
    expect(await restoreDependencies(repoDir, KEY, await freshWorkTree("a"))).toBeUndefined();
    await mkdir(join(repoDir, KEY, "tree"), { recursive: true }); // a crash left no manifest
    expect(await restoreDependencies(repoDir, KEY, await freshWorkTree("b"))).toBeUndefined();
    expect(await storeDependencies(repoDir, KEY, workTree, ["node_modules"])).toBe(true);
    expect(await restoreDependencies(repoDir, KEY, await freshWorkTree("c"))).toEqual(["node_modules"]);
  });

  test("two tasks storing the same key at once leave one whole entry and no temporary files", async () => {
    const results = await Promise.all([
      storeDependencies(repoDir, KEY, workTree, ["node_modules"]),
      storeDependencies(repoDir, KEY, workTree, ["node_modules"]),
      storeDependencies(repoDir, OTHER_KEY, workTree, []),
    ]);
    expect(results.filter(Boolean)).toHaveLength(2);
    expect((await readdir(repoDir)).sort()).toEqual([KEY, OTHER_KEY].sort());
    expect(await listDependencyCache(repoDir)).toHaveLength(2);
    expect(await restoreDependencies(repoDir, OTHER_KEY, await freshWorkTree("empty"))).toEqual([]);
  });

  test("keys are hex digests only, so a key can never name a path", async () => {
    await expect(storeDependencies(repoDir, "../../escape", workTree, [])).rejects.toThrow(/not a dependency cache key/);
    await expect(restoreDependencies(repoDir, "..", workTree)).rejects.toThrow(/not a dependency cache key/);
    expect(existsSync(join(root, "escape"))).toBe(false);
  });
});
