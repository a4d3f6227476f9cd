// /codex/health shows the operator's sandbox limits and sandbox user beside the sandbox's state and the queue.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverSandboxLimits } from "../../src/config/sandbox-limits.js";
import { describeSandboxUser, resolveSandboxUser, type SandboxUser } from "../../src/config/sandbox-user.js";
import { readServerConfig } from "../../src/config/server-config.js";
import { createRoutes } from "../../src/server/routes.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

let dir: string;
let store: SqliteStore;
let server: Server;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "codex-health-"));
  store = new SqliteStore(join(dir, "codex.db"));
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const DEDICATED: SandboxUser = { mode: "dedicated", name: "codex-sandbox", uid: 10001, gid: 10001, hostUser: { uid: 10001, gid: 10001 } };

async function serveHealth(env: Record<string, string>, sandboxUser = DEDICATED): Promise<string> {
  const config = readServerConfig({ CODEX_DATA_DIR: dir, ...env });
  const routes = createRoutes(dir, store, () => ({ ok: true }), { sandboxLimits: serverSandboxLimits(config), sandboxUser: describeSandboxUser(sandboxUser) });
  server = createServer((req, res) => void routes(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/codex/health`;
}

test("the health page shows the sandbox limits the operator set, defaults for the rest", async () => {
  const url = await serveHealth({ CODEX_SANDBOX_MEMORY_MB: "2048", CODEX_SANDBOX_PROCESSES: "128" });
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({
    sandbox: { ok: true },
    sandboxLimits: { memory_mb: 2048, processes: 128, disk_mb: 20480, tmp_mb: 1024 },
  });
});

test("the health page names the sandbox user, and says what is weaker when it is host root", async () => {
  expect(await (await fetch(await serveHealth({}))).json()).toMatchObject({ sandboxUser: { mode: "dedicated", name: "codex-sandbox", uid: 10001 } });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const asRoot = resolveSandboxUser("root", 0, () => ({ name: "root", uid: 0, gid: 0 }));
  const health = (await (await fetch(await serveHealth({}, asRoot))).json()) as { sandboxUser: { mode: string; warning: string } };
  expect(health.sandboxUser).toMatchObject({ mode: "host-root", uid: 0 });
  expect(health.sandboxUser.warning).toMatch(/exempts host root from RLIMIT_NPROC/);
});
