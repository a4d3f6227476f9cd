import { readFileSync } from "node:fs";
import type { HostUser } from "../sandbox/types.js";
import { ConfigError } from "./server-config.js";

export const DEFAULT_SANDBOX_USER = "codex-sandbox";
export const CREATE_SANDBOX_USER_COMMAND = `useradd --system --user-group --no-create-home --shell /usr/sbin/nologin ${DEFAULT_SANDBOX_USER}`;

/** One account of the host, as /etc/passwd lists it. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Who bubblewrap runs as on the host, decided once at start:
 * - `dedicated`: the bot is root and starts bubblewrap as CODEX_SANDBOX_USER (the intended setup);
 * - `host-root`: the operator set CODEX_SANDBOX_USER=root and accepts what that weakens;
 * - `bot-user`: the bot is not root, so it cannot switch users and bubblewrap runs as itself.
 * `hostUser` is what every sandbox is given (undefined: bubblewrap runs as the bot's own uid).
 * `warning` is logged at start and shown in /codex/health.
 */
export type SandboxUser =
  | { mode: "dedicated"; name: string; uid: number; gid: number; hostUser: HostUser; warning?: undefined }
  | { mode: "host-root"; uid: 0; hostUser: undefined; warning: string }
  | { mode: "bot-user"; uid: number; hostUser: undefined; warning: string };

const HOST_ROOT_WARNING =
  "CODEX_SANDBOX_USER=root: bubblewrap runs as host root. This is weaker than a dedicated user: the kernel exempts " +
  "host root from RLIMIT_NPROC (`ulimit -u` does not bind; only the pids cgroup limits processes), interfaces that only " +
  "host root may use stay one kernel bug away from the sandbox, and a sandbox escape would be root on the host. " +
  `Create the dedicated user (\`${CREATE_SANDBOX_USER_COMMAND}\`) and unset CODEX_SANDBOX_USER.`;

const botUserWarning = (uid: number) =>
  `the bot runs as uid ${uid}, not root, so bubblewrap runs as the bot's own user: a sandbox escape would land in this ` +
  "account, which can read the app's private key, its webhook secret and the data directory. Run the bot as root with " +
  `the dedicated user ${DEFAULT_SANDBOX_USER} (\`${CREATE_SANDBOX_USER_COMMAND}\`); see the README, "Running on a server".`;

/**
 * Resolves CODEX_SANDBOX_USER (a name or a numeric uid; `setting` undefined when unset) for a bot
 * running as `botUid`. Throws ConfigError, saying what to do, when the bot must not start.
 */
export function resolveSandboxUser(setting: string | undefined, botUid: number, lookup: (nameOrUid: string) => PasswdEntry | undefined): SandboxUser {
  const wanted = setting ?? DEFAULT_SANDBOX_USER;
  const entry = lookup(wanted);
  if (botUid !== 0) {
    if (setting === undefined || entry?.uid === botUid) return { mode: "bot-user", uid: botUid, hostUser: undefined, warning: botUserWarning(botUid) };
    throw new ConfigError([
      `CODEX_SANDBOX_USER=${setting}: only a bot running as root can start bubblewrap as another user, and this one runs as uid ${botUid}. ` +
        "Run the bot as root (recommended), or unset CODEX_SANDBOX_USER to run the sandbox as the bot's own user (weaker: logged at start).",
    ]);
  }
  if (entry === undefined) {
    throw new ConfigError([
      `CODEX_SANDBOX_USER: there is no user ${JSON.stringify(wanted)} in /etc/passwd. The bot runs bubblewrap as this unprivileged user; ` +
        `create it with \`${wanted === DEFAULT_SANDBOX_USER ? CREATE_SANDBOX_USER_COMMAND : `useradd --system --user-group --no-create-home --shell /usr/sbin/nologin ${wanted}`}\`, ` +
        "or set CODEX_SANDBOX_USER=root to accept running the sandbox as host root (weaker: logged at start).",
    ]);
  }
  if (entry.uid === 0) return { mode: "host-root", uid: 0, hostUser: undefined, warning: HOST_ROOT_WARNING };
  return { mode: "dedicated", name: entry.name, uid: entry.uid, gid: entry.gid, hostUser: { uid: entry.uid, gid: entry.gid } };
}

/**
 * Finds a user by name or numeric uid in /etc/passwd. Parsed by hand: the format is seven
 * colon-separated fields, Node has no lookup for any user but the current one, and a native
 * NSS binding is not worth a dependency for one read at start. Users only in LDAP or other NSS
 * sources are therefore not found (the README says to create a local one).
 */
export function passwdLookup(passwdText: string): (nameOrUid: string) => PasswdEntry | undefined {
  const entries = passwdText.split("\n").flatMap((line): PasswdEntry[] => {
    const [name, , uid, gid] = line.split(":");
    if (!name || !/^\d+$/.test(uid ?? "") || !/^\d+$/.test(gid ?? "")) return [];
    return [{ name, uid: Number(uid), gid: Number(gid) }];
  });
  return (nameOrUid) => entries.find((e) => (/^\d+$/.test(nameOrUid) ? e.uid === Number(nameOrUid) : e.name === nameOrUid));
}

/** The sandbox user for this process, from the host's /etc/passwd. */
export function resolveHostSandboxUser(setting: string | undefined, passwdPath = "/etc/passwd"): SandboxUser {
  return resolveSandboxUser(setting, process.getuid?.() ?? 0, passwdLookup(readFileSync(passwdPath, "utf8")));
}

/** What /codex/health shows about it. */
export function describeSandboxUser(user: SandboxUser): Record<string, string | number> {
  if (user.mode === "dedicated") return { mode: user.mode, name: user.name, uid: user.uid };
  return { mode: user.mode, uid: user.uid, warning: user.warning };
}
