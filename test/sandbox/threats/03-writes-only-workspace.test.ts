// Threat 3: a command changes the host outside its work tree: system files, kernel settings,
// the git directory, the host's /tmp, or keystrokes into a terminal. Only /workspace is a
// writable host path; /tmp and HOME are private tmpfs (their size cap is in 06-limits).
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createSandbox } from "../../../src/sandbox/run-in-sandbox.js";
import type { Sandbox, SandboxOptions } from "../../../src/sandbox/types.js";
import { createTempDirs, handOver, makeReadable, SANDBOX_MODES } from "../sandbox-test-helpers.js";

const tempDirs = createTempDirs();
let workspace: string;

afterAll(() => tempDirs.removeAll());

describe.each(SANDBOX_MODES)("$name", (mode) => {
  const sandboxFor = (overrides: Partial<SandboxOptions> = {}): Sandbox => createSandbox({ workspace, network: false, hostUser: mode.hostUser, ...overrides });
  beforeEach(async () => {
    workspace = await handOver(await tempDirs.make(), mode);
  });

  describe("the work tree is writable", () => {
    test("commands run with bash in /workspace and report their exit code", async () => {
      expect(await sandboxFor().run("echo hello; pwd")).toMatchObject({ exitCode: 0, output: "hello\n/workspace\n", timedOut: false });
      expect((await sandboxFor().run("exit 3")).exitCode).toBe(3);
    });

    test("writes in /workspace land in the host workspace", async () => {
      await sandboxFor().run("mkdir -p src && echo 'made inside' > src/out.txt");
      expect(await readFile(join(workspace, "src/out.txt"), "utf8")).toBe("made inside\n");
    });
  });

  describe("nothing else on the host is", () => {
    test.each([
      ["agent phase", false],
      ["setup phase", true],
    ])("/, /usr and /etc are read-only and cannot be remounted (%s)", async (_phase, network) => {
      const result = await sandboxFor({ network }).run(
        "touch /usr/codex-escape /codex-escape /etc/codex-escape; mount -o remount,rw,bind /usr; touch /usr/codex-escape; echo done",
      );
      expect(result.output.match(/Read-only file system/g)?.length).toBeGreaterThanOrEqual(4);
      expect(result.output).toMatch(/mount: .*(permission denied|must be superuser)/i);
      expect(existsSync("/usr/codex-escape")).toBe(false);
      expect(existsSync("/etc/codex-escape")).toBe(false);
    });

    test("host kernel settings under /proc/sys cannot be written", async () => {
      const before = await readFile("/proc/sys/kernel/printk_ratelimit", "utf8");
      const changed = String(Number(before) + 1);
      try {
        const result = await sandboxFor().run(`echo ${changed} > /proc/sys/kernel/printk_ratelimit`);
        expect(result.exitCode).not.toBe(0);
        expect(await readFile("/proc/sys/kernel/printk_ratelimit", "utf8")).toBe(before);
      } finally {
        await writeFile("/proc/sys/kernel/printk_ratelimit", before);
      }
    });

    test("a read-only mount over the workspace (the git directory) cannot be written or removed", async () => {
      const gitDir = await makeReadable(await tempDirs.make());
      await writeFile(join(gitDir, "HEAD"), "ref: refs/heads/main\n");
      await mkdir(join(workspace, ".git"));
      const sandbox = sandboxFor({ readOnly: [{ host: gitDir, sandbox: "/workspace/.git" }] });
      const result = await sandbox.run("cat .git/HEAD; echo evil > .git/HEAD; mkdir .git/hooks; rm -rf .git; umount .git; echo end");
      expect(result.output).toContain("ref: refs/heads/main");
      expect(result.output).toMatch(/Read-only file system/);
      expect(await readFile(join(gitDir, "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
      expect(await readdir(gitDir)).toEqual(["HEAD"]);
    });

    test("/tmp and HOME are private: what is written there never reaches the host", async () => {
      const name = `codex-bot-threat3-${process.pid}`;
      const result = await sandboxFor().run(`echo x > /tmp/${name} && echo x > ~/${name} && echo "written as $HOME"`);
      expect(result.output).toBe("written as /home/sandbox\n");
      expect(existsSync(join("/tmp", name))).toBe(false);
      expect(existsSync(join("/home/sandbox", name))).toBe(false);
      expect((await sandboxFor().run(`ls /tmp/${name} 2>&1`)).output).toContain("No such file or directory");
    });

    test("no capabilities inside, even as uid 0", async () => {
      const result = await sandboxFor().run("id -u; grep CapEff /proc/self/status");
      expect(result.output).toMatch(/^0\nCapEff:\s+0000000000000000\n$/);
    });

    test("no nested user namespaces (they would bring capabilities back)", async () => {
      const result = await sandboxFor().run("unshare --user --map-root-user true && echo NESTED");
      expect(result.output).not.toContain("NESTED");
      expect(result.exitCode).not.toBe(0);
    });

    test("the command leads its own session, cut off from any host terminal (no TIOCSTI keystrokes)", async () => {
      // Field 6 of /proc/self/stat is the session id: 0 when the session leader is outside the pid namespace.
      const result = await sandboxFor().run("cut -d' ' -f6 /proc/self/stat; (: </dev/tty) 2>&1");
      const [session = "", tty = ""] = result.output.split("\n");
      expect(Number(session)).toBeGreaterThan(0);
      expect(tty).toMatch(/No such device or address|No such file or directory/);
    });
  });
});
