// Threat 4: a symlink in the work tree points at a host path, and a command writes through it.
// Inside the sandbox a link resolves in the sandbox's own root, where host paths do not exist
// (or are the sandbox's private tmpfs), so the host file stays as it was. (apply_patch's own
// refusal to follow links is tested in test/agent/patch/.)
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { createSandbox } from "../../../src/sandbox/run-in-sandbox.js";
import type { Sandbox } from "../../../src/sandbox/types.js";
import { createTempDirs, handOver, SANDBOX_MODES } from "../sandbox-test-helpers.js";

const tempDirs = createTempDirs();
const ORIGINAL = "host file, must not change\n";
let workspace: string;
let hostDirs: string[];

/** A host file with ORIGINAL in it, in a fresh directory under `parent`. */
async function plantHostFile(parent: string): Promise<string> {
  const dir = await mkdtemp(join(parent, "codex-bot-threat4-"));
  hostDirs.push(dir);
  const file = join(dir, "target.txt");
  await writeFile(file, ORIGINAL);
  return file;
}

afterEach(() => Promise.all(hostDirs.map((dir) => rm(dir, { recursive: true, force: true }))));
afterAll(() => tempDirs.removeAll());

describe.each(SANDBOX_MODES)("$name", (mode) => {
  const sandbox = (): Sandbox => createSandbox({ workspace, network: false, hostUser: mode.hostUser });
  beforeEach(async () => {
    workspace = await handOver(await tempDirs.make(), mode);
    hostDirs = [];
  });

  describe("a link in the work tree to a host path", () => {
    // /tmp inside is the sandbox's own tmpfs; /var/tmp does not exist inside at all.
    test.each(["/tmp", "/var/tmp"])("written through with `echo >` and `cp`, leaves a host file under %s unchanged", async (parent) => {
      const hostFile = await plantHostFile(parent);
      await symlink(hostFile, join(workspace, "link"));
      await symlink(hostFile, join(workspace, "link2"));
      const result = await sandbox().run("echo x > link; cat link; echo data > src; cp src link2; cp -f src link2; echo end");
      expect(result.output).toMatch(/end\n$/);
      expect(result.output).not.toContain("must not change");
      expect(await readFile(hostFile, "utf8")).toBe(ORIGINAL);
    });

    test("a link to the host file's directory cannot be used to create files there", async () => {
      const hostFile = await plantHostFile("/var/tmp");
      await symlink(join(hostFile, ".."), join(workspace, "dirlink"));
      const result = await sandbox().run("echo x > dirlink/new.txt; mkdir dirlink/sub; ls dirlink 2>&1");
      expect(result.output).toContain("No such file or directory");
      expect(await readdir(dirname(hostFile))).toEqual(["target.txt"]);
      expect(await readFile(hostFile, "utf8")).toBe(ORIGINAL);
    });

    test("a relative link out of the work tree (`../sibling/…`) reaches nothing of the host", async () => {
      // On the host, ../<dir> from the workspace is a sibling directory; inside, /workspace/.. is the sandbox's /.
      const siblingFile = await plantHostFile(join(workspace, ".."));
      const relative = join("..", basename(dirname(siblingFile)), "target.txt");
      await symlink(relative, join(workspace, "uplink"));
      const result = await sandbox().run("cat uplink 2>&1; echo x > uplink; echo x > ../escape; echo end");
      expect(result.output).not.toContain("must not change");
      expect(result.output).toMatch(/Read-only file system|No such file or directory/);
      expect(await readFile(siblingFile, "utf8")).toBe(ORIGINAL);
    });

    test.each(["/proc/1/root", "/proc/self/root", "/proc/1/cwd/.."])("a link through %s stays inside the sandbox", async (via) => {
      const hostFile = await plantHostFile("/var/tmp");
      await symlink(`${via}${hostFile}`, join(workspace, "proclink"));
      const result = await sandbox().run("cat proclink 2>&1; echo x > proclink; ls /proc/1/root/ | tr '\\n' ' '");
      expect(result.output).not.toContain("must not change");
      // /proc/1 is the sandbox's own init: its root is the sandbox's root, not the host's.
      expect(result.output).toContain("workspace");
      expect(result.output).not.toMatch(/\bvar\b|\brun\b|\broot\b/);
      expect(await readFile(hostFile, "utf8")).toBe(ORIGINAL);
    });
  });

  describe("the host reading the work tree afterwards", () => {
    test("measuring the workspace's disk use does not follow a link to a large host file", async () => {
      const big = join(await tempDirs.make(), "big");
      await writeFile(big, Buffer.alloc(4 * 1024 * 1024, 1));
      await symlink(big, join(workspace, "big-link"));
      const result = await createSandbox({ workspace, network: false, hostUser: mode.hostUser, limits: { maxWorkspaceBytes: 1024 * 1024 } }).run("true");
      expect(result.diskExceeded).toBe(false);
    });
  });
});
