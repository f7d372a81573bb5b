#!/bin/sh
# test_module_load.sh: regionmm loads with no parameters (borrow= default)
# on every kernel, creates its files with the kernel's modes, hands the
# borrowed memory back on unload (MemFree returns, nothing leaks), refuses
# to unload while /dev/regionmm holds pages, and borrow=/movablecore= work.
#
# vm-run: --mem 1G --cpus 2
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 14

free0=$(rmm_memfree_kb)
if rmm_load; then
	ktap_ok "bare insmod regionmm.ko (default borrow=)"
else
	ktap_fail "bare insmod regionmm.ko (default borrow=)" "$RMM_OUT"
	dmesg | tail -20
	ktap_finished
fi
free1=$(rmm_memfree_kb)
ktap_diag "$(dmesg | grep 'regionmm:' | tail -3 | tr '\n' ' ')"

modes_ok=1
for f in zoneinfo:-r--r--r-- buddyinfo:-r--r--r-- vmstat:-r--r--r-- \
	 meminfo:-r--r--r-- pagetypeinfo:-r--------; do
	name=${f%%:*} mode=${f#*:}
	got=$(ls -l "/proc/regionmm/$name" 2>/dev/null | cut -c1-10)
	[ "$got" = "$mode" ] || { modes_ok=0; ktap_diag "$name: mode $got, want $mode"; }
done
[ $modes_ok = 1 ] && ktap_ok "/proc/regionmm files with the kernel's modes" ||
	ktap_fail "/proc/regionmm files with the kernel's modes"

ktap_check "/dev/regionmm is crw------- root" \
	sh -c 'ls -l /dev/regionmm | grep -q "^crw------- *1 root"'

ktap_check "/proc/sys/regionmm has the five tunables" sh -c '
	for t in min_free_kbytes watermark_scale_factor watermark_boost_factor \
		lowmem_reserve_ratio percpu_pagelist_high_fraction; do
		test -f /proc/sys/regionmm/$t || exit 1
	done'

total=$(awk '/^MemTotal:/ { print $2 }' /proc/regionmm/meminfo)
meta=$(awk '/^Metadata:/ { print $2 }' /proc/regionmm/meminfo)
ktap_diag "regionmm MemTotal $total kB, Metadata $meta kB; kernel MemFree $free0 -> $free1 kB"
if [ -n "$total" ] && [ "$total" -gt 16384 ] && [ -n "$meta" ] && [ "$meta" -gt 0 ]; then
	ktap_ok "meminfo: MemTotal and Metadata lines"
else
	ktap_fail "meminfo: MemTotal and Metadata lines" "MemTotal=$total Metadata=$meta"
fi


ktap_check "RMM_IOC_INFO: one node, managed pages match meminfo" sh -c "
	rmmctl info > /tmp/info && grep -q '^nr_nodes=1$' /tmp/info &&
	grep -q '^managed_pages=$((total / 4))$' /tmp/info"

if dmesg | grep regionmm | grep -qE 'ffff[0-9a-f]{12}' ||
   cat /proc/regionmm/* | grep -qE 'ffff[0-9a-f]{12}'; then
	ktap_fail "no kernel addresses in the files or the log"
else
	ktap_ok "no kernel addresses in the files or the log"
fi

rmmctl hold 0 64 > /tmp/hold.out &
hold=$!
sleep 1
if rmm_unload; then
	ktap_fail "rmmod refused while /dev/regionmm holds pages" "rmmod succeeded"
	rmm_load
else
	ktap_ok "rmmod refused while /dev/regionmm holds pages ($RMM_OUT)"
fi
kill $hold
wait $hold 2>/dev/null

if rmm_unload; then
	ktap_ok "rmmod after the holder exited"
else
	ktap_fail "rmmod after the holder exited" "$RMM_OUT"
fi
free2=$(rmm_memfree_kb)
ktap_diag "MemFree after unload: $free2 kB (before load: $free0 kB, loaded: $free1 kB)"
# (rmm_memfree_kb counts the kernel's per-CPU lists too, so what is left
# is the test's own page cache and slab churn; 8 MiB of slack on 64 MiB)
if [ $((free0 - free2)) -lt 8192 ] && rmm_untouched; then
	ktap_ok "unload returns the memory (MemFree back within 8 MiB) and leaves nothing"
else
	ktap_fail "unload returns the memory (MemFree back within 8 MiB) and leaves nothing" "free $free0 -> $free2 kB"
fi

ok=1
for i in 1 2 3; do
	rmm_load borrow=32M || { ok=0; ktap_diag "load $i: $RMM_OUT"; break; }
	rmmctl pattern 8 2 > /dev/null || ok=0
	rmm_unload || { ok=0; break; }
done
free3=$(rmm_memfree_kb)
[ $ok = 1 ] && [ $((free0 - free3)) -lt 8192 ] &&
	ktap_ok "three load/use/unload cycles of borrow=32M leak nothing" ||
	ktap_fail "three load/use/unload cycles of borrow=32M leak nothing" "MemFree $free0 -> $free3"

if rmm_load borrow=128M movablecore=25%; then
	mov=$(awk '/^Node 0, zone +Movable/ { m = 1 } m && /present/ { print $2; exit }' /proc/regionmm/zoneinfo)
	ktap_diag "Movable zone present pages: $mov"
	[ -n "$mov" ] && [ "$mov" -gt 0 ] &&
		ktap_ok "borrow=128M movablecore=25% gives a populated Movable zone" ||
		ktap_fail "borrow=128M movablecore=25% gives a populated Movable zone"
	# a movable request (GFP_HIGHUSER_MOVABLE's zone bits) lands in the
	# Movable zone [start_pfn, start_pfn + spanned), an unmovable one not
	mz=$(awk '/^Node 0, zone +Movable/ { m = 1 } m && $1 == "spanned" { s = $2 }
		m && $1 == "start_pfn:" { print $2, s; exit }' /proc/regionmm/zoneinfo)
	pm=$(rmmctl alloc 0 1 | sed -n 's/^pfn=\([0-9]*\).*/\1/p')
	pu=$(rmmctl alloc 0 0 | sed -n 's/^pfn=\([0-9]*\).*/\1/p')
	ktap_diag "Movable zone (start_pfn spanned): $mz; movable pfn $pm, unmovable pfn $pu"
	ms=${mz% *} me=$((${mz% *} + ${mz#* }))
	[ -n "$pm" ] && [ -n "$pu" ] && [ -n "$mz" ] &&
		[ "$pm" -ge "$ms" ] && [ "$pm" -lt "$me" ] &&
		{ [ "$pu" -lt "$ms" ] || [ "$pu" -ge "$me" ]; } &&
		rmmctl pattern 16 0 >/dev/null &&
		ktap_ok "allocation from the Movable zone (movable) and validation" ||
		ktap_fail "allocation from the Movable zone (movable) and validation"
	rmm_unload
else
	ktap_fail "borrow=128M movablecore=25% gives a populated Movable zone" "$RMM_OUT"
	ktap_skip "allocation from the Movable zone (movable) and validation" "load failed"
fi
ktap_check "dmesg has no regionmm warnings" sh -c '! dmesg | grep -q "regionmm.*WARN"'
ktap_finished
