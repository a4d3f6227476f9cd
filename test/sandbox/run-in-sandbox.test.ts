import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createSandbox } from "../../src/sandbox/run-in-sandbox.js";
import type { Sandbox, SandboxOptions } from "../../src/sandbox/types.js";
import { createTempDirs, startHostServer } from "./sandbox-test-helpers.js";

const tempDirs = createTempDirs();
let workspace: string;

function sandboxFor(overrides: Partial<SandboxOptions> = {}): Sandbox {
  return createSandbox({ workspace, network: false, ...overrides });
}

beforeEach(async () => {
  workspace = await tempDirs.make();
});
afterAll(() => tempDirs.removeAll());

describe("createSandbox: file system", () => {
  test("runs bash in /workspace", async () => {
    const result = await sandboxFor().run("echo hello; pwd");
    expect(result).toMatchObject({ exitCode: 0, output: "hello\n/workspace\n", timedOut: false, truncated: false });
  });

  test("reports the command's exit code", async () => {
    expect((await sandboxFor().run("exit 3")).exitCode).toBe(3);
  });

  test("writes in /workspace land in the host workspace", async () => {
    await sandboxFor().run("mkdir -p src && echo 'made inside' > src/out.txt");
    expect(await readFile(join(workspace, "src/out.txt"), "utf8")).toBe("made inside\n");
  });

  test("/usr and / are read-only, and /usr cannot be remounted", async () => {
    const result = await sandboxFor().run(
      "touch /usr/codex-escape; touch /codex-escape; mount -o remount,rw,bind /usr; touch /usr/codex-escape; echo done",
    );
    expect(result.output).toMatch(/touch: cannot touch '\/usr\/codex-escape': Read-only file system/);
    expect(result.output).toMatch(/touch: cannot touch '\/codex-escape': Read-only file system/);
    expect(existsSync("/usr/codex-escape")).toBe(false);
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

  test("a read-only mount over the workspace cannot be written", async () => {
    const gitDir = await tempDirs.make();
    await writeFile(join(gitDir, "HEAD"), "ref: refs/heads/main\n");
    await mkdir(join(workspace, ".git"));
    const sandbox = sandboxFor({ readOnly: [{ host: gitDir, sandbox: "/workspace/.git" }] });
    const result = await sandbox.run("cat .git/HEAD; echo evil > .git/HEAD; mkdir .git/hooks; rm -rf .git; echo end");
    expect(result.output).toContain("ref: refs/heads/main");
    expect(result.output).toMatch(/Read-only file system/);
    expect(await readFile(join(gitDir, "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
    expect(existsSync(join(gitDir, "hooks"))).toBe(false);
  });

  test("host /tmp, /root and /etc/shadow are invisible; /tmp and HOME are writable and empty", async () => {
    const marker = join("/tmp", `codex-host-marker-${process.pid}`);
    await writeFile(marker, "host secret");
    try {
      const result = await sandboxFor().run(
        `ls -A /tmp; ls /root; cat /etc/shadow; echo x > /tmp/t && echo x > ~/h && echo "tmp+home ok $HOME"`,
      );
      expect(result.output).not.toContain("codex-host-marker");
      expect(result.output).toMatch(/ls: cannot access '\/root': No such file or directory/);
      expect(result.output).toMatch(/cat: \/etc\/shadow: No such file or directory/);
      expect(result.output).toContain("tmp+home ok /home/sandbox");
    } finally {
      await rm(marker, { force: true });
    }
  });
});

describe("createSandbox: what the host shows", () => {
  test("/etc holds only allow-listed files, a minimal hosts file, and no TLS keys", async () => {
    const result = await sandboxFor().run(
      "ls /etc; echo ===; cat /etc/hosts; echo ===; ls -A /etc/ssl/private | wc -l; stat -f -c %T /etc/ssl/private; hostname",
    );
    const [listing = "", hosts = "", rest = ""] = result.output.split("===\n");
    expect(listing).toContain("passwd");
    expect(listing).not.toMatch(/shadow|resolv\.conf|hostname|sudoers/);
    expect(hosts).toBe("127.0.0.1 localhost\n::1 localhost\n");
    // An empty tmpfs covers the host's key directory.
    expect(rest).toBe("0\ntmpfs\nsandbox\n");
  });

  test("resolv.conf is there only with network", async () => {
    const command = "test -e /etc/resolv.conf && echo present || echo absent";
    expect((await sandboxFor({ network: false }).run(command)).output).toBe("absent\n");
    expect((await sandboxFor({ network: true }).run(command)).output).toBe("present\n");
  });

  test("no nested user namespaces (they would bring capabilities back)", async () => {
    const result = await sandboxFor().run("unshare --user true && echo NESTED");
    expect(result.output).not.toContain("NESTED");
    expect(result.exitCode).not.toBe(0);
  });

  test("no file descriptor the bot inherited reaches the command", async () => {
    // ls's own descriptor for /proc/self/fd is 3.
    const result = await sandboxFor().run("ls /proc/self/fd | sort -n | tr '\\n' ' '");
    expect(result.output).toBe("0 1 2 3 ");
  });

  test("the command leads its own session inside the sandbox, cut off from any host terminal", async () => {
    // Field 6 of /proc/self/stat is the session id: 0 when the session leader is outside the pid namespace.
    const result = await sandboxFor().run("cut -d' ' -f6 /proc/self/stat");
    expect(Number(result.output)).toBeGreaterThan(0);
  });
});

describe("createSandbox: environment and processes", () => {
  const secrets = { GITHUB_TOKEN: "ghs_secret_for_test", OPENAI_API_KEY: "sk-secret-for-test" };

  beforeAll(() => Object.assign(process.env, secrets));
  afterAll(() => {
    for (const name of Object.keys(secrets)) delete process.env[name];
  });

  test("no host variable reaches the command or any process inside", async () => {
    const result = await sandboxFor().run("env; echo ===; cat /proc/*/environ | tr '\\0' '\\n'");
    for (const [name, value] of Object.entries(secrets)) {
      expect(result.output).not.toContain(name);
      expect(result.output).not.toContain(value);
    }
    expect(result.output).toContain("HOME=/home/sandbox");
    expect(result.output).toContain("GIT_TERMINAL_PROMPT=0");
  });

  test("caller-provided variables are set", async () => {
    const result = await sandboxFor({ env: { NODE_ENV: "test" } }).run('echo "$NODE_ENV"');
    expect(result.output).toBe("test\n");
  });

  test("/proc shows only the sandbox's own processes", async () => {
    const result = await sandboxFor().run(`ls /proc | grep -c '^[0-9]'; test -e /proc/${process.pid} && echo HOST-PID-VISIBLE`);
    expect(Number(result.output.trim().split("\n")[0])).toBeLessThan(10);
    expect(result.output).not.toContain("HOST-PID-VISIBLE");
  });

  test("no capabilities inside, even as uid 0", async () => {
    const result = await sandboxFor().run("id -u; grep CapEff /proc/self/status");
    expect(result.output).toMatch(/^0\nCapEff:\s+0000000000000000\n$/);
  });
});

describe("createSandbox: network", () => {
  let hostServer: Awaited<ReturnType<typeof startHostServer>>;
  const connect = (port: number) => `(exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && echo CONNECTED || echo REFUSED`;

  beforeAll(async () => {
    hostServer = await startHostServer();
  });
  afterAll(() => hostServer.close());

  test("without network, a server on the host's loopback is unreachable", async () => {
    const result = await sandboxFor({ network: false }).run(connect(hostServer.port));
    expect(result.output).toBe("REFUSED\n");
  });

  test("with network, the same server is reachable (the check above can fail)", async () => {
    const result = await sandboxFor({ network: true }).run(connect(hostServer.port));
    expect(result.output).toBe("CONNECTED\n");
  });

  test("without network, only lo exists, and a server inside is reachable on loopback", async () => {
    const hasPython = existsSync("/usr/bin/python3");
    const command = hasPython
      ? `python3 -m http.server 18080 --bind 127.0.0.1 >/dev/null 2>&1 &
         for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/18080) 2>/dev/null && break; sleep 0.1; done
         exec 3<>/dev/tcp/127.0.0.1/18080; printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; head -1 <&3; kill %1`
      : "echo 'HTTP/1.0 200 OK (python3 absent, skipped)'";
    const result = await sandboxFor({ network: false }).run(`tail -n +3 /proc/net/dev | cut -d: -f1; ${command}`);
    expect(result.output).toMatch(/^\s*lo\nHTTP\/1\.0 200 OK/);
  });
});
