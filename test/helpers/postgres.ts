import { randomBytes } from "node:crypto";
import pg from "pg";
import { startThrowawayCluster, type ThrowawayCluster } from "../../src/cli/postgres-cluster.js";

/**
 * A real PostgreSQL for one test file: Debian's server, started in beforeAll as an unprivileged
 * user (src/cli/postgres-cluster.ts) and stopped in afterAll. `freshDatabase()` gives each test
 * an empty database of its own on it.
 */
export function usePostgres(): { freshDatabase(): Promise<string>; cluster(): ThrowawayCluster } {
  let cluster: ThrowawayCluster | undefined;
  beforeAll(async () => {
    cluster = await startThrowawayCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    cluster: () => cluster!,
    freshDatabase: async () => {
      const name = `codex_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client(cluster!.url);
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return cluster!.urlFor(name);
    },
  };
}
