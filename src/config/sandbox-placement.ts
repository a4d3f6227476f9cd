import type { CgroupPlacement } from "../sandbox/index.js";
import type { ServerConfig } from "./server-config.js";

/** Where the operator's settings put sandbox cgroups (CODEX_CGROUP_ROOT, CODEX_CGROUP_PARENT). */
export function sandboxPlacement(config: ServerConfig): CgroupPlacement {
  return { root: config.CODEX_CGROUP_ROOT, parent: config.CODEX_CGROUP_PARENT };
}
