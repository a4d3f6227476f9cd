import { spawn, type ChildProcess } from "node:child_process";

const OUTPUT_TAIL_CHARS = 8_000;

/** One claim-process.ts child, seen from the parent. */
export interface ClaimProcess {
  worker: string;
  /** Starts a child begun with CLAIM_WAIT_FOR_GO=1 claiming; resolves once it printed `ready`. */
  go(): Promise<void>;
  /** SIGTERM, then how it exited: its exit code (0: handed back what ran and closed cleanly), or the signal that ended it. */
  stop(): Promise<number | NodeJS.Signals>;
  /** The end of what it printed, for an error message. */
  output(): string;
}

/**
 * Starts `command` (node and the claim-process script, compiled or as TypeScript) with `env` on
 * top of this process's, and resolves once it printed `ready` (or `waiting`, with
 * CLAIM_WAIT_FOR_GO=1). Rejects if it exits first or is not ready within `readyTimeoutMs`.
 */
export async function startClaimProcess(command: readonly string[], env: Record<string, string>, readyTimeoutMs: number): Promise<ClaimProcess> {
  const [file, ...args] = command;
  const child = spawn(file!, args, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  const waiters: { line: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    for (const w of [...waiters]) {
      if (output.split("\n").includes(w.line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS)));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown signal" as NodeJS.Signals)));
  const nextLine = (line: string) => untilLine(child, exited, () => output, waiters, line, readyTimeoutMs);
  await nextLine(env.CLAIM_WAIT_FOR_GO === "1" ? "waiting" : "ready");
  let terminated = false;
  return {
    worker: env.CLAIM_WORKER ?? "",
    go: async () => {
      child.stdin.write("go\n");
      await nextLine("ready");
    },
    // One SIGTERM only, however often it is called: a second one during the shutdown would kill the child.
    stop: async () => {
      if (!terminated && child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      terminated = true;
      return exited;
    },
    output: () => output,
  };
}

function untilLine(child: ChildProcess, exited: Promise<number | NodeJS.Signals>, output: () => string, waiters: { line: string; resolve: () => void }[], line: string, timeoutMs: number): Promise<void> {
  // Settles once: a rejection after the line was printed (the process exits later) is a no-op.
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the claim process did not print ${line} within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    waiters.push({ line, resolve: () => (clearTimeout(timer), resolve()) });
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`the claim process exited (${code}) before printing ${line}:\n${output()}`))));
  });
}
