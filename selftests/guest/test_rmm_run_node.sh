#!/bin/sh
# test_rmm_run_node.sh: rmm-run --node N puts a program's memory on
# regionmm node N.  Two guest NUMA nodes, a 128 MiB region on each; python3
# builds 200000 strings (some 30 MB of heap) under `rmm-run --node 1`,
# then under `--node 0`.  While it holds them, the free pages of the chosen
# node (the sum of "pages free" of its zones in /proc/regionmm/zoneinfo)
# have dropped by at least 4096 (16 MiB) and the other node's by less than
# 256 (what the kernel-side bookkeeping of other processes may take); the
# process is in /proc/regionmm/tasks; afterwards every page is back
# (after a drain of the per-CPU lists, at least as many free as before).
#
# vm-run: --mem 2G --cpus 2 --numa 2 --append memmap=128M$0x30000000 --append memmap=128M$0x70000000
# vm-run: --add build/rmm/guest/usr:/usr --bin /usr/bin/python3 --env PYTHONHOME=/usr
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

REGION=128M@0x30000000,128M@0x70000000
T=/tmp/rmm_run_node
mkdir -p $T

ktap_plan 8

# node_free N: free pages of regionmm node N (all its zones)
node_free() {
	awk -v n="$1" '$1 == "Node" { sub(",", "", $2); cur = $2 }
		$1 == "pages" && $2 == "free" && cur == n { s += $3 }
		END { print s + 0 }' /proc/regionmm/zoneinfo
}

# run_on NODE: python3 under rmm-run --node NODE; holds its strings until
# told, so the per-node counts can be read meanwhile
run_on() {
	node=$1 other=$((1 - $1))
	rm -f $T/ready $T/go
	a0=$(node_free "$node")
	b0=$(node_free "$other")
	rmm-run --node "$node" -- python3 -S -c '
import os, time
x = [str(i) * 16 for i in range(200000)]
open("'$T'/ready", "w").close()
while not os.path.exists("'$T'/go"):
	time.sleep(0.1)
print(len(x))' >$T/out 2>&1 &
	pid=$!
	i=0
	while [ ! -e $T/ready ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	a1=$(node_free "$node")
	b1=$(node_free "$other")
	rss=$(awk -v p="$pid" 'NR > 1 { gsub(/[][]/, " "); if ($1 == p) print $2 }' /proc/regionmm/tasks)
	touch $T/go
	wait $pid
	rc=$?
	da=$((a0 - a1))
	db=$((b0 - b1))
	if [ $rc = 0 ] && [ "$(cat $T/out)" = 200000 ] && [ $da -ge 4096 ] &&
	   [ $db -lt 256 ]; then
		ktap_ok "--node $node: node $node gave $da pages, node $other $db"
	else
		ktap_fail "--node $node: memory from node $node" \
			"exit $rc, out '$(cat $T/out)', node $node -$da, node $other -$db"
	fi
	[ -n "$rss" ] && [ "$rss" -ge 4096 ] &&
		ktap_ok "--node $node: in /proc/regionmm/tasks ($rss pages)" ||
		ktap_fail "--node $node: in /proc/regionmm/tasks" "rss '$rss'"
}

if rmm_load "region=$REGION"; then
	ktap_ok "insmod regionmm.ko region=$REGION"
else
	ktap_fail "insmod regionmm.ko region=$REGION" "$RMM_OUT"
	ktap_finished
fi
n=$(awk '$1 == "Node" { sub(",", "", $2); if (!($2 in s)) { s[$2]; c++ } } END { print c + 0 }' /proc/regionmm/zoneinfo)
[ "$n" = 2 ] && ktap_ok "two regionmm nodes" || ktap_fail "two regionmm nodes" "$n"

free0=$(($(node_free 0) + $(node_free 1)))
run_on 1
run_on 0

rmm_drain || echo "rmm_drain failed" >&2
f=$(($(node_free 0) + $(node_free 1)))
[ "$f" -ge "$free0" ] &&
	ktap_ok "every page back ($free0 -> $f free after a drain)" ||
	ktap_fail "every page back" "$free0 -> $f"
if rmm_unload; then
	ktap_ok "rmmod regionmm"
else
	ktap_fail "rmmod regionmm" "$RMM_OUT"
fi
ktap_finished
