import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createServer } from "node:net";

const run = promisify(execFile);

/** Debian's PostgreSQL binaries (package postgresql-NN), newest first. */
function findBinDir(): string {
  for (const version of ["17", "16", "15", "14", "13"]) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, "initdb"))) return dir;
  }
  throw new Error("PostgreSQL is not installed: install Debian's `postgresql` package (the tests and the bench start a throwaway cluster from it)");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ThrowawayCluster {
  /** `postgres://…/postgres` on loopback. */
  url: string;
  /** A URL for another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /**
   * Turn off fsync and friends: for tests, where the cluster is thrown away and only the
   * semantics matter. The bench keeps PostgreSQL's defaults, as an operator runs it.
   */
  durable?: boolean;
}

/**
 * Starts a throwaway PostgreSQL cluster in a temporary directory, on a free loopback port.
 * PostgreSQL refuses to run as root, so as root it runs as Debian's `postgres` user (the
 * package creates it); as anyone else, as that user. Trust authentication on loopback only.
 */
export async function startThrowawayCluster(options: ClusterOptions = {}): Promise<ThrowawayCluster> {
  const bin = findBinDir();
  const dir = mkdtempSync(join(tmpdir(), "codex-pg-"));
  const asRoot = userInfo().uid === 0;
  const runAs = asRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : [];
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, "data");
  const [cmd, ...args] = [...runAs, join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"];
  await run(cmd!, args, { env: { ...process.env, LC_ALL: "C" } });
  const port = await freePort();
  const settings = ["-c", "listen_addresses=127.0.0.1", "-c", `port=${port}`, "-c", `unix_socket_directories=${dir}`, "-c", "max_connections=200"];
  if (!options.durable) settings.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  const [serverCmd, ...serverArgs] = [...runAs, join(bin, "postgres"), "-D", data, ...settings];
  const server: ChildProcess = spawn(serverCmd!, serverArgs, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  server.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()).length > 20_000 && (stderr = stderr.slice(-10_000)));
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  // Ready when pg_isready says so; bounded by attempts, not by a clock.
  for (let attempt = 0; ; attempt++) {
    if (server.exitCode !== null) throw new Error(`PostgreSQL did not start:\n${stderr}`);
    const ready = await run(join(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres"]).then(() => true, () => false);
    if (ready) break;
    if (attempt > 600) throw new Error(`PostgreSQL did not become ready:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor("postgres"),
    urlFor,
    stop: async () => {
      if (server.exitCode === null) {
        server.kill("SIGINT"); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
