#!/bin/sh
# test_module_hotplug.sh: regionmm across CPU hotplug, on every kernel.
#  - the module registers two CPU-hotplug states, regionmm:online (the
#    once-a-second per-CPU work) and regionmm:dead (drain);
#  - pages and slab objects cached on cpu1 (allocations pinned there with
#    taskset) are handed back when cpu1 goes offline: the allocator and
#    the slab layer validate, and cpu1's pagesets show count 0 when it
#    comes back;
#  - the per-CPU work runs on every online CPU, stops with its CPU and
#    starts again when the CPU comes online (seen with the
#    workqueue_execute_start trace event, and on 6.12 as the decay of
#    cpu1's pcp "high:" back toward its minimum);
#  - a load while cpu1 is offline gives cpu1 its work once it comes up;
#  - offline/online cycles under allocation load, then a clean unload.
# The deferrable work only fires on a CPU that is awake, so a busy loop is
# pinned to a CPU while its work is looked for.
#
# vm-run: --mem 1G --cpus 2
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

CPU1=/sys/devices/system/cpu/cpu1/online
TR=/sys/kernel/debug/tracing
[ -w $CPU1 ] || ktap_skip_all "cpu1 cannot be taken offline (no $CPU1)"
[ -d $TR ] || TR=/sys/kernel/tracing
ktap_plan 20

# "vm stats threshold" of every populated zone of zoneinfo $1 against
# calculate_normal_threshold() worked here for $2 online CPUs:
# min(125, 2 * fls(cpus) * (1 + fls(managed >> 15))); prints mismatches
thresholds_off() {
	awk -v cpus="$2" 'function fls(x,  n) { n = 0; while (x >= 1) { n++; x = int(x / 2) } return n }
	     /^Node/ { z = $2 " " $4 }
	     $1 == "managed" { m = $2 }
	     /vm stats threshold:/ && m > 0 {
		want = 2 * fls(cpus) * (1 + fls(int(m / 32768)))
		if (want > 125) want = 125
		if ($4 != want) print z ": " $4 " != " want }' "$1"
}

# sum of a pageset field ("count:", "high:") of CPU $1 over all zones
pcp_field() {
	awk -v cpu="$1" -v f="$2" '$1 == "cpu:" { c = $2 }
		$1 == f && c == cpu { s += $2; n++ }
		END { if (n) print s; else print "none" }' /proc/regionmm/zoneinfo
}

# busy loop on CPU $1 (keeps it out of idle so deferrable timers fire)
spin_start() {
	taskset "$((1 << $1))" sh -c 'while :; do :; done' &
	SPIN=$!
}
spin_stop() {
	kill "$SPIN" 2>/dev/null
	wait "$SPIN" 2>/dev/null
}

# trace the works: workqueue_execute_start events of rmm_pcp_work_fn
trace_ok=0
if [ -w $TR/events/workqueue/workqueue_execute_start/enable ]; then
	echo 1 > $TR/events/workqueue/workqueue_execute_start/enable && trace_ok=1
fi
trace_clear() { [ $trace_ok = 1 ] && echo > $TR/trace; }
# runs of the work seen on CPU $1 since the last trace_clear
works_on() {
	grep 'rmm_pcp_work_fn' $TR/trace | grep -c "\[$(printf %03d "$1")\]"
}
# wait up to 4 s (CPU $1 kept busy) for its work to run
work_seen() {
	spin_start "$1"
	_i=0
	while [ $_i -lt 8 ] && [ "$(works_on "$1")" -eq 0 ]; do
		usleep 500000
		_i=$((_i + 1))
	done
	spin_stop
	[ "$(works_on "$1")" -gt 0 ]
}

free0=$(rmm_memfree_kb)
if rmm_load borrow=64M; then
	ktap_ok "insmod borrow=64M on $(nproc) CPUs"
else
	ktap_fail "insmod borrow=64M" "$RMM_OUT"
	ktap_finished
fi
ktap_check "CPU-hotplug states regionmm:online and regionmm:dead registered" sh -c '
	grep -q "regionmm:online" /sys/devices/system/cpu/hotplug/states &&
	grep -q "regionmm:dead" /sys/devices/system/cpu/hotplug/states'

trace_clear
if [ $trace_ok = 0 ]; then
	ktap_skip "the work runs on cpu0 and cpu1" "no workqueue trace event"
elif work_seen 0 && work_seen 1; then
	ktap_ok "the work runs on cpu0 and cpu1"
else
	ktap_fail "the work runs on cpu0 and cpu1" "cpu0 $(works_on 0), cpu1 $(works_on 1)"
fi

# fill cpu1's per-CPU lists and slab arrays
high0=$(pcp_field 1 high:)
if taskset 2 rmmctl pattern 3000 0 >/dev/null && taskset 2 slab_ctl kmalloc >/dev/null; then
	ktap_ok "allocations pinned to cpu1 (3000 pages, every kmalloc class)"
else
	ktap_fail "allocations pinned to cpu1"
fi
count1=$(pcp_field 1 count:)
high1=$(pcp_field 1 high:)
ktap_diag "cpu1 pagesets: count $count1, high $high0 -> $high1"
[ "$count1" != none ] && [ "$count1" -gt 0 ] &&
	ktap_ok "cpu1 holds pages on its per-CPU lists ($count1)" ||
	ktap_fail "cpu1 holds pages on its per-CPU lists" "count $count1"

if echo 0 > $CPU1; then
	ktap_ok "cpu1 offline"
else
	ktap_fail "cpu1 offline"
fi
# calculate_normal_threshold() over online CPUs, on both sides
off=$(thresholds_off /proc/zoneinfo 1)
[ -z "$off" ] && ktap_ok "kernel zones: stat thresholds for 1 online CPU" ||
	ktap_fail "kernel zones: stat thresholds for 1 online CPU" \
		"kernel-compat row stat-threshold, kernel $(uname -r): $off"
off=$(thresholds_off /proc/regionmm/zoneinfo 1)
[ -z "$off" ] && ktap_ok "regionmm zones: stat thresholds for 1 online CPU" ||
	ktap_fail "regionmm zones: stat thresholds for 1 online CPU" "$off"
# (from here: the work may run on cpu1 until its down_prep cancels it)
trace_clear
ktap_check "zoneinfo lists no cpu1 pageset while it is offline" \
	test "$(pcp_field 1 count:)" = none
ktap_check "allocator and slab layer validate with cpu1 dead" sh -c '
	rmmctl pattern 64 0 >/dev/null && slab_ctl validate >/dev/null'
sleep 2
if [ $trace_ok = 0 ]; then
	ktap_skip "no work runs on cpu1 while it is offline" "no workqueue trace event"
else
	ktap_check "no work runs on cpu1 while it is offline" test "$(works_on 1)" -eq 0
fi

trace_clear
if echo 1 > $CPU1; then
	ktap_ok "cpu1 online again"
else
	ktap_fail "cpu1 online again"
fi
c=$(pcp_field 1 count:)
[ "$c" = 0 ] && ktap_ok "cpu1 pagesets back with count 0 (drained when it died)" ||
	ktap_fail "cpu1 pagesets back with count 0" "count $c"
if [ $trace_ok = 0 ]; then
	ktap_skip "the work runs on cpu1 again" "no workqueue trace event"
else
	ktap_check "the work runs on cpu1 again" work_seen 1
fi

# 6.12 layouts: pcp high grows with allocations and decays once a second
case $(uname -r) in
6.1.*)
	ktap_skip "cpu1's pcp high decays again" "6.1 layout: pcp high is fixed"
	;;
*)
	taskset 2 rmmctl pattern 3000 0 >/dev/null
	h1=$(pcp_field 1 high:)
	spin_start 1
	sleep 4
	spin_stop
	h2=$(pcp_field 1 high:)
	ktap_diag "cpu1 high: $h1 right after the allocations, $h2 4 s later"
	[ "$h2" -lt "$h1" ] && ktap_ok "cpu1's pcp high decays again ($h1 -> $h2)" ||
		ktap_fail "cpu1's pcp high decays again" "$h1 -> $h2"
	;;
esac

# load while cpu1 is offline: cpu1 gets its work when it comes up
ok=1
echo 0 > $CPU1 || ok=0
rmm_unload || { ok=0; ktap_diag "rmmod with cpu1 offline: $RMM_OUT"; }
rmm_load borrow=64M || { ok=0; ktap_diag "insmod with cpu1 offline: $RMM_OUT"; }
trace_clear
echo 1 > $CPU1 || ok=0
if [ $ok = 0 ]; then
	ktap_fail "unload and load with cpu1 offline, then online"
elif [ $trace_ok = 0 ]; then
	ktap_skip "unload and load with cpu1 offline, then online: cpu1 has its work" \
		"no workqueue trace event"
elif work_seen 1; then
	ktap_ok "unload and load with cpu1 offline, then online: cpu1 has its work"
else
	ktap_fail "unload and load with cpu1 offline, then online: cpu1 has its work"
fi

# hotplug under load
rmmctl hold 0 256 >/dev/null &
hold=$!
ok=1
for i in 1 2 3; do
	taskset 2 rmmctl pattern 500 0 >/dev/null || ok=0
	echo 0 > $CPU1 || ok=0
	rmmctl pattern 200 1 >/dev/null || ok=0
	echo 1 > $CPU1 || ok=0
done
kill $hold
wait $hold 2>/dev/null
[ $ok = 1 ] && ktap_ok "three offline/online cycles with allocations on both CPUs" ||
	ktap_fail "three offline/online cycles with allocations on both CPUs"
ktap_check "allocator and slab layer validate afterwards" sh -c '
	rmmctl pattern 64 0 >/dev/null && slab_ctl validate >/dev/null'

[ $trace_ok = 1 ] && echo 0 > $TR/events/workqueue/workqueue_execute_start/enable
ktap_check "rmmod" rmm_unload
sleep 2
free1=$(rmm_memfree_kb)
ktap_diag "kernel free $free0 -> $free1 kB"
[ $((free0 - free1)) -lt 8192 ] && rmm_untouched &&
	! grep -q regionmm /sys/devices/system/cpu/hotplug/states &&
	ktap_ok "unload returns the memory, removes the hotplug states, leaves nothing" ||
	ktap_fail "unload leaves nothing" "free $free0 -> $free1 kB; $(grep regionmm /sys/devices/system/cpu/hotplug/states)"
ktap_finished
