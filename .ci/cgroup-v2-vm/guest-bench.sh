#!/bin/bash
# guest-bench.sh <repo> [baseline dir] — run in the cgroup v2 guest (run-vm.sh) by
# `BENCH_CGROUP_V2_VM=1 npm run bench`: the bench's sandbox section from the host-built dist/, in a
# cgroup of its own below the root as guest-tests.sh does (so the sandbox's v2 code meets the
# "no internal processes" rule). The checkout is read-only here; the bench writes only to /tmp.
set -euo pipefail
repo=$1
baseline=${2:-}
cd "$repo"
export PATH="$repo/node_modules/node/bin:$PATH"
cg=/sys/fs/cgroup
echo "+memory +pids" > $cg/cgroup.subtree_control
mkdir -p $cg/codex-bench
echo $$ > $cg/codex-bench/cgroup.procs
echo "guest-bench: cgroup $(cut -d: -f3 /proc/self/cgroup), controllers: $(cat $cg/codex-bench/cgroup.controllers)"
export BENCH_ONLY=sandbox BENCH_IN_CGROUP_V2_VM=1 BENCH_SANDBOX_BASELINE_DIR="$baseline"
exec node dist/cli/bench/index.js
