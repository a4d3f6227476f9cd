import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import type { MachineFigures } from "./sandbox-figures.js";

/** The line on which the guest hands its figures back over the serial console. */
export const GUEST_FIGURES_MARKER = "codex-bench-guest-figures ";

const VM_DIR = [".ci", "cgroup-v2-vm"];

/**
 * Runs the sandbox section in the cgroup v2 guest (.ci/cgroup-v2-vm, QEMU under TCG) from this
 * checkout's dist/, with the baseline tree built on the host, and returns the guest's figures,
 * or the problem in words.
 */
export async function measureInCgroupV2Vm(repoRoot: string, baselineDir: string | undefined): Promise<MachineFigures | string> {
  const vmDir = join(repoRoot, ...VM_DIR);
  if (!existsSync(join(vmDir, "kernel", "vmlinuz"))) return `no guest kernel in ${join(vmDir, "kernel")}: run ${join(vmDir, "build-initramfs.sh")} first (see its README.md)`;
  const command = ["bash", join(vmDir, "guest-bench.sh"), repoRoot, baselineDir ?? ""].map(shellQuote).join(" ");
  const vm = await execa(join(vmDir, "run-vm.sh"), [command], { all: true, reject: false });
  const lines = (vm.all ?? "").split(/\r?\n/);
  const line = lines.find((l) => l.startsWith(GUEST_FIGURES_MARKER));
  if (line === undefined) return `the guest gave no figures (run-vm.sh exit ${vm.exitCode}):\n${lines.slice(-15).join("\n")}`;
  try {
    return JSON.parse(line.slice(GUEST_FIGURES_MARKER.length)) as MachineFigures;
  } catch (error) {
    // The serial console carries the kernel's messages too; one may have landed inside the line.
    return `the guest's figures did not parse (${String(error)}): ${line}`;
  }
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
