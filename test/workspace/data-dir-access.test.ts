// At start the data directory is laid out so that the sandbox user reaches the task workspaces
// and nothing else of the bot's: the store, mirrors, cache, logs and the app's key stay unreadable.
import { chmod, chown, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secureDataDir } from "../../src/workspace/data-dir-access.js";

const NOBODY = { uid: 65534, gid: 65534 };
let base: string;
let dataDir: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "codex-data-dir-"));
  await chmod(base, 0o755);
  dataDir = join(base, "data");
});
afterEach(() => rm(base, { recursive: true, force: true }));

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

test("makes the layout: the data dir and workspaces traversable only, the rest and the store the bot's alone", async () => {
  await mkdir(join(dataDir, "logs"), { recursive: true, mode: 0o755 });
  expect(await secureDataDir(dataDir, NOBODY)).toEqual([]);
  expect(await modeOf(dataDir)).toBe(0o711);
  expect(await modeOf(join(dataDir, "workspaces"))).toBe(0o711);
  for (const dir of ["mirrors", "cache", "logs"]) expect([dir, await modeOf(join(dataDir, dir))]).toEqual([dir, 0o700]);
  expect(await modeOf(join(dataDir, "codex.db"))).toBe(0o600);
});

test("an existing store readable by others is made 0600", async () => {
  await mkdir(dataDir);
  await writeFile(join(dataDir, "codex.db"), "", { mode: 0o644 });
  await chmod(join(dataDir, "codex.db"), 0o644);
  expect(await secureDataDir(dataDir, NOBODY)).toEqual([]);
  expect(await modeOf(join(dataDir, "codex.db"))).toBe(0o600);
});

test("a private key file the sandbox user can read is a problem, named with the fix", async () => {
  const key = join(base, "app.pem");
  await writeFile(key, "-----BEGIN RSA PRIVATE KEY-----\n");
  await chmod(key, 0o644);
  expect(await secureDataDir(dataDir, NOBODY, [key])).toEqual([`the sandbox user (uid 65534) can read ${key}; make it the bot's alone: \`chmod go-rwx ${key}\``]);
  await chmod(key, 0o600);
  expect(await secureDataDir(dataDir, NOBODY, [key, join(base, "absent.env")])).toEqual([]);
});

test("a key file the sandbox user owns is readable by it, whatever the other bits", async () => {
  const key = join(base, "app.pem");
  await writeFile(key, "key");
  await chmod(key, 0o600);
  await chown(key, NOBODY.uid, NOBODY.gid);
  expect(await secureDataDir(dataDir, NOBODY, [key])).toEqual([expect.stringContaining(`can read ${key}`)]);
});

test("a directory on the way to the workspaces that the sandbox user cannot traverse is a problem", async () => {
  await chmod(base, 0o700);
  expect(await secureDataDir(dataDir, NOBODY)).toEqual([
    `the sandbox user (uid 65534) cannot traverse ${base}, on the way to the task workspaces: \`chmod o+x ${base}\`, or set CODEX_DATA_DIR elsewhere`,
  ]);
});

test("a data directory owned by the sandbox user is a problem", async () => {
  await mkdir(dataDir);
  await chown(dataDir, NOBODY.uid, NOBODY.gid);
  expect(await secureDataDir(dataDir, NOBODY)).toEqual([expect.stringContaining(`${dataDir} belongs to the sandbox user (uid 65534)`)]);
});

test("without a separate sandbox user (host root, or the bot's own) only the modes are set", async () => {
  await chmod(base, 0o700);
  expect(await secureDataDir(dataDir, undefined)).toEqual([]);
  expect(await modeOf(join(dataDir, "codex.db"))).toBe(0o600);
});
