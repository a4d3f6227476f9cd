import pg from "pg";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { usePostgres } from "../helpers/postgres.js";
import { describeStoreContract } from "./store-contract.js";

const postgres = usePostgres();

describeStoreContract("PostgreSQL (a real server)", () => {
  let url: Promise<string> | undefined;
  const database = () => (url ??= postgres.freshDatabase());
  return {
    open: async () => PostgresStore.open(await database()),
    reopen: async () => PostgresStore.open(await database()),
    cleanUp: async () => undefined,
  };
});

describe("PostgreSQL migrations", () => {
  test("processes starting together apply each migration once, and a restart applies none", async () => {
    const url = await postgres.freshDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open(url)));
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client(url);
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await client.end();
    }
    await (await PostgresStore.open(url)).close();
  });

  test("a server that cannot be reached is a clear error naming DATABASE_URL", async () => {
    await expect(PostgresStore.open("postgres://postgres@127.0.0.1:1/none")).rejects.toThrow(/cannot connect to PostgreSQL \(DATABASE_URL\)/);
  });
});
