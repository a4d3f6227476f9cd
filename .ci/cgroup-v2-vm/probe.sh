set -x
t0=$(date +%s.%N)
cd /sys/fs/cgroup
echo "+memory +pids" > cgroup.subtree_control; cat cgroup.subtree_control
mkdir -p probe && cd probe
echo $((256*1024*1024)) > memory.max && echo 0 > memory.swap.max && echo 64 > pids.max
cat memory.max memory.swap.max pids.max
ls memory.events pids.events cgroup.kill
sh -c 'echo $$ > /sys/fs/cgroup/probe/cgroup.procs; exec sleep 1000' & sleep 1
cat cgroup.procs
echo 1 > cgroup.kill; sleep 0.5
echo "procs after kill: [$(cat cgroup.procs)]"; wait
sh -c 'echo $$ > /sys/fs/cgroup/probe/cgroup.procs; for i in $(seq 100); do sleep 5 & done; wait' 2>&1 | tail -1
cat pids.events
sh -c 'echo $$ > /sys/fs/cgroup/probe/cgroup.procs; s=$(head -c 400000000 /dev/zero | tr "\0" x); echo ${#s}'; echo "rc=$?"
cat memory.events
cd / && rmdir /sys/fs/cgroup/probe 2>&1 || { echo 1 > /sys/fs/cgroup/probe/cgroup.kill; sleep 1; rmdir /sys/fs/cgroup/probe; }
bwrap --version
bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp true; echo "bwrap root rc=$?"
setpriv --reuid=65534 --regid=65534 --clear-groups bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev true; echo "bwrap nobody rc=$?"
node --version
t1=$(date +%s.%N); echo "probe took $(awk "BEGIN{print $t1-$t0}")s"
