import { execa, type ResultPromise } from "execa";

// One implementation of each, shared with the benchmarks that start the bot the same way.
export { freePort, generateAppKey as generatePrivateKey } from "../../src/cli/bench/bench-process.js";

export interface BotProcess {
  url: string;
  process: ResultPromise;
  output(): string;
  kill(): Promise<void>;
}

/**
 * Starts the product as a user would, with `npm start`, and waits until its health route says
 * the sandbox self-test passed. The environment is built from scratch: nothing of the test
 * runner's leaks in.
 */
export async function startBot(env: Record<string, string>, readyTimeoutMs = 120_000): Promise<BotProcess> {
  const port = Number(env.PORT);
  let output = "";
  const child = execa("npm", ["start", "--silent"], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", HOST: "127.0.0.1", LOG_LEVEL: "debug", ...env },
    extendEnv: false,
    reject: false,
    all: true,
    buffer: false,
    detached: true,
  });
  child.all?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  void child.finally(() => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`bot exited early:\n${output}`);
    const res = await fetch(`${url}/codex/health`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (Date.now() >= deadline) throw new Error(`bot not healthy in time:\n${output}`);
  return {
    url,
    process: child,
    output: () => output,
    async kill() {
      // The whole process group: npm, node, and any sandbox it started.
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      await child.catch(() => undefined);
    },
  };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
