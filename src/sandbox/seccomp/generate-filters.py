#!/usr/bin/python3
"""Writes the seccomp filters bubblewrap applies to every sandbox (bwrap --seccomp FD).

Run with Debian's python3 and python3-seccomp (libseccomp 2.5.4, Debian 12):

    /usr/bin/python3 src/sandbox/seccomp/generate-filters.py [OUT_DIR]

It writes filter-<arch>.bpf (the classic BPF program, as seccomp_export_bpf writes it, which is
what bwrap loads) and filter-<arch>.pfc (the same filter as libseccomp's readable pseudo code,
for review) for x86_64 and aarch64 into OUT_DIR, by default this script's own directory. The
files are checked in; test/sandbox/seccomp-filter-files.test.ts runs this script again and fails
if they differ, so commit what it writes after any change here. Another libseccomp version may
lay out the same filter differently: regenerate on Debian 12.

The filter is a deny list on top of the sandbox's other walls (no capabilities, its own user,
pid, mount and network namespaces, no nested user namespaces): everything is allowed except
kernel interfaces a build or test run has no use for and that are where container escapes and
kernel exploits come from. Denied calls fail with EPERM, as if the caller lacked the privilege
(which it does), so programs that probe for them take their fallback; clone3 fails with ENOSYS.
"""

import errno
import os
import sys

import seccomp
from seccomp import ERRNO, KILL_PROCESS, MASKED_EQ, GT, Arch, Arg, Attr, SyscallFilter

ARCHES = {"x86_64": Arch.X86_64, "aarch64": Arch.AARCH64}

# Denied outright, by family. Names missing on an architecture (umount, vm86 and stime exist only
# on 32-bit ABIs) are skipped for it.
DENIED = {
    "kernel code and reboot": [
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
        "create_module", "get_kernel_syms", "query_module", "reboot",
    ],
    "mounts and the root": [
        "mount", "umount", "umount2", "pivot_root", "chroot",
        # The new mount API (Linux 5.2+): mounts built from file descriptors.
        "fsopen", "fsconfig", "fsmount", "fspick", "open_tree", "move_mount", "mount_setattr",
    ],
    # Joining another namespace; creating one is handled below (unshare, clone, clone3).
    "namespaces": ["setns"],
    # The kernel keyring is not namespaced: keys would be shared with the host's user.
    "keyrings": ["keyctl", "add_key", "request_key"],
    # Large, fast-moving kernel attack surfaces (Docker and Google deny them to containers too).
    "kernel attack surface": [
        "io_uring_setup", "io_uring_enter", "io_uring_register",
        "bpf", "perf_event_open", "userfaultfd", "lookup_dcookie", "fanotify_init",
    ],
    # open_by_handle_at opens any file on a mounted filesystem by its handle, past every mount
    # over it: the classic container escape ("shocker", 2014).
    "file handles": ["open_by_handle_at", "name_to_handle_at"],
    "host administration": [
        "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog", "vhangup",
        "nfsservctl", "uselib", "_sysctl",
    ],
    "clocks": ["settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime"],
    "raw hardware access": ["iopl", "ioperm", "vm86", "vm86old"],
}

# Every CLONE_NEW* flag. CLONE_NEWTIME (0x80) only means a namespace to unshare and clone3; in
# clone's flags that bit belongs to the exit signal (CSIGNAL), so clone is checked without it.
CLONE_NEW = {
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
CLONE_NEWTIME = 0x00000080

# The flags are clone's first argument on both x86_64 and aarch64; the two differ only in the
# order of the last two (child_tid and tls). (s390 is the odd one out, with the stack first.)
CLONE_FLAGS_ARG = 0

# personality values Docker's default profile allows: PER_LINUX, PER_LINUX32, UNAME26,
# UNAME26|PER_LINUX32 and the 0xffffffff query. Anything else (ADDR_NO_RANDOMIZE,
# READ_IMPLIES_EXEC, MMAP_PAGE_ZERO, other execution domains) weakens exploit mitigations.
PERSONALITY_ALLOWED_BITS = [3, 17]  # PER_LINUX32 (0x8), UNAME26 (0x20000)
PERSONALITY_QUERY = 0xFFFFFFFF

# ptrace stays allowed (as in Docker on kernels from 4.8): the sandbox is a pid namespace of its
# own, so it can only name its own processes, which already run with its identity and no
# capabilities, and since 4.8 the kernel runs seccomp again after a tracer changes a system call,
# so tracing cannot step around this filter. gdb, strace and sanitizers in a repository's tests
# need it. process_vm_readv/writev and kcmp reach the same processes and stay allowed with it.

# A call under another ABI (i386's `int 0x80`, x32's syscall numbers on x86_64, 32-bit arm on
# aarch64) would meet none of the rules below, which are written for the native numbers: it kills
# the process. libseccomp checks the architecture first and, on x86_64, sends numbers with the x32
# bit to the same action. Killing rather than an error: no program in the sandbox has a reason to
# make such a call, and an error is something an exploit could probe and go on from.
FOREIGN_ABI_ACTION = KILL_PROCESS


def build_filter(arch):
    f = SyscallFilter(defaction=seccomp.ALLOW)
    f.remove_arch(Arch.NATIVE)
    f.add_arch(arch)
    f.set_attr(Attr.ACT_BADARCH, FOREIGN_ABI_ACTION)
    # A binary tree over syscall numbers: an allowed call passes about log2(rules) comparisons
    # instead of one per rule.
    f.set_attr(Attr.CTL_OPTIMIZE, 2)
    eperm = ERRNO(errno.EPERM)
    for names in DENIED.values():
        for name in names:
            if exists(arch, name):
                f.add_rule(eperm, name)
    # unshare and clone: refused when asked for any new namespace; a plain fork, a thread or
    # unshare(CLONE_FILES) still work. A rule is an AND of comparisons and rules are ORed, so
    # "any of these bits" is one rule per bit.
    for bit in [*CLONE_NEW.values(), CLONE_NEWTIME]:
        f.add_rule(eperm, "unshare", Arg(0, MASKED_EQ, bit, bit))
    for bit in CLONE_NEW.values():
        f.add_rule(eperm, "clone", Arg(CLONE_FLAGS_ARG, MASKED_EQ, bit, bit))
    # clone3 takes its flags in a struct in memory, which a seccomp filter cannot read. ENOSYS
    # makes glibc (2.34+) fall back to clone, whose flags are checked above: what Docker and
    # Podman do.
    f.add_rule(ERRNO(errno.ENOSYS), "clone3")
    for arg in personality_denials():
        f.add_rule(eperm, "personality", arg)
    return f


def personality_denials():
    """One comparison per rule, together matching every value but the allowed ones.

    libseccomp allows one comparison per argument in a rule and no ALLOW rule under a default
    ALLOW, so "none of these five values" is spelled out: above 32 bits; or some other bit set
    with its neighbour (in a cycle over the other 30 bits) clear; or all 30 set with bit 3 or 17
    clear. Only 0xffffffff has every bit set, and the allowed values have no other bit set.
    """
    return [Arg(0, GT, PERSONALITY_QUERY)] + [Arg(0, MASKED_EQ, mask, want) for mask, want in personality_masks()]


def personality_masks():
    others = [bit for bit in range(32) if bit not in PERSONALITY_ALLOWED_BITS]
    pairs = [(bit, others[(i + 1) % len(others)]) for i, bit in enumerate(others)]
    pairs += [(others[0], allowed) for allowed in PERSONALITY_ALLOWED_BITS]
    return [((1 << set_bit) | (1 << clear_bit), 1 << set_bit) for set_bit, clear_bit in pairs]


def check_personality_rules():
    """Proves the rules above on every one-bit change of the allowed values and known flags."""
    allowed = {0x0, 0x8, 0x20000, 0x20008, PERSONALITY_QUERY}
    samples = set(allowed)
    for value in allowed:
        samples |= {value ^ (1 << bit) for bit in range(40)}
    samples |= {0x0040000, 0x0400000, 0x0100000, 0xFFFDFFF7, 0xFFFFFFFF_FFFFFFFF}
    for value in samples:
        denied = value > PERSONALITY_QUERY or any(value & mask == want for mask, want in personality_masks())
        if denied == (value in allowed):
            sys.exit(f"personality rules are wrong for {value:#x}")


def exists(arch, name):
    try:
        return seccomp.resolve_syscall(arch, name) >= 0
    except ValueError:
        return False


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    check_personality_rules()
    for name, arch in ARCHES.items():
        f = build_filter(arch)
        with open(os.path.join(out_dir, f"filter-{name}.bpf"), "wb") as bpf:
            f.export_bpf(bpf)
        with open(os.path.join(out_dir, f"filter-{name}.pfc"), "w") as pfc:
            f.export_pfc(pfc)


if __name__ == "__main__":
    main()
