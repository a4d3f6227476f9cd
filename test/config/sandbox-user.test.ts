// CODEX_SANDBOX_USER: who bubblewrap runs as on the host, decided at start, refusing to start
// when the setting cannot be honoured and warning when the result is weaker than a dedicated user.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { passwdLookup, resolveHostSandboxUser, resolveSandboxUser } from "../../src/config/sandbox-user.js";
import { ConfigError, readServerConfig } from "../../src/config/server-config.js";

const PASSWD = [
  "root:x:0:0:root:/root:/bin/bash",
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  "codex-sandbox:x:10001:10001::/home/codex-sandbox:/usr/sbin/nologin",
  "bot:x:1000:1000:the bot:/home/bot:/bin/bash",
  "# not an entry",
  "",
].join("\n");
const lookup = passwdLookup(PASSWD);

/** The ConfigError's one problem, or a failure when there was none. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join("\n");
  }
  throw new Error("expected a refusal to start");
}

describe("a bot running as root", () => {
  test("runs bubblewrap as codex-sandbox when CODEX_SANDBOX_USER is unset", () => {
    expect(resolveSandboxUser(undefined, 0, lookup)).toEqual({ mode: "dedicated", name: "codex-sandbox", uid: 10001, gid: 10001, hostUser: { uid: 10001, gid: 10001 } });
  });

  test("runs it as the user named, by name or by uid", () => {
    expect(resolveSandboxUser("nobody", 0, lookup)).toMatchObject({ mode: "dedicated", hostUser: { uid: 65534, gid: 65534 } });
    expect(resolveSandboxUser("65534", 0, lookup)).toMatchObject({ mode: "dedicated", name: "nobody", hostUser: { uid: 65534, gid: 65534 } });
  });

  test("refuses to start when the default user does not exist, saying how to create it or to choose root", () => {
    const message = refusal(() => resolveSandboxUser(undefined, 0, passwdLookup("root:x:0:0::/root:/bin/sh\n")));
    expect(message).toContain('no user "codex-sandbox" in /etc/passwd');
    expect(message).toContain("`useradd --system --user-group --no-create-home --shell /usr/sbin/nologin codex-sandbox`");
    expect(message).toContain("set CODEX_SANDBOX_USER=root");
  });

  test("refuses a user or uid that does not exist, naming it in the useradd command", () => {
    expect(refusal(() => resolveSandboxUser("sandboxer", 0, lookup))).toContain("--shell /usr/sbin/nologin sandboxer`");
    expect(refusal(() => resolveSandboxUser("4242", 0, lookup))).toContain('no user "4242"');
  });

  test("CODEX_SANDBOX_USER=root is allowed, with a warning naming what is weaker", () => {
    for (const setting of ["root", "0"]) {
      const user = resolveSandboxUser(setting, 0, lookup);
      expect(user).toMatchObject({ mode: "host-root", uid: 0, hostUser: undefined });
      expect(user.warning).toMatch(/exempts host root from RLIMIT_NPROC/);
      expect(user.warning).toMatch(/interfaces that only host root may use/);
      expect(user.warning).toContain("useradd --system");
    }
  });
});

describe("a bot running as another user", () => {
  test("cannot switch users: with the default it runs bubblewrap as itself, warning that an escape lands in its account", () => {
    const user = resolveSandboxUser(undefined, 1000, lookup);
    expect(user).toMatchObject({ mode: "bot-user", uid: 1000, hostUser: undefined });
    expect(user.warning).toMatch(/a sandbox escape would land in this account, which can read the app's private key/);
    expect(user.warning).toMatch(/Run the bot as root with the dedicated user codex-sandbox/);
  });

  test("a default user that does not exist does not matter then", () => {
    expect(resolveSandboxUser(undefined, 1000, passwdLookup(""))).toMatchObject({ mode: "bot-user" });
  });

  test("refuses to start when CODEX_SANDBOX_USER names another user, or root", () => {
    for (const setting of ["codex-sandbox", "nobody", "root", "10001", "missing"]) {
      const message = refusal(() => resolveSandboxUser(setting, 1000, lookup));
      expect(message).toContain(`CODEX_SANDBOX_USER=${setting}: only a bot running as root can start bubblewrap as another user, and this one runs as uid 1000`);
      expect(message).toContain("unset CODEX_SANDBOX_USER");
    }
  });

  test("naming itself is accepted, with the same warning", () => {
    expect(resolveSandboxUser("bot", 1000, lookup)).toMatchObject({ mode: "bot-user", warning: expect.stringContaining("escape") });
    expect(resolveSandboxUser("1000", 1000, lookup)).toMatchObject({ mode: "bot-user" });
  });
});

test("the server config takes a name, a uid or root, and refuses anything else", () => {
  expect(readServerConfig({}).CODEX_SANDBOX_USER).toBeUndefined();
  expect(readServerConfig({ CODEX_SANDBOX_USER: "codex-sandbox" }).CODEX_SANDBOX_USER).toBe("codex-sandbox");
  expect(readServerConfig({ CODEX_SANDBOX_USER: "10001" }).CODEX_SANDBOX_USER).toBe("10001");
  expect(() => readServerConfig({ CODEX_SANDBOX_USER: "a b" })).toThrow(/CODEX_SANDBOX_USER must be a user name/);
  expect(() => readServerConfig({ CODEX_SANDBOX_USER: "../x" })).toThrow(/CODEX_SANDBOX_USER/);
});

test("the host's passwd file is read for the lookup", async () => {
  const dir = await mkdtemp(join(tmpdir(), "codex-passwd-"));
  try {
    await writeFile(join(dir, "passwd"), PASSWD);
    const resolve = () => resolveHostSandboxUser("nobody", join(dir, "passwd"));
    if (process.getuid?.() === 0) expect(resolve()).toMatchObject({ mode: "dedicated", hostUser: { uid: 65534, gid: 65534 } });
    else expect(resolve).toThrow(/only a bot running as root/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
