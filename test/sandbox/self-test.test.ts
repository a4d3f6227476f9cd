import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runSandboxSelfTest } from "../../src/sandbox/self-test.js";
import { createTempDirs } from "./sandbox-test-helpers.js";

const tempDirs = createTempDirs();
afterAll(() => tempDirs.removeAll());

// Behaves like bwrap where the kernel or a container forbids user namespaces.
const BWRAP_WITHOUT_NAMESPACES = `#!/bin/sh
if [ "$1" = --version ]; then echo "bubblewrap 0.8.0"; exit 0; fi
echo "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2
exit 1
`;

describe("runSandboxSelfTest", () => {
  test("passes on this host, with no warnings", async () => {
    expect(await runSandboxSelfTest()).toEqual({ ok: true, warnings: [] });
  });

  test("without bwrap on PATH, tells the operator to install bubblewrap", async () => {
    const emptyDir = await tempDirs.make();
    const result = await runSandboxSelfTest({ env: { PATH: emptyDir } });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("install the Debian package `bubblewrap`") });
  });

  test("when bwrap cannot create namespaces, passes on its error and a hint", async () => {
    const dir = await tempDirs.make();
    const fakeBwrap = join(dir, "bwrap");
    await writeFile(fakeBwrap, BWRAP_WITHOUT_NAMESPACES);
    await chmod(fakeBwrap, 0o755);
    const result = await runSandboxSelfTest({ env: { PATH: dir } });
    expect(result.ok).toBe(false);
    const reason = result.ok ? "" : result.reason;
    expect(reason).toContain("No permissions to creating new namespace");
    expect(reason).toContain("user.max_user_namespaces");
    expect(reason).toContain("--privileged");
  });

  test("an old bubblewrap is named with the version needed", async () => {
    const dir = await tempDirs.make();
    await writeFile(join(dir, "bwrap"), '#!/bin/sh\necho "bubblewrap 0.4.1"\n');
    await chmod(join(dir, "bwrap"), 0o755);
    const result = await runSandboxSelfTest({ env: { PATH: dir } });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/bubblewrap 0\.4\.1 is too old.*0\.8 or later/) });
  });

  test("without cgroups, passes with a warning that the process limit is not enforced", async () => {
    const result = await runSandboxSelfTest({ cgroupRoot: "/nonexistent-cgroup-root" });
    expect(result).toEqual({ ok: true, warnings: [expect.stringMatching(/process limit is NOT enforced/)] });
  });
});
