import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { createSandboxCgroup } from "./cgroup.js";
import { BWRAP_INSTALL_HINT, findBwrap } from "./find-bwrap.js";
import { resolveLimits } from "./limits.js";
import { createSandbox } from "./run-in-sandbox.js";
import { BASE_SANDBOX_ENV } from "./sandbox-env.js";
import { checkSetupNetwork, type SetupNetworkStatus } from "./self-test-network.js";
import type { ExecResult, HostUser, Sandbox } from "./types.js";

export interface SelfTestOptions {
  /** Where PATH is read from to find bwrap. */
  env?: NodeJS.ProcessEnv;
  bwrapPath?: string;
  hostUser?: HostUser;
  cgroupRoot?: string;
  slirp4netnsPath?: string;
}

/**
 * `warnings` name protections this host cannot give; the sandbox still works without them.
 * `setupNetwork` says whether setup commands (network: true) can run: without slirp4netns they
 * fail with its reason, while the agent's sandbox, which never has a network, works regardless.
 */
export type SelfTestResult = { ok: true; warnings: string[]; setupNetwork: SetupNetworkStatus } | { ok: false; reason: string };

const NAMESPACE_HINT =
  "bubblewrap needs user, mount, pid and network namespaces. On the host, check `sysctl user.max_user_namespaces` " +
  "is above 0 (and on Ubuntu 23.10+ `kernel.apparmor_restrict_unprivileged_userns=0`). In Docker, run the bot's " +
  "container with `--privileged`, or with `--security-opt seccomp=unconfined --security-opt apparmor=unconfined`.";

// --disable-userns appeared in 0.8.0.
const MIN_BWRAP_VERSION = [0, 8] as const;

// Variables bash sets by itself in every shell.
const BASH_OWN_VARIABLES = ["PWD", "SHLVL", "_", "OLDPWD"];

interface Check {
  command: string;
  /** The problem, in words an operator can act on, or undefined when all is well. */
  verify(result: ExecResult): string | undefined;
}

const CHECKS: Check[] = [
  { command: "echo ok", verify: verifyEcho },
  { command: "cat /proc/net/dev", verify: verifyOnlyLoopback },
  { command: "env; echo ---; tr '\\0' '\\n' < /proc/1/environ", verify: verifyEnvironment },
  { command: "grep CapEff /proc/self/status", verify: verifyNoCapabilities },
];

/** Proves on this host that bwrap runs and that the sandbox is isolated as designed. Never throws. */
export async function runSandboxSelfTest(options: SelfTestOptions = {}): Promise<SelfTestResult> {
  const bwrapPath = options.bwrapPath ?? findBwrap(options.env);
  if (bwrapPath === undefined) return { ok: false, reason: BWRAP_INSTALL_HINT };
  const versionProblem = await checkBwrapVersion(bwrapPath);
  if (versionProblem !== undefined) return { ok: false, reason: versionProblem };
  let workspace: string | undefined;
  try {
    workspace = await mkdtemp(join(tmpdir(), "codex-bot-self-test-"));
    if (options.hostUser) await chown(workspace, options.hostUser.uid, options.hostUser.gid);
    const sandboxOptions = { workspace, bwrapPath, hostUser: options.hostUser, cgroupRoot: options.cgroupRoot };
    const reason = await runChecks(createSandbox({ ...sandboxOptions, network: false }));
    if (reason !== undefined) return { ok: false, reason };
    const setupNetwork = await checkSetupNetwork({ ...sandboxOptions, slirp4netnsPath: options.slirp4netnsPath });
    const warnings = await collectWarnings(options);
    if (!setupNetwork.ok) warnings.push(`setup commands (network) will fail: ${setupNetwork.reason}`);
    return { ok: true, warnings, setupNetwork };
  } catch (error) {
    return { ok: false, reason: `sandbox self-test failed unexpectedly: ${String(error)}` };
  } finally {
    if (workspace !== undefined) await rm(workspace, { recursive: true, force: true });
  }
}

async function checkBwrapVersion(bwrapPath: string): Promise<string | undefined> {
  const result = await execa(bwrapPath, ["--version"], { reject: false, env: {}, extendEnv: false, timeout: 10_000 });
  if (result.exitCode !== 0) return `\`${bwrapPath} --version\` failed: ${result.stderr || result.message}`;
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(result.stdout)?.slice(1) ?? []).map(Number);
  if (major > MIN_BWRAP_VERSION[0] || (major === MIN_BWRAP_VERSION[0] && minor >= MIN_BWRAP_VERSION[1])) return undefined;
  return `${result.stdout.trim()} is too old: the sandbox needs bubblewrap ${MIN_BWRAP_VERSION.join(".")} or later (--disable-userns). Debian 12 and Ubuntu 24.04 ship a recent enough one.`;
}

async function runChecks(sandbox: Sandbox): Promise<string | undefined> {
  for (const check of CHECKS) {
    const reason = check.verify(await sandbox.run(check.command, { timeoutMs: 30_000 }));
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function verifyEcho(result: ExecResult): string | undefined {
  if (result.exitCode === 0 && result.output.trim() === "ok") return undefined;
  return `bwrap could not run \`echo ok\` (exit code ${result.exitCode}): ${result.output.trim()}\n${NAMESPACE_HINT}`;
}

function verifyOnlyLoopback(result: ExecResult): string | undefined {
  // /proc/net/dev: two header lines, then one "  name: counters" line per interface.
  const names = result.output.split("\n").slice(2).map((line) => line.split(":")[0]?.trim()).filter(Boolean);
  if (result.exitCode === 0 && names.length === 1 && names[0] === "lo") return undefined;
  return `the sandbox without network sees interfaces [${names.join(", ")}] instead of only lo; bwrap's --unshare-net is not taking effect. ${result.output.trim()}`;
}

function verifyEnvironment(result: ExecResult): string | undefined {
  const [envText = "", initEnvText = ""] = result.output.split("---\n");
  const allowed = new Set([...Object.keys(BASE_SANDBOX_ENV), ...BASH_OWN_VARIABLES]);
  const names = envText.split("\n").filter(Boolean).map((line) => line.split("=")[0] ?? "");
  const unexpected = names.filter((name) => !allowed.has(name));
  if (unexpected.length > 0) return `variables outside the allow-list reached the sandbox: ${unexpected.join(", ")}`;
  if (initEnvText.trim() !== "") return "bwrap itself was started with a non-empty environment, readable inside as /proc/1/environ";
  return undefined;
}

function verifyNoCapabilities(result: ExecResult): string | undefined {
  if (/CapEff:\s*0+\s*$/.test(result.output)) return undefined;
  return `processes in the sandbox still hold capabilities (${result.output.trim()}); this bwrap ignores --cap-drop ALL`;
}

async function collectWarnings(options: SelfTestOptions): Promise<string[]> {
  const cgroup = await createSandboxCgroup(resolveLimits(), options.cgroupRoot, options.hostUser);
  await cgroup?.destroy();
  if (cgroup !== undefined) return [];
  const processLimit = options.hostUser
    // Measured on Linux 6.18: RLIMIT_NPROC counts per user namespace, so each sandbox has its own
    // count; kernels before 5.14 counted every process of the host user together.
    ? "the process limit is `ulimit -u`, which binds the unprivileged sandbox user (on kernels before 5.14 it counts all of that user's processes together)"
    : "the process limit is NOT enforced (`ulimit -u` does not bind host root): a fork bomb can exhaust the host";
  return [
    `no writable cgroup v1 pids/memory controller under ${options.cgroupRoot ?? "/sys/fs/cgroup"}: ${processLimit}, ` +
      "and memory is bounded only per process (`ulimit -v`). Mount cgroup v1 read-write for the bot" +
      (options.hostUser ? "." : ", and run bubblewrap as an unprivileged user (CODEX_SANDBOX_USER)."),
  ];
}
