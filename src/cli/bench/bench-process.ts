import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:net";
import { execa } from "execa";

const READY_POLL_MS = 100;
const OUTPUT_TAIL_CHARS = 8_000;

export interface BenchProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The end of what it printed, for an error message. */
  tail(): string;
  kill(): Promise<void>;
}

/** A free port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** An app private key, as GitHub issues them (PKCS#1 PEM). */
export function generateAppKey(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
}

/**
 * Starts `node script` with exactly `env` (nothing of this process's leaks in) in `cwd`, in a
 * process group of its own, and waits until `ready(url)` says it is. Killing it kills the
 * group: node and anything it started.
 */
export async function startNodeProcess(script: string, env: Record<string, string>, cwd: string, ready: (url: string) => Promise<boolean>, readyTimeoutMs: number): Promise<BenchProcess> {
  let output = "";
  const child = execa(process.execPath, [script], { cwd, env, extendEnv: false, reject: false, all: true, buffer: false, detached: true });
  child.all?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS)));
  let exited = false;
  void child.finally(() => (exited = true));
  const kill = async () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    await child.catch(() => undefined);
  };
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + readyTimeoutMs;
  while (!exited && !(await ready(url).catch(() => false))) {
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`${script} was not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  if (exited) throw new Error(`${script} exited before it was ready:\n${output}`);
  return { url, tail: () => output, kill };
}
