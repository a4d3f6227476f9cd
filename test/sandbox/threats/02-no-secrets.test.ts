// Threat 2: a command reads the bot's credentials. The environment is an allow-list, /proc shows
// only the sandbox, and the root is built from read-only system paths, not the host's /: nothing
// of the bot's directory, its data directory, /run, /tmp or home directories is there.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SandboxConfigError } from "../../../src/sandbox/errors.js";
import { ROOT_LINK_PATHS } from "../../../src/sandbox/host-layout.js";
import { createSandbox } from "../../../src/sandbox/run-in-sandbox.js";
import { BASE_SANDBOX_ENV } from "../../../src/sandbox/sandbox-env.js";
import type { Sandbox, SandboxOptions } from "../../../src/sandbox/types.js";
import { createTempDirs, handOver, holdPoint, makeReadable, SANDBOX_MODES } from "../sandbox-test-helpers.js";
import { scaled } from "../../helpers/time-scale.js";

const tempDirs = createTempDirs();
let workspace: string;

afterAll(() => tempDirs.removeAll());

describe.each(SANDBOX_MODES)("$name", (mode) => {
  const sandboxFor = (overrides: Partial<SandboxOptions> = {}): Sandbox => createSandbox({ workspace, network: false, hostUser: mode.hostUser, ...overrides });
  beforeEach(async () => {
    workspace = await handOver(await tempDirs.make(), mode);
  });

  describe("the environment", () => {
    const hostSecrets: Record<string, string> = {
      GITHUB_TOKEN: "ghs_threat2githubtoken",
      OPENAI_API_KEY: "sk-threat2openaikey",
      WEBHOOK_SECRET: "threat2webhooksecret",
      PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----threat2privatekey",
      REDIS_URL: "redis://:threat2redispassword@127.0.0.1:6379",
      HTTPS_PROXY: "http://threat2proxyuser:pw@proxy.internal:3128",
      http_proxy: "http://threat2lowerproxy:pw@proxy.internal:3128",
      ALL_PROXY: "socks5://threat2allproxy.internal:1080",
    };
    // Every way a process can read an environment or an argv inside the sandbox.
    const readEverything = "env; echo ===; for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr '\\0' '\\n' < $f; done";

    beforeAll(() => Object.assign(process.env, hostSecrets));
    afterAll(() => {
      for (const name of Object.keys(hostSecrets)) delete process.env[name];
    });

    test.each([
      ["agent phase", false],
      ["setup phase", true],
    ])("no variable of the bot's reaches any process, by env, /proc/*/environ or /proc/*/cmdline (%s)", async (_phase, network) => {
      const result = await sandboxFor({ network }).run(readEverything);
      expect(result.output).toContain("HOME=/home/sandbox");
      for (const [name, value] of Object.entries(hostSecrets)) {
        expect(result.output).not.toContain(`${name}=`);
        expect(result.output).not.toContain(value);
      }
    });

    test("the command's environment is exactly the allow-list (plus what bash sets itself)", async () => {
      const result = await sandboxFor({ env: { NODE_ENV: "test" } }).run('env | cut -d= -f1 | sort; echo "NODE_ENV is $NODE_ENV"');
      const expected = [...Object.keys(BASE_SANDBOX_ENV), "NODE_ENV", "PWD", "SHLVL", "_"].sort();
      expect(result.output.trim().split("\n")).toEqual([...expected, "NODE_ENV is test"]);
    });

    test("/proc shows only the sandbox's own processes", async () => {
      const result = await sandboxFor().run(`ls /proc | grep -c '^[0-9]'; test -e /proc/${process.pid} && echo HOST-PID-VISIBLE`);
      expect(Number(result.output.trim().split("\n")[0])).toBeLessThan(10);
      expect(result.output).not.toContain("HOST-PID-VISIBLE");
    });

    test.each([
      ["agent phase", false],
      ["setup phase", true],
    ])("no descriptor the bot holds reaches the command (%s)", async (_phase, network) => {
      // ls's own descriptor for /proc/self/fd is 3.
      const result = await sandboxFor({ network }).run("ls /proc/self/fd | sort -n | tr '\\n' ' '");
      expect(result.output).toBe("0 1 2 3 ");
    });
  });

  describe("the file system: an allow-list of system paths, not the host's /", () => {
    let plantedRoot: string;
    let botDir: string;
    let dataDir: string;
    const token = "ghs_threat2plantedtoken";

    beforeAll(async () => {
      // Under /var/tmp, not /tmp: the sandbox's /tmp is its own tmpfs, which would hide /tmp anyway.
      plantedRoot = join("/var/tmp", `codex-bot-threat2-${process.pid}`);
      botDir = join(plantedRoot, "opt/codex-bot");
      dataDir = join(plantedRoot, "data");
      await mkdir(join(dataDir, "tasks/1"), { recursive: true });
      await mkdir(botDir, { recursive: true });
      await writeFile(join(botDir, ".env"), `GITHUB_TOKEN=${token}\nWEBHOOK_SECRET=${token}\n`);
      await writeFile(join(botDir, "private-key.pem"), `-----BEGIN RSA PRIVATE KEY-----\n${token}\n`);
      await writeFile(join(dataDir, "tasks/1/installation-token"), token);
    });
    afterAll(() => rm(plantedRoot, { recursive: true, force: true }));

    test("the root holds only the allow-listed entries", async () => {
      const result = await sandboxFor().run("ls -A /");
      const links = ROOT_LINK_PATHS.filter((path) => existsSync(path)).map((path) => path.slice(1));
      const expected = [...links, "dev", "etc", "home", "proc", "tmp", "usr", "workspace"].sort();
      expect(result.output.trim().split("\n").sort()).toEqual(expected);
    });

    test("a fake bot directory and data directory with tokens are not there, by path or by content", async () => {
      const paths = [join(botDir, ".env"), join(botDir, "private-key.pem"), join(dataDir, "tasks/1/installation-token")];
      const result = await sandboxFor({ network: true }).run(
        `cat ${paths.join(" ")} 2>&1; ls ${plantedRoot} 2>&1; grep -rsl ${token} /etc /home /tmp /workspace /dev/shm; echo end`,
      );
      for (const path of paths) expect(result.output).toContain(`cat: ${path}: No such file or directory`);
      expect(result.output).not.toContain(`${token}\n`);
      expect(result.output).toMatch(/end\n$/);
    });

    test("the bot's own directory (this checkout) is not there", async () => {
      const result = await sandboxFor().run(`ls ${process.cwd()}/package.json 2>&1`);
      expect(result.output).toContain("No such file or directory");
    });

    test("host /run, /tmp, /root and /etc/shadow are invisible; /tmp and HOME are empty", async () => {
      const runMarker = join("/run", `codex-bot-threat2-${process.pid}`);
      const tmpMarker = join("/tmp", `codex-bot-threat2-${process.pid}`);
      await writeFile(runMarker, "host secret");
      await writeFile(tmpMarker, "host secret");
      try {
        const result = await sandboxFor().run('ls /run; echo "tmp=$(ls -A /tmp | wc -l) home=$(ls -A ~ | wc -l)"; ls /root; cat /etc/shadow; echo end');
        expect(result.output).toBe(
          "ls: cannot access '/run': No such file or directory\n" +
            "tmp=0 home=0\n" +
            "ls: cannot access '/root': No such file or directory\n" +
            "cat: /etc/shadow: No such file or directory\nend\n",
        );
      } finally {
        await rm(runMarker, { force: true });
        await rm(tmpMarker, { force: true });
      }
    });

    test("/etc holds only allow-listed files, a minimal hosts file, and no TLS keys", async () => {
      const result = await sandboxFor().run(
        "ls /etc; echo ===; cat /etc/hosts; echo ===; ls -A /etc/ssl/private | wc -l; stat -f -c %T /etc/ssl/private; hostname",
      );
      const [listing = "", hosts = "", rest = ""] = result.output.split("===\n");
      expect(listing).toContain("passwd");
      expect(listing).not.toMatch(/shadow|resolv\.conf|hostname|sudoers|gitconfig|npmrc/);
      expect(hosts).toBe("127.0.0.1 localhost\n::1 localhost\n");
      // An empty tmpfs covers the host's key directory.
      expect(rest).toBe("0\ntmpfs\nsandbox\n");
    });
  });

  describe("git configuration", () => {
    test("only the task's read-only .git/config is read; no system or global config; it cannot be changed", async () => {
      const gitDir = await makeReadable(await tempDirs.make());
      const config = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n";
      await writeFile(join(gitDir, "config"), config);
      await writeFile(join(gitDir, "HEAD"), "ref: refs/heads/main\n");
      await mkdir(join(gitDir, "objects"));
      await mkdir(join(gitDir, "refs"));
      await mkdir(join(workspace, ".git"));
      const sandbox = sandboxFor({ readOnly: [{ host: gitDir, sandbox: "/workspace/.git" }] });
      const result = await sandbox.run(
        "git config --list --show-origin; echo ===; ls /etc/gitconfig ~/.gitconfig ~/.config/git 2>&1; echo ===; " +
          "git config credential.helper '!sh -c evil' 2>&1; git config --global user.name evil && echo global-ok",
      );
      const [listing = "", systemAndGlobal = "", writes = ""] = result.output.split("===\n");
      // Besides the task's file, only the allow-listed environment's safe.directory (see sandbox-env.ts).
      const lines = listing.trim().split("\n");
      expect(lines.filter((line) => !line.startsWith("file:.git/config\t"))).toEqual(["command line:\tsafe.directory=/workspace"]);
      expect(lines.filter((line) => line.startsWith("file:.git/config\t"))).toEqual(["file:.git/config\tcore.repositoryformatversion=0", "file:.git/config\tcore.bare=false"]);
      expect(systemAndGlobal.match(/No such file or directory/g)).toHaveLength(3);
      expect(writes).toMatch(/could not lock config file \.git\/config: Read-only file system/);
      // A global config lands in the sandbox's private HOME, gone with it.
      expect(writes).toContain("global-ok");
      expect(await readFile(join(gitDir, "config"), "utf8")).toBe(config);
      expect(await readdir(gitDir)).toEqual(["HEAD", "config", "objects", "refs"]);
    });
  });

  describe("setup secrets", () => {
    const secret = "npm_threat2setupsecret\nwith 'quotes' and $dollars";

    test("the agent phase refuses them", () => {
      expect(() => sandboxFor({ network: false, secrets: { NPM_TOKEN: secret } })).toThrow(SandboxConfigError);
      expect(() => sandboxFor({ network: false, secrets: { NPM_TOKEN: secret } })).toThrow(/only for the setup phase/);
    });

    test("outside `secrets`, a secret-like name is still refused, even for setup", () => {
      expect(() => sandboxFor({ network: true, env: { NPM_TOKEN: secret } })).toThrow(/looks like a secret/);
    });

    test("the setup command gets them, exactly, in its environment", async () => {
      const result = await sandboxFor({ network: true, secrets: { NPM_TOKEN: secret, GITHUB_TOKEN: "ghp_x" } }).run(
        `printf '%s|%s' "$NPM_TOKEN" "$GITHUB_TOKEN"`,
      );
      expect(result.output).toBe(`${secret}|ghp_x`);
    });

    test("they appear in no process's argv, inside (/proc/1/cmdline) or on the host", async () => {
      const marker = "npm_threat2argvmarker";
      // The command's own text is in bwrap's argv: finding it shows the host was read while the sandbox ran.
      const commandMarker = `threat2-running-${process.pid}`;
      const hold = holdPoint(workspace);
      const run = sandboxFor({ network: true, secrets: { NPM_TOKEN: marker } }).run(
        `${hold.prepare} cat /proc/[0-9]*/cmdline | tr '\\0' '\\n'; ${hold.shell} : ${commandMarker}`,
        { timeoutMs: scaled(20_000) },
      );
      await hold.reached(run);
      const hostHits = await hostArgvsContaining(marker);
      const sandboxOnHost = await hostArgvsContaining(commandMarker);
      await hold.release();
      const result = await run;
      expect(result.output).toContain("/bin/bash");
      expect(result.output).not.toContain(marker);
      expect(sandboxOnHost.length).toBeGreaterThan(0);
      expect(hostHits).toEqual([]);
    });
  });
});

/**
 * Host pids whose argv contains `text`: any host user can read those (`ps`). (The setup command's
 * own environment holds the secret by design; like any environment it is readable only by its
 * owner and root.)
 */
async function hostArgvsContaining(text: string): Promise<number[]> {
  const hits: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(text)) hits.push(Number(entry));
  }
  return hits;
}
