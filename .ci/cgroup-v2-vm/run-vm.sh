#!/bin/bash
# run-vm.sh 'command'  — runs a bash command in a QEMU guest (TCG by default; set VM_ACCEL for KVM) with Debian's kernel, cgroup v2 only,
# the host's / shared read-only. Prints the guest's console; exits with the command's exit code.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mem=${VM_MEM:-2048}
timeout_s=${VM_TIMEOUT:-2700}
results=$(mktemp -d /tmp/cgroup-v2-vm-run.XXXXXX)
trap 'rm -rf "$results"' EXIT
printf '%s\n' "$1" > "$results/cmd"
# The checkout is shared on its own and mounted at the same path in the guest: the guest's /tmp is
# a tmpfs of its own, which would hide a checkout under the host's /tmp (as CI's fresh clones are).
repo=${VM_REPO:-$(cd "$here/../.." && pwd)}
printf '%s\n' "$repo" > "$results/repo"
start=$(date +%s.%N)
set +e
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
  ${VM_ACCEL:--accel tcg,thread=multi -cpu max} -m "$mem" -smp 2 \
  -nographic -no-reboot -nic none \
  -kernel "$here/kernel/vmlinuz" -initrd "$here/kernel/initramfs.cpio.gz" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs local,path="$results",mount_tag=results,security_model=none \
  -virtfs local,path="$repo",mount_tag=repo,security_model=none,readonly=on,multidevs=remap
qrc=$?
set -e
end=$(date +%s.%N)
echo "run-vm: qemu exited $qrc after $(awk "BEGIN{printf \"%.1f\", $end - $start}")s" >&2
if [ -f "$results/rc" ]; then exit "$(cat "$results/rc")"; fi
echo "run-vm: the guest wrote no exit code" >&2
exit 125
