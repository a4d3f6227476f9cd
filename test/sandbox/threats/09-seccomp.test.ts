// Threat 9: the command calls into kernel interfaces a build has no use for and where escapes and
// kernel exploits live (modules, kexec, mounts, new namespaces, keyrings, io_uring, bpf, file
// handles, clocks). Every sandbox runs under a seccomp filter that answers them with EPERM
// (clone3 with ENOSYS, so glibc falls back to clone) and kills calls made through another ABI.
// Each call is made raw, through ctypes, in a real sandbox. Where the kernel would refuse the same
// call anyway (the sandbox holds no capability), "witness" calls use arguments the kernel rejects
// before any privilege check: the same sandbox with an allow-all filter answers them otherwise, so
// they prove the EPERM is the filter's. test/sandbox/seccomp-filter-files.test.ts checks every
// call against the filter program itself, on both architectures.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { buildBwrapArgs } from "../../../src/sandbox/bwrap-args.js";
import { findBwrap } from "../../../src/sandbox/find-bwrap.js";
import { stdioFor } from "../../../src/sandbox/launch-sandbox.js";
import { createSandbox, SPAWN_FAILURE_EXIT_CODE } from "../../../src/sandbox/run-in-sandbox.js";
import { runSandboxSelfTest } from "../../../src/sandbox/self-test.js";
import type { SandboxOptions } from "../../../src/sandbox/types.js";
import { createTempDirs, handOver, makeReadable, SANDBOX_MODES, type SandboxMode } from "../sandbox-test-helpers.js";
import { CLONE_NEWTIME, FAMILIES, NAMESPACE_FLAGS, type Call } from "../seccomp-calls.js";
import { hostFilterArch, syscallNumber } from "../syscall-numbers.js";

const tempDirs = createTempDirs();
let workspace: string;
// Set by each mode's beforeAll: the file runs once as an unprivileged host user, once as host root.
let mode: SandboxMode;
afterAll(() => tempDirs.removeAll());

// One BPF instruction: return SECCOMP_RET_ALLOW. The control sandbox: everything else the same.
const ALLOW_ALL = new Uint8Array([0x06, 0, 0, 0, 0x00, 0x00, 0xff, 0x7f]);

// Prints "<label> OK" or "<label> <errno name>" for each [label, number, args] in argv[1].
const PROBE = `
import ctypes, errno, json, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
for label, nr, args in json.loads(sys.argv[1]):
    ctypes.set_errno(0)
    ret = libc.syscall(ctypes.c_long(nr), *[ctypes.c_ulong(a) for a in args])
    print(label, "OK" if ret >= 0 else errno.errorcode[ctypes.get_errno()])
`;

function probeCommand(calls: Call[]): string {
  const arch = hostFilterArch();
  const list = calls.flatMap((call) => {
    const nr = syscallNumber(call.name, arch);
    return nr === undefined ? [] : [[call.label ?? call.name, nr, call.args]];
  });
  return `python3 -c '${PROBE}' '${JSON.stringify(list)}'`;
}

function present(calls: Call[]): Call[] {
  return calls.filter((call) => syscallNumber(call.name, hostFilterArch()) !== undefined);
}

async function inSandbox(command: string, options: Partial<SandboxOptions> = {}): Promise<string> {
  const result = await createSandbox({ workspace, network: false, hostUser: mode.hostUser, ...options }).run(command);
  return result.output;
}

/** The same sandbox (bwrap arguments and descriptors) with a filter that allows everything. */
async function inUnfilteredSandbox(command: string): Promise<string> {
  const options: SandboxOptions = { workspace, network: false };
  const bwrap = findBwrap() ?? "/usr/bin/bwrap";
  const result = await execa(bwrap, [...buildBwrapArgs(options), "--", "/bin/bash", "-c", command], {
    stdio: stdioFor(options, ALLOW_ALL),
    ...(mode.hostUser ? { uid: mode.hostUser.uid, gid: mode.hostUser.gid } : {}),
    env: {},
    extendEnv: false,
    reject: false,
    all: true,
    stripFinalNewline: false,
  });
  return String(result.all);
}

function answers(output: string): Record<string, string> {
  return Object.fromEntries(output.trim().split("\n").map((line) => line.split(" ") as [string, string]));
}

const label = (call: Call) => call.label ?? call.name;

// Not indented below: the tests hold Python and bash in template literals, where indentation matters.
describe.each(SANDBOX_MODES)("$name", (thisMode) => {
beforeAll(async () => {
  mode = thisMode;
  workspace = await handOver(await tempDirs.make(), thisMode);
});

test("python3 is in the sandbox to make the calls", async () => {
  expect(existsSync("/usr/bin/python3")).toBe(true);
  expect(await inSandbox("command -v python3")).toBe("/usr/bin/python3\n");
});

test.each([
  ["agent phase", false],
  ["setup phase", true],
])("the filter is on in the %s", async (_phase, network) => {
  expect(await inSandbox("grep '^Seccomp:' /proc/self/status", { network })).toBe("Seccomp:\t2\n");
});

describe.each(FAMILIES)("%s", (_family, calls) => {
  test("each call fails with EPERM", async () => {
    const got = answers(await inSandbox(probeCommand(calls)));
    expect(got).toEqual(Object.fromEntries(present(calls).map((call) => [label(call), "EPERM"])));
  });

  const witnesses = calls.filter((call) => call.witness);
  if (witnesses.length > 0) {
    test(`without the filter the kernel answers otherwise (${witnesses.map(label).join(", ")})`, async () => {
      const got = answers(await inUnfilteredSandbox(probeCommand(witnesses)));
      for (const call of present(witnesses)) expect([label(call), got[label(call)]]).not.toEqual([label(call), "EPERM"]);
      expect(Object.keys(got).sort()).toEqual(present(witnesses).map(label).sort());
    });
  }
});

describe("namespaces: none can be made, while fork and threads work", () => {
  // An invalid extra bit (unshare: part of CSIGNAL; clone: CLONE_THREAD without CLONE_SIGHAND)
  // makes the kernel refuse with EINVAL before it looks at the namespace, so the witnesses never
  // make one, with or without the filter.
  const CLONE_THREAD = 0x10000;
  const unshares = Object.entries({ ...NAMESPACE_FLAGS, CLONE_NEWTIME }).flatMap(([flag, bit]): Call[] => [
    { name: "unshare", label: `unshare(${flag})`, args: [bit] },
    { name: "unshare", label: `unshare(${flag}|1)`, args: [bit | 1], witness: true },
  ]);
  const clones = Object.entries(NAMESPACE_FLAGS).map(([flag, bit]): Call => ({
    name: "clone",
    label: `clone(${flag}|CLONE_THREAD)`,
    args: [bit | CLONE_THREAD, 0, 0, 0, 0],
    witness: true,
  }));
  const calls = [...unshares, ...clones];

  test("unshare and clone with any CLONE_NEW* flag fail with EPERM", async () => {
    const got = answers(await inSandbox(probeCommand(calls)));
    expect(got).toEqual(Object.fromEntries(calls.map((call) => [label(call), "EPERM"])));
  });

  test("without the filter the kernel answers the witnesses with EINVAL", async () => {
    const witnesses = calls.filter((call) => call.witness);
    const got = answers(await inUnfilteredSandbox(probeCommand(witnesses)));
    expect(got).toEqual(Object.fromEntries(witnesses.map((call) => [label(call), "EINVAL"])));
  });

  test("clone3 fails with ENOSYS, where the kernel itself answers EINVAL", async () => {
    const clone3: Call[] = [{ name: "clone3", args: [0, 0] }];
    expect(await inSandbox(probeCommand(clone3))).toBe("clone3 ENOSYS\n");
    expect(await inUnfilteredSandbox(probeCommand(clone3))).toBe("clone3 EINVAL\n");
  });

  test("a fork, a thread (glibc falls back from clone3 to clone) and unshare(CLONE_FILES) still work", async () => {
    const script = `
import ctypes, os, threading
pid = os.fork()
if pid == 0: os._exit(7)
print("fork", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
seen = []
t = threading.Thread(target=lambda: seen.append(threading.get_native_id())); t.start(); t.join()
print("thread", seen[0] != threading.get_native_id())
print("unshare(CLONE_FILES)", ctypes.CDLL(None, use_errno=True).unshare(0x400))`;
    expect(await inSandbox(`python3 -c '${script}'`)).toBe("fork 7\nthread True\nunshare(CLONE_FILES) 0\n");
  });

  test("unshare(1) refuses a user namespace with EPERM", async () => {
    expect(await inSandbox("unshare --user --map-root-user true; echo $?")).toMatch(/^unshare: unshare failed: Operation not permitted\n1\n$/);
  });
});

describe("personality", () => {
  const value = (name: string, persona: number, witness = false): Call => ({ name: "personality", label: name, args: [persona], witness });
  const allowed = [value("PER_LINUX", 0), value("PER_LINUX32", 0x8), value("UNAME26", 0x20000), value("UNAME26|PER_LINUX32", 0x20008), value("query", 0xffffffff)];
  // Each of these the kernel accepts from anyone: only the filter refuses them.
  const refused = [value("ADDR_NO_RANDOMIZE", 0x40000, true), value("READ_IMPLIES_EXEC", 0x400000, true), value("PER_LINUX|2^32", 2 ** 32, true)];

  test("Docker's harmless values work; the rest fail with EPERM, where the kernel would accept them", async () => {
    // Back to PER_LINUX after each, so that one call's persona does not change the next.
    const calls = [...allowed, ...refused].flatMap((call) => [call, value(`${label(call)}:reset`, 0)]);
    const got = answers(await inSandbox(probeCommand(calls)));
    for (const call of allowed) expect([label(call), got[label(call)]]).toEqual([label(call), "OK"]);
    for (const call of refused) expect([label(call), got[label(call)]]).toEqual([label(call), "EPERM"]);
    const unfiltered = answers(await inUnfilteredSandbox(probeCommand(refused.flatMap((call) => [call, value(`${label(call)}:reset`, 0)]))));
    for (const call of refused) expect([label(call), unfiltered[label(call)]]).toEqual([label(call), "OK"]);
  });
});

test("ptrace works on the sandbox's own processes (gdb, strace), as Docker allows it", async () => {
  const script = `
import ctypes, os
pid = os.fork()
if pid == 0: os._exit(0 if ctypes.CDLL(None).ptrace(0, 0, 0, 0) == 0 else 1)
print("PTRACE_TRACEME", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))`;
  expect(await inSandbox(`python3 -c '${script}'`)).toBe("PTRACE_TRACEME 0\n");
});

// x86_64 only: how a 64-bit process makes a 32-bit call, without a compiler. aarch64's 32-bit
// calls are checked on the filter program (seccomp-filter-files.test.ts).
(process.arch === "x64" ? describe : describe.skip)("calls through another ABI kill the process (x86_64)", () => {
  // i386 getpid (20) through int 0x80, from machine code in an executable page.
  const int80 = `
import ctypes, mmap
page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
page.write(bytes([0xb8, 20, 0, 0, 0, 0xcd, 0x80, 0xc3]))  # mov eax, 20; int 0x80; ret
print("int 0x80 returned", ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(page)))())`;
  // x32 getpid: the x86_64 number with the x32 bit (0x40000000).
  const x32 = `
import ctypes
print("x32 returned", ctypes.CDLL(None).syscall(0x40000000 | 39))`;

  test.each([
    ["i386 (int 0x80)", int80, "int 0x80 returned"],
    ["x32", x32, "x32 returned"],
  ])("%s: killed with SIGSYS inside, answered without the filter", async (_abi, script, printed) => {
    const command = `python3 -c '${script}'; echo "exit $?"`;
    // 159 = 128 + SIGSYS: the kernel killed python before it could print; bash says so.
    const output = await inSandbox(command);
    expect(output).toMatch(/Bad system call[^]*\nexit 159\n$/);
    expect(output).not.toMatch(new RegExp(`^${printed} `, "m"));
    expect(await inUnfilteredSandbox(command)).toMatch(new RegExp(`^${printed} -?\\d+\\nexit 0\\n$`));
  });
});

describe("fail closed", () => {
  const realArch = Object.getOwnPropertyDescriptor(process, "arch");
  afterEach(() => {
    if (realArch) Object.defineProperty(process, "arch", realArch);
  });

  test("on an architecture without a filter nothing runs, and the self-test says why", async () => {
    Object.defineProperty(process, "arch", { ...realArch, value: "s390x" });
    const result = await createSandbox({ workspace, network: false, hostUser: mode.hostUser }).run("echo ran > ran.txt");
    expect(result.exitCode).toBe(SPAWN_FAILURE_EXIT_CODE);
    expect(result.output).toMatch(/no seccomp filter for this machine's architecture \(s390x\).*so no command runs/);
    expect(existsSync(join(workspace, "ran.txt"))).toBe(false);
    expect(await runSandboxSelfTest({ hostUser: mode.hostUser })).toEqual({ ok: false, reason: expect.stringContaining("no seccomp filter for this machine's architecture (s390x)") });
  });

  test("a bwrap that drops --seccomp is found out by the self-test", async () => {
    const dir = await makeReadable(await tempDirs.make());
    const realBwrap = findBwrap() ?? "/usr/bin/bwrap";
    await writeFile(
      join(dir, "bwrap"),
      `#!/bin/bash
if [ "$1" = --version ]; then exec ${realBwrap} --version; fi
args=(); skip=0; for a in "$@"; do if [ $skip = 1 ]; then skip=0; elif [ "$a" = --seccomp ]; then skip=1; else args+=("$a"); fi; done
# -c: an empty environment, as the launcher gives bwrap.
exec -c ${realBwrap} "\${args[@]}"
`,
      { mode: 0o755 },
    );
    expect(await runSandboxSelfTest({ env: { PATH: dir }, hostUser: mode.hostUser })).toEqual({
      ok: false,
      reason: expect.stringMatching(/^commands in the sandbox run without a seccomp filter \(Seccomp:\s+0\); this bwrap ignores --seccomp$/),
    });
  });
});
});
