import { join } from "node:path";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

/** The store for this server: the embedded SQLite file under the data directory. */
export async function openStore(config: { CODEX_DATA_DIR: string }): Promise<Store> {
  return new SqliteStore(join(config.CODEX_DATA_DIR, "codex.db"));
}
