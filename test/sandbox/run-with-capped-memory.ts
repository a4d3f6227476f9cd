// A child process for threats/07-output: runs one sandboxed command through the real run path,
// in a process whose memory the kernel caps at what it uses when idle plus a headroom, so that
// the process dies if the output it reads were kept. Prints the ExecResult as JSON, the output
// replaced by its length.
//
//   node --import test/helpers/ts-source-hooks.ts test/sandbox/run-with-capped-memory.ts \
//     <workspace> <headroom bytes> <command> [--keep-chunks] [--host-user=<uid>:<gid>]
//
// --keep-chunks makes the output reader also keep every chunk it is given (the bug this guards
// against), to show that the cap would catch it.
//
// The cap is RLIMIT_DATA (private writable memory: the V8 heap, Buffers, malloc), set with
// prlimit. The kernel enforces it at allocation, so it does not depend on when memory is sampled;
// garbage not collected yet counts only as far as V8's allocation-driven collections let it grow.
import { readFile } from "node:fs/promises";
import { execa } from "execa";
import { CappedOutput } from "../../src/sandbox/capped-output.js";
import { createSandbox } from "../../src/sandbox/run-in-sandbox.js";
import { scaled } from "../helpers/time-scale.js";

// The environment is inherited, so the emulated guest's CODEX_TEST_TIME_SCALE reaches this bound too.
const TIMEOUT_MS = scaled(60_000);
const [workspace = "", headroom = "", command = "", ...flags] = process.argv.slice(2);
const hostUserFlag = /^--host-user=(\d+):(\d+)$/.exec(flags.find((flag) => flag.startsWith("--host-user=")) ?? "");
const hostUser = hostUserFlag ? { uid: Number(hostUserFlag[1]), gid: Number(hostUserFlag[2]) } : undefined;

async function dataBytes(): Promise<number> {
  const status = await readFile("/proc/self/status", "utf8");
  const kib = /^VmData:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error("no VmData in /proc/self/status");
  return Number(kib) * 1024;
}

if (flags.includes("--keep-chunks")) {
  const kept: (Buffer | string)[] = [];
  const push = CappedOutput.prototype.push;
  CappedOutput.prototype.push = function (this: CappedOutput, chunk: Buffer | string) {
    kept.push(chunk);
    push.call(this, chunk);
  };
}

const sandbox = createSandbox({ workspace, network: false, hostUser });
// Warm up first (modules loaded, thread pool started, a cgroup made), so that the cap starts
// from the process as it reads output, not as it starts.
await sandbox.run("true");
const cap = (await dataBytes()) + Number(headroom);
await execa("prlimit", [`--pid=${process.pid}`, `--data=${cap}`]);
const result = await sandbox.run(command, { timeoutMs: TIMEOUT_MS });
process.stdout.write(JSON.stringify({ ...result, output: result.output.length }));
