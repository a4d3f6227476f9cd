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
/**
 * `npm <args>` in its own process group, with an environment built from scratch (nothing of the
 * test runner's leaks in) and its output collected.
 */
function spawnNpm(args: string[], env: Record<string, string>): ResultPromise & { output: string } {
  const child = execa("npm", args, {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", LOG_LEVEL: "debug", ...env },
    extendEnv: false,
    reject: false,
    all: true,
    buffer: false,
    detached: true,
  });
  const collected = Object.assign(child, { output: "" });
  child.all?.on("data", (chunk: Buffer) => (collected.output += chunk.toString()));
  return collected;
}

export async function startBot(env: Record<string, string>, readyTimeoutMs = 120_000): Promise<BotProcess> {
  const port = Number(env.PORT);
  const child = spawnNpm(["start", "--silent"], { HOST: "127.0.0.1", ...env });
  const output = () => child.output;
  let exited = false;
  void child.finally(() => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`bot exited early:\n${output()}`);
    const res = await fetch(`${url}/codex/health`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (Date.now() >= deadline) throw new Error(`bot not healthy in time:\n${output()}`);
  return {
    url,
    process: child,
    output,
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

/** The pid in a process's "worker taking tasks" log line: the node process whose id its task claims carry. */
export function workerPid(output: string): number {
  const line = output.split("\n").find((l) => l.includes('"worker taking tasks"'));
  if (!line) throw new Error("no \"worker taking tasks\" line in the output");
  return (JSON.parse(line) as { pid: number }).pid;
}

export interface WorkerProcess {
  process: ResultPromise;
  output(): string;
  /** The pid of the node process itself (npm's child), as it appears in its task claims. */
  nodePid(): number;
  /** Sends a signal to the whole process group (npm, node, its sandboxes). */
  signal(signal: NodeJS.Signals): void;
  /** The exit code once it exited. */
  exited: Promise<number | undefined>;
  kill(): Promise<void>;
}

/**
 * Starts `npm run worker` as an operator would on another machine, and waits for its log line
 * saying it takes tasks (it has no HTTP server to ask).
 */
export async function startWorker(env: Record<string, string>, readyTimeoutMs = 120_000): Promise<WorkerProcess> {
  const child = spawnNpm(["run", "worker", "--silent"], env);
  const output = () => child.output;
  const exited = child.then((result) => result.exitCode);
  let gone = false;
  void exited.finally(() => (gone = true));
  await waitFor("the worker to take tasks", () => {
    if (gone) throw new Error(`worker exited early:\n${output()}`);
    return /worker taking tasks/.test(output()) ? true : undefined;
  }, readyTimeoutMs).catch((error: Error) => {
    throw new Error(`${error.message}\n${output()}`);
  });
  const nodePid = () => workerPid(output());
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  return {
    process: child, output, nodePid, signal, exited,
    async kill() {
      signal("SIGKILL");
      await exited.catch(() => undefined);
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
