/** A sandbox was configured in a way that would be unsafe or cannot work; fix the caller's options. */
export class SandboxConfigError extends Error {
  override name = "SandboxConfigError";
}
