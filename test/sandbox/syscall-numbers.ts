// System call numbers for the two architectures the sandbox has seccomp filters for, copied from
// Linux's headers (x86_64: asm/unistd_64.h; aarch64: asm-generic/unistd.h) rather than taken from
// libseccomp, so that a test checks the filter against the kernel's numbering, not its own.
// undefined: the call does not exist on that architecture.

export type FilterArch = "x86_64" | "aarch64";

const NUMBERS = {
  // The kernel's own code, and reboot.
  kexec_load: [246, 104],
  kexec_file_load: [320, 294],
  init_module: [175, 105],
  finit_module: [313, 273],
  delete_module: [176, 106],
  create_module: [174, undefined],
  get_kernel_syms: [177, undefined],
  query_module: [178, undefined],
  reboot: [169, 142],
  // Mounts and the root.
  mount: [165, 40],
  umount2: [166, 39],
  pivot_root: [155, 41],
  chroot: [161, 51],
  fsopen: [430, 430],
  fsconfig: [431, 431],
  fsmount: [432, 432],
  fspick: [433, 433],
  open_tree: [428, 428],
  move_mount: [429, 429],
  mount_setattr: [442, 442],
  // Namespaces.
  setns: [308, 268],
  unshare: [272, 97],
  clone: [56, 220],
  clone3: [435, 435],
  // Keyrings.
  keyctl: [250, 219],
  add_key: [248, 217],
  request_key: [249, 218],
  // Kernel attack surface.
  io_uring_setup: [425, 425],
  io_uring_enter: [426, 426],
  io_uring_register: [427, 427],
  bpf: [321, 280],
  perf_event_open: [298, 241],
  userfaultfd: [323, 282],
  lookup_dcookie: [212, 18],
  fanotify_init: [300, 262],
  // File handles.
  open_by_handle_at: [304, 265],
  name_to_handle_at: [303, 264],
  // Host administration.
  swapon: [167, 224],
  swapoff: [168, 225],
  acct: [163, 89],
  quotactl: [179, 60],
  quotactl_fd: [443, 443],
  syslog: [103, 116],
  vhangup: [153, 58],
  nfsservctl: [180, 42],
  uselib: [134, undefined],
  _sysctl: [156, undefined],
  // Clocks.
  settimeofday: [164, 170],
  clock_settime: [227, 112],
  clock_adjtime: [305, 266],
  adjtimex: [159, 171],
  // Raw hardware access.
  iopl: [172, undefined],
  ioperm: [173, undefined],
  // Allowed.
  personality: [135, 92],
  read: [0, 63],
  write: [1, 64],
  openat: [257, 56],
  execve: [59, 221],
  getpid: [39, 172],
  ptrace: [101, 117],
} satisfies Record<string, [number, number | undefined]>;

export type SyscallName = keyof typeof NUMBERS;

/** The number of `name` on `arch`, or undefined where it does not exist. */
export function syscallNumber(name: SyscallName, arch: FilterArch): number | undefined {
  return NUMBERS[name][arch === "x86_64" ? 0 : 1];
}

/** The filter architecture of this machine. */
export function hostFilterArch(): FilterArch {
  if (process.arch === "x64") return "x86_64";
  if (process.arch === "arm64") return "aarch64";
  throw new Error(`no seccomp filter for ${process.arch}`);
}
