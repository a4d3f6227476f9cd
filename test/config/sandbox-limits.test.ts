import { parseRepoConfig } from "../../src/config/repo-config.js";
import { effectiveSandboxLimits, serverSandboxLimits } from "../../src/config/sandbox-limits.js";
import { readServerConfig } from "../../src/config/server-config.js";

const server = serverSandboxLimits(readServerConfig({ CODEX_SANDBOX_MEMORY_MB: "4096", CODEX_SANDBOX_PROCESSES: "256" }));

describe("a repository's sandbox limits", () => {
  test("without `limits:` the server's apply", () => {
    expect(effectiveSandboxLimits(server)).toEqual({ limits: { memory_mb: 4096, processes: 256, disk_mb: 20480, tmp_mb: 1024 }, warnings: [] });
  });

  test("a lower value lowers the limit, silently", () => {
    expect(effectiveSandboxLimits(server, { memory_mb: 2048, tmp_mb: 64 })).toEqual({ limits: { memory_mb: 2048, processes: 256, disk_mb: 20480, tmp_mb: 64 }, warnings: [] });
  });

  test("a higher value is clamped to the server's, with a warning naming the server's variable", () => {
    const { limits, warnings } = effectiveSandboxLimits(server, { memory_mb: 16384, processes: 256, disk_mb: 100 });
    expect(limits).toEqual({ memory_mb: 4096, processes: 256, disk_mb: 100, tmp_mb: 1024 });
    expect(warnings).toEqual(["`limits.memory_mb: 16384` is above this server's CODEX_SANDBOX_MEMORY_MB (4096); using 4096"]);
  });

  test("`limits:` in .github/codex.yml: positive whole numbers, known keys; every problem named", () => {
    const ok = parseRepoConfig("limits:\n  memory_mb: 2048\n  processes: 100\n");
    expect(ok).toMatchObject({ ok: true, config: { limits: { memory_mb: 2048, processes: 100 } } });
    const none = parseRepoConfig(null);
    expect(none.ok && none.config.limits).toBeUndefined();
    const bad = parseRepoConfig("limits:\n  memory_mb: 0\n  processes: 1.5\n  disk_mb: lots\n  cpus: 2\n");
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors.join("\n");
    expect(errors).toContain("`limits.memory_mb`: must be above 0");
    expect(errors).toContain("`limits.processes`: must be a whole number");
    expect(errors).toContain("`limits.disk_mb`");
    expect(errors).toContain("cpus");
  });
});
