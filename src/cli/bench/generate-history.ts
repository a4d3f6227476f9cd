import { mkdir } from "node:fs/promises";
import { execa } from "execa";

export interface HistoryShape {
  commits: number;
  files: number;
  /** Files changed by each commit after the first. */
  filesPerCommit: number;
}

const GIT_ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", HOME: "/nonexistent" };

/**
 * Creates a bare repository with a long history in one `git fast-import` run
 * (https://git-scm.com/docs/git-fast-import), then packs it the way a hosting server would.
 */
export async function generateHistory(bareDir: string, shape: HistoryShape): Promise<void> {
  await importInto(bareDir, fastImportStream(shape));
}

/** A bare repository whose `main` is one commit holding `files`. */
export async function createRepoWithFiles(bareDir: string, files: Record<string, string>): Promise<void> {
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const entries = Object.entries(files).map(([path, content]) => `M 100644 inline ${path}\n${data(content)}`);
  await importInto(bareDir, ["commit refs/heads/main\n", "committer Bench <bench@example.com> 1700000000 +0000\n", data("Initial commit"), ...entries].join(""));
}

async function importInto(bareDir: string, stream: string): Promise<void> {
  await mkdir(bareDir, { recursive: true });
  const env = { ...GIT_ENV, GIT_DIR: bareDir };
  await execa("git", ["init", "--quiet", "--bare", "--initial-branch=main", bareDir], { env: GIT_ENV, extendEnv: false });
  await execa("git", ["fast-import", "--quiet"], { input: stream, env, extendEnv: false });
  await execa("git", ["repack", "-a", "-d", "-q"], { env, extendEnv: false });
}

function fastImportStream({ commits, files, filesPerCommit }: HistoryShape): string {
  const contents = Array.from({ length: files }, (_, f) => Array.from({ length: 40 }, (_, line) => `// file ${f} line ${line}: ${"x".repeat(f % 30)}`));
  const parts: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (let c = 0; c < commits; c++) {
    const changed = c === 0 ? contents.map((_, f) => f) : Array.from({ length: filesPerCommit }, (_, k) => (c * 7 + k * 13) % files);
    parts.push("commit refs/heads/main\n", `committer Bench <bench@example.com> ${1_700_000_000 + c * 60} +0000\n`, data(`Commit ${c}`));
    for (const f of changed) {
      if (c > 0) contents[f]![c % 40] = `// file ${f} changed in commit ${c}`;
      parts.push(`M 100644 inline src/module-${Math.floor(f / 25)}/file-${f}.ts\n`, data(contents[f]!.join("\n") + "\n"));
    }
  }
  return parts.join("");
}
