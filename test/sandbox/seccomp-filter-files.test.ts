// The checked-in seccomp filters are exactly what their generator writes (so they never drift
// from the script), and each answers as intended on both architectures, asked through a BPF
// interpreter: the aarch64 one cannot run here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { loadSeccompFilter } from "../../src/sandbox/seccomp-filter.js";
import { AUDIT_ARCH, runSeccompBpf, SECCOMP_RET } from "./run-seccomp-bpf.js";
import { CLONE_NEWTIME, FAMILIES, NAMESPACE_FLAGS } from "./seccomp-calls.js";
import { createTempDirs } from "./sandbox-test-helpers.js";
import { syscallNumber, type FilterArch, type SyscallName } from "./syscall-numbers.js";

const FILTER_DIR = new URL("../../src/sandbox/seccomp/", import.meta.url).pathname;
const FILES = ["filter-x86_64.bpf", "filter-x86_64.pfc", "filter-aarch64.bpf", "filter-aarch64.pfc"];
const EPERM = SECCOMP_RET.ERRNO | 1;
const ENOSYS = SECCOMP_RET.ERRNO | 38;

const tempDirs = createTempDirs();
afterAll(() => tempDirs.removeAll());

test("the generator (Debian's python3-seccomp) writes exactly the checked-in files", async () => {
  const out = await tempDirs.make();
  // Debian's python3, which has python3-seccomp: not a python first on PATH (pyenv, a venv).
  await execa("/usr/bin/python3", [join(FILTER_DIR, "generate-filters.py"), out]);
  for (const file of FILES) expect([file, readFileSync(join(out, file))]).toEqual([file, readFileSync(join(FILTER_DIR, file))]);
});

test("the sandbox loads the file for this machine's architecture, once, and has none for others", () => {
  const file = process.arch === "arm64" ? "filter-aarch64.bpf" : "filter-x86_64.bpf";
  expect(Buffer.from(loadSeccompFilter() as Uint8Array)).toEqual(readFileSync(join(FILTER_DIR, file)));
  expect(loadSeccompFilter()).toBe(loadSeccompFilter());
  expect(loadSeccompFilter("s390x")).toMatch(/^The sandbox has no seccomp filter for this machine's architecture \(s390x\); it has them for x64 and arm64 only/);
});

describe.each<[FilterArch, number]>([
  ["x86_64", AUDIT_ARCH.x86_64],
  ["aarch64", AUDIT_ARCH.aarch64],
])("filter-%s.bpf", (arch, auditArch) => {
  const program = new Uint8Array(readFileSync(join(FILTER_DIR, `filter-${arch}.bpf`)));
  const verdict = (name: SyscallName, args: number[] = []) => {
    const nr = syscallNumber(name, arch);
    if (nr === undefined) throw new Error(`${name} does not exist on ${arch}`);
    return runSeccompBpf(program, { nr, arch: auditArch, args });
  };
  const exists = (name: SyscallName) => syscallNumber(name, arch) !== undefined;

  test("every denied call answers EPERM", () => {
    const calls = FAMILIES.flatMap(([, familyCalls]) => familyCalls).filter((call) => exists(call.name));
    expect(calls.map((call) => [call.name, verdict(call.name, call.args)])).toEqual(calls.map((call) => [call.name, EPERM]));
  });

  test("ordinary calls, ptrace among them, are allowed", () => {
    const names: SyscallName[] = ["read", "write", "openat", "execve", "getpid", "ptrace"];
    expect(names.map((name) => [name, verdict(name)])).toEqual(names.map((name) => [name, SECCOMP_RET.ALLOW]));
  });

  test("unshare and clone: EPERM for every namespace flag, allowed without one; clone3 ENOSYS", () => {
    for (const bit of [...Object.values(NAMESPACE_FLAGS), CLONE_NEWTIME]) expect([bit, verdict("unshare", [bit])]).toEqual([bit, EPERM]);
    for (const bit of Object.values(NAMESPACE_FLAGS)) expect([bit, verdict("clone", [bit | 0x11])]).toEqual([bit, EPERM]);
    // unshare(CLONE_FILES | CLONE_FS | CLONE_SYSVSEM); glibc's fork (SIGCHLD | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID); a pthread.
    expect(verdict("unshare", [0x400 | 0x200 | 0x40000])).toBe(SECCOMP_RET.ALLOW);
    expect(verdict("clone", [0x01200011])).toBe(SECCOMP_RET.ALLOW);
    expect(verdict("clone", [0x003d0f00])).toBe(SECCOMP_RET.ALLOW);
    expect(verdict("clone3", [0, 88])).toBe(ENOSYS);
  });

  test("personality: Docker's values only, judged on all 64 bits", () => {
    for (const value of [0, 0x8, 0x20000, 0x20008, 0xffffffff]) expect([value, verdict("personality", [value])]).toEqual([value, SECCOMP_RET.ALLOW]);
    for (const value of [0x40000, 0x400000, 0x100000, 0x1, 0xfffffff7, 0xfffdffff, 2 ** 32, 2 ** 32 + 0x8]) {
      expect([value, verdict("personality", [value])]).toEqual([value, EPERM]);
    }
  });

  test("a call under another ABI kills the process", () => {
    const foreign = arch === "x86_64" ? AUDIT_ARCH.i386 : AUDIT_ARCH.arm;
    expect(runSeccompBpf(program, { nr: 20, arch: foreign })).toBe(SECCOMP_RET.KILL_PROCESS);
    if (arch === "x86_64") expect(runSeccompBpf(program, { nr: 0x40000000 | 39, arch: auditArch })).toBe(SECCOMP_RET.KILL_PROCESS);
  });
});
