import { join } from "node:path";
import { PostgresStore } from "./postgres/postgres-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

/** The store for this server: PostgreSQL when DATABASE_URL is set (several machines), else the embedded SQLite file. */
export async function openStore(config: { CODEX_DATA_DIR: string; DATABASE_URL?: string | undefined }): Promise<Store> {
  if (config.DATABASE_URL) return PostgresStore.open(config.DATABASE_URL);
  return new SqliteStore(join(config.CODEX_DATA_DIR, "codex.db"));
}
