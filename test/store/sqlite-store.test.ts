import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { describeStoreContract } from "./store-contract.js";

describeStoreContract("SQLite (a real file)", () => {
  let dir: Promise<string> | undefined;
  const file = async () => join(await (dir ??= mkdtemp(join(tmpdir(), "codex-store-"))), "codex.db");
  return {
    open: async () => new SqliteStore(await file()),
    reopen: async () => new SqliteStore(await file()),
    cleanUp: async () => {
      if (dir) await rm(await dir, { recursive: true, force: true });
    },
  };
});
