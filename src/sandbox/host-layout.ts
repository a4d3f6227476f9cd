import { existsSync, lstatSync, readlinkSync } from "node:fs";

/** How a top-level path such as /bin looks on the host, so the sandbox can mirror it. */
export type RootEntry = { kind: "symlink"; target: string } | { kind: "directory" } | { kind: "missing" };

/** The facts about the host that buildBwrapArgs needs; gathered here so that it stays pure. */
export interface HostLayout {
  /** /bin, /sbin, /lib and /lib64: on merged-/usr systems these are symlinks into /usr. */
  rootEntries: Record<string, RootEntry>;
  /** The allow-listed /etc paths that exist on this host. */
  etcPaths: string[];
  /** Existing paths inside the /etc mounts that hold secrets and are hidden under an empty tmpfs. */
  hiddenPaths: string[];
}

export const ROOT_LINK_PATHS = ["/bin", "/sbin", "/lib", "/lib64"];

export const ETC_ALLOW_LIST = [
  "/etc/passwd",
  "/etc/group",
  "/etc/nsswitch.conf",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/localtime",
  "/etc/alternatives",
  "/etc/ssl",
  "/etc/ca-certificates",
  "/etc/ca-certificates.conf",
];

// /etc/ssl/private holds TLS keys (mode 0700, but the sandbox may run as host root).
const SECRET_PATHS = ["/etc/ssl/private"];

/** Reads the host layout: a few lstat calls. */
export function detectHostLayout(): HostLayout {
  return {
    rootEntries: Object.fromEntries(ROOT_LINK_PATHS.map((path) => [path, describeRootEntry(path)])),
    etcPaths: ETC_ALLOW_LIST.filter((path) => existsSync(path)),
    hiddenPaths: SECRET_PATHS.filter((path) => existsSync(path)),
  };
}

function describeRootEntry(path: string): RootEntry {
  try {
    const stats = lstatSync(path);
    return stats.isSymbolicLink() ? { kind: "symlink", target: readlinkSync(path) } : { kind: "directory" };
  } catch {
    return { kind: "missing" };
  }
}
