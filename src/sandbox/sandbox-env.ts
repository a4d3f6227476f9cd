import { SandboxConfigError } from "./errors.js";

export const SANDBOX_HOME = "/home/sandbox";

/** The whole environment a sandboxed command starts with; nothing is inherited from the bot. */
export const BASE_SANDBOX_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: "/usr/local/bin:/usr/bin:/bin",
  HOME: SANDBOX_HOME,
  LANG: "C.UTF-8",
  CI: "1",
  TERM: "dumb",
  TMPDIR: "/tmp",
  // Git must fail rather than wait for a password nobody will type.
  GIT_TERMINAL_PROMPT: "0",
  PAGER: "cat",
  GIT_PAGER: "cat",
  // With bubblewrap run as an unprivileged host user (CODEX_SANDBOX_USER), the task's git
  // directory belongs to a host uid the sandbox does not map (the bot's), so git inside refuses
  // /workspace as "dubious ownership". safe.directory is honoured only from protected config,
  // which includes the command-line scope these variables set.
  GIT_CONFIG_COUNT: "1",
  GIT_CONFIG_KEY_0: "safe.directory",
  GIT_CONFIG_VALUE_0: "/workspace",
});

// Names that usually carry credentials, or proxies that could route traffic through an
// authenticated host service. Refusing them catches a caller forwarding the bot's own env.
const FORBIDDEN_NAME = /TOKEN|SECRET|KEY|PASSWORD|PRIVATE|CREDENTIAL|^.*_PROXY$/i;
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The allow-list plus `extra`; throws SandboxConfigError for names that look like secrets. */
export function buildSandboxEnv(extra: Record<string, string> = {}): Record<string, string> {
  for (const [name, value] of Object.entries(extra)) {
    requireValidVariable("env", name, value);
    if (FORBIDDEN_NAME.test(name)) {
      throw new SandboxConfigError(
        `Sandbox env ${name} looks like a secret or proxy setting; untrusted code must never see it. ` +
          "Rename it if it is harmless, or keep it out of the sandbox.",
      );
    }
  }
  return { ...BASE_SANDBOX_ENV, ...extra };
}

/**
 * Checks `SandboxOptions.secrets`: only the setup phase (with network) may have them, and their
 * names must be plain variable names. Throws SandboxConfigError otherwise.
 */
export function validateSecrets(secrets: Record<string, string> | undefined, network: boolean): void {
  const entries = Object.entries(secrets ?? {});
  if (entries.length === 0) return;
  if (!network) {
    throw new SandboxConfigError(
      `Sandbox secrets (${entries.map(([name]) => name).join(", ")}) are only for the setup phase (network: true); ` +
        "the agent phase runs untrusted commands and must never see a credential.",
    );
  }
  for (const [name, value] of entries) requireValidVariable("secret", name, value);
}

/** `NAME=value` records, each ending in NUL, as the prelude reads them (see prelude.ts). */
export function encodeSecrets(secrets: Record<string, string>): Uint8Array {
  return new TextEncoder().encode(Object.entries(secrets).map(([name, value]) => `${name}=${value}\0`).join(""));
}

function requireValidVariable(what: string, name: string, value: string): void {
  if (!VALID_NAME.test(name)) {
    throw new SandboxConfigError(`Sandbox ${what} name ${JSON.stringify(name)} is not a valid variable name.`);
  }
  if (value.includes("\0")) {
    throw new SandboxConfigError(`Sandbox ${what} ${name} contains a NUL byte.`);
  }
}
