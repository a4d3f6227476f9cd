import { runGit } from "./git.js";

export type PathEntry =
  | { type: "file"; sha: string; content: Buffer }
  | { type: "dir"; entries: { name: string; type: "file" | "dir"; sha: string }[] };

/** Reads `path` at `ref` from a bare repository, as `git show ref:path` would; undefined when missing. */
export async function readPath(bareDir: string, ref: string, path: string): Promise<PathEntry | undefined> {
  if (ref.startsWith("-")) return undefined;
  const object = `${ref}:${path.replace(/^\/+|\/+$/g, "")}`;
  const sha = await runGit(["rev-parse", "--verify", "--quiet", object], bareDir);
  if (sha.exitCode !== 0) return undefined;
  const id = sha.stdout.toString("utf8").trim();
  const kind = (await runGit(["cat-file", "-t", id], bareDir)).stdout.toString("utf8").trim();
  if (kind === "blob") {
    const blob = await runGit(["cat-file", "blob", id], bareDir);
    return { type: "file", sha: id, content: blob.stdout };
  }
  if (kind !== "tree") return undefined;
  const listing = await runGit(["ls-tree", id], bareDir);
  const entries = listing.stdout
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      // "<mode> <type> <sha>\t<name>"
      const [meta = "", name = ""] = line.split("\t");
      const [, type, entrySha = ""] = meta.split(" ");
      return { name, type: type === "tree" ? ("dir" as const) : ("file" as const), sha: entrySha };
    });
  return { type: "dir", entries };
}
