// The calls the seccomp filter denies, by family, with arguments for a raw call: shared by the
// threat test (a real sandbox) and the filter-program test. `witness`: the kernel rejects these
// arguments before any privilege check, so without the filter the answer is not EPERM.
import type { SyscallName } from "./syscall-numbers.js";

export interface Call {
  name: SyscallName;
  /** How the call is reported, when one system call is made several ways. */
  label?: string;
  args: number[];
  witness?: boolean;
}

/** A pointer the kernel cannot read (EFAULT when it copies from it). */
const BAD_POINTER = 1;
/** -1 as a 32-bit descriptor (EBADF). */
const NO_FD = 0xffffffff;
/** Flags no call defines (EINVAL where flags are checked first). */
const BAD_FLAGS = 0xffffffff;

const call = (name: SyscallName, args: number[], witness = false): Call => ({ name, args, witness });

export const FAMILIES: [string, Call[]][] = [
  [
    "the kernel's code and reboot",
    [
      call("kexec_load", [0, 0, 0, 0xdeadbeef]),
      call("kexec_file_load", [NO_FD, NO_FD, 0, 0, 0xdeadbeef]),
      call("init_module", [BAD_POINTER, 0, BAD_POINTER]),
      call("finit_module", [NO_FD, BAD_POINTER, 0]),
      call("delete_module", [BAD_POINTER, 0]),
      // Removed from Linux long ago: without the filter, ENOSYS.
      call("create_module", [BAD_POINTER, 0], true),
      call("get_kernel_syms", [BAD_POINTER], true),
      call("query_module", [BAD_POINTER, 0, 0, 0, 0], true),
      // No valid magic numbers: without the filter (and with CAP_SYS_BOOT) EINVAL.
      call("reboot", [0, 0, 0, 0]),
    ],
  ],
  [
    "mounts and the root",
    [
      call("mount", [BAD_POINTER, BAD_POINTER, BAD_POINTER, 0, 0], true),
      call("umount2", [BAD_POINTER, 0x80000000], true),
      call("pivot_root", [BAD_POINTER, BAD_POINTER]),
      call("chroot", [BAD_POINTER], true),
      call("fsopen", [BAD_POINTER, BAD_FLAGS]),
      call("fsconfig", [NO_FD, 0xffff, 0, 0, 0], true),
      call("fsmount", [NO_FD, BAD_FLAGS, 0]),
      call("fspick", [NO_FD, BAD_POINTER, BAD_FLAGS]),
      call("open_tree", [NO_FD, BAD_POINTER, BAD_FLAGS], true),
      call("move_mount", [NO_FD, BAD_POINTER, NO_FD, BAD_POINTER, BAD_FLAGS]),
      call("mount_setattr", [NO_FD, BAD_POINTER, BAD_FLAGS, 0, 0], true),
    ],
  ],
  ["joining a namespace", [call("setns", [NO_FD, 0], true)]],
  [
    "keyrings",
    [call("keyctl", [99999, 0, 0, 0, 0], true), call("add_key", [BAD_POINTER, BAD_POINTER, 0, 0, 0], true), call("request_key", [BAD_POINTER, BAD_POINTER, 0, 0], true)],
  ],
  [
    "io_uring, bpf, perf events, userfaultfd, fanotify",
    [
      call("io_uring_setup", [0, BAD_POINTER]),
      call("io_uring_enter", [NO_FD, 0, 0, 0, 0, 0], true),
      call("io_uring_register", [NO_FD, 0, 0, 0], true),
      call("bpf", [99999, 0, 0]),
      call("perf_event_open", [BAD_POINTER, 0, NO_FD, NO_FD, 0], true),
      call("userfaultfd", [BAD_FLAGS]),
      call("lookup_dcookie", [0, BAD_POINTER, 0]),
      call("fanotify_init", [BAD_FLAGS, 0]),
    ],
  ],
  [
    "file handles (open_by_handle_at escapes)",
    [call("open_by_handle_at", [NO_FD, BAD_POINTER, 0]), call("name_to_handle_at", [NO_FD, BAD_POINTER, BAD_POINTER, BAD_POINTER, BAD_FLAGS], true)],
  ],
  [
    "host administration",
    [
      call("swapon", [BAD_POINTER, 0]),
      call("swapoff", [BAD_POINTER]),
      call("acct", [BAD_POINTER]),
      call("quotactl", [99, BAD_POINTER, 0, 0], true),
      call("quotactl_fd", [NO_FD, 0, 0, 0], true),
      call("syslog", [9999, 0, 0]),
      call("vhangup", []),
      call("nfsservctl", [0, 0, 0], true),
      call("uselib", [BAD_POINTER], true),
      call("_sysctl", [BAD_POINTER], true),
    ],
  ],
  [
    "setting the clocks",
    [
      call("settimeofday", [BAD_POINTER, 0], true),
      call("clock_settime", [99999, BAD_POINTER], true),
      call("clock_adjtime", [99999, BAD_POINTER], true),
      call("adjtimex", [BAD_POINTER], true),
    ],
  ],
  // x86_64 only: without the filter EINVAL, or ENOSYS on kernels built without them.
  ["raw I/O ports", [call("iopl", [99], true), call("ioperm", [0, 999999, 1], true)]],
];

/** Every CLONE_NEW* flag; CLONE_NEWTIME only means a namespace to unshare (and clone3). */
export const NAMESPACE_FLAGS = {
  CLONE_NEWNS: 0x00020000,
  CLONE_NEWCGROUP: 0x02000000,
  CLONE_NEWUTS: 0x04000000,
  CLONE_NEWIPC: 0x08000000,
  CLONE_NEWUSER: 0x10000000,
  CLONE_NEWPID: 0x20000000,
  CLONE_NEWNET: 0x40000000,
};
export const CLONE_NEWTIME = 0x80;
