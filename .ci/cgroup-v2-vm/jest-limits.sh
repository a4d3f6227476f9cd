cd /work/main
echo "+memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
t0=$(date +%s)
node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js --ci test/sandbox/threats/06-limits.test.ts 2>&1
rc=$?
echo "jest exited $rc after $(( $(date +%s) - t0 ))s"
exit $rc
