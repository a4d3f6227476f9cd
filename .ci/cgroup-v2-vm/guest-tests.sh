#!/bin/bash
# guest-tests.sh <repo> [jest args…] — run in the cgroup v2 guest (run-vm.sh): puts the test run in
# a cgroup of its own below the root, as a systemd service with Delegate=yes would be, so the
# sandbox's v2 code meets the "no internal processes" rule, then runs jest on the read-only checkout.
set -euo pipefail
repo=$1; shift
cd "$repo"
export PATH="$repo/node_modules/node/bin:$PATH"
# devtmpfs makes /dev/net/tun 0600; the setup phase's slirp4netns runs as the sandbox user (.ci/run does the same on the host).
chmod 0666 /dev/net/tun
cg=/sys/fs/cgroup
echo "+memory +pids" > $cg/cgroup.subtree_control
mkdir -p $cg/codex-ci
echo $$ > $cg/codex-ci/cgroup.procs
echo "guest-tests: cgroup $(cut -d: -f3 /proc/self/cgroup), controllers: $(cat $cg/codex-ci/cgroup.controllers)"
t0=$(date +%s)
export CODEX_TEST_CGROUP_V2=1
# The guest emulates its CPU: every test bound grows by this factor (test/helpers/time-scale.ts).
export CODEX_TEST_TIME_SCALE=6
set +e
node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js \
  --ci --cacheDirectory /tmp/jest-cache "$@" 2>&1
rc=$?
echo "guest-tests: jest exited $rc after $(( $(date +%s) - t0 ))s"
exit $rc
