import { readFileSync } from "node:fs";

/**
 * The seccomp filter each architecture's sandbox runs under, as the file seccomp/ holds for it.
 * Written by seccomp/generate-filters.py (libseccomp), which says what it denies and why.
 */
const FILTER_FILES: Record<string, string> = {
  x64: "filter-x86_64.bpf",
  arm64: "filter-aarch64.bpf",
};

const loaded = new Map<string, Uint8Array | string>();

/**
 * The compiled filter (classic BPF, what `bwrap --seccomp` reads) for `arch`, or the problem in
 * words when there is none: then the sandbox does not run. Read once per process.
 */
export function loadSeccompFilter(arch: string = process.arch): Uint8Array | string {
  let filter = loaded.get(arch);
  if (filter === undefined) {
    filter = readFilter(arch);
    loaded.set(arch, filter);
  }
  return filter;
}

function readFilter(arch: string): Uint8Array | string {
  const file = FILTER_FILES[arch];
  if (file === undefined) {
    return (
      `The sandbox has no seccomp filter for this machine's architecture (${arch}); it has them for ` +
      `${Object.keys(FILTER_FILES).join(" and ")} only, so no command runs. Add the architecture to ` +
      "src/sandbox/seccomp/generate-filters.py and to FILTER_FILES in src/sandbox/seccomp-filter.ts."
    );
  }
  // Beside this module in src/ (tests) and in dist/ (npm run build copies the files there).
  const url = new URL(`./seccomp/${file}`, import.meta.url);
  try {
    return new Uint8Array(readFileSync(url));
  } catch (error) {
    return `The sandbox's seccomp filter ${url.pathname} cannot be read (${error instanceof Error ? error.message : String(error)}), so no command runs. Run \`npm run build\` again.`;
  }
}
