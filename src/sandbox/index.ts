export type { ExecResult, HostUser, ReadOnlyMount, RunOptions, Sandbox, SandboxLimits, SandboxOptions } from "./types.js";
export { SandboxConfigError } from "./errors.js";
export { buildBwrapArgs, SANDBOX_WORKSPACE } from "./bwrap-args.js";
export { CappedOutput } from "./capped-output.js";
export { DEFAULT_SANDBOX_LIMITS } from "./limits.js";
export { BASE_SANDBOX_ENV } from "./sandbox-env.js";
export { findBwrap } from "./find-bwrap.js";
export {
  createSandbox,
  DEFAULT_OUTPUT_LIMIT_BYTES,
  DEFAULT_TIMEOUT_MS,
  SPAWN_FAILURE_EXIT_CODE,
  TIMEOUT_EXIT_CODE,
} from "./run-in-sandbox.js";
export { runSandboxSelfTest, type SelfTestOptions, type SelfTestResult } from "./self-test.js";
export type { SetupNetworkStatus } from "./self-test-network.js";
export { BLOCKED_RANGES } from "./blocked-destinations.js";
export { checkCgroupsAtStart, type CgroupStartCheck } from "./require-cgroups.js";
export type { CgroupPlacement, CgroupSupport } from "./cgroup.js";
export type { LimitEnforcement } from "./limit-enforcement.js";
