# shellcheck shell=sh
# scripts/lib/compact-guest.sh: the compaction workload run in a guest
# (busybox sh), sourced by scripts/bench-guest.sh (the compact_order9_success
# and compact_memory lines of `make bench`) and by the guest script of
# `scripts/compare-zones --workload compaction`.  compact_bench() needs
# regionmm.ko and rmm_bench.ko in /mod and rmm_compact_bench, rmm_pressure
# and rmm_drain on the PATH; regionmm must not be loaded when it starts
# and is unloaded when it ends.
#
# The workload, the same on both sides: rmm_compact_bench touches two
# mappings of movable user memory page by page in turn (90 % of the pool's
# free memory above the low watermarks) and unmaps one, leaving every
# other page free; then
#   order9: rmm_bench.ko makes N order-9 allocations with hugetlb's mask
#           (__GFP_RETRY_MAYFAIL: direct reclaim and direct compaction up
#           to its highest priority), N = half of what the free memory
#           above the low watermarks could make in 2 MiB blocks;
#   compact_memory: after the same churn again, a write of 1 to the side's
#           compact_memory, timed.
# regionmm runs on a region of RMM_COMPACT_REGION (SIZE@START); the
# kernel's free memory above its low watermarks is ballooned down to
# regionmm's (rmm_pressure balloon: mlocked, so neither reclaimed nor
# swapped), so both pools offer the same room.
#
# Output: "INFO compact ..." lines per side and run, with the deltas of the
# side's vmstat (compact_stall, compact_success, compact_fail,
# compact_migrate_scanned, compact_free_scanned, pgmigrate_success) and the
# permille of free memory in blocks of order >= 9 before and after, then
#   BENCH compact_order9_success rmm_pct=X kernel_pct=Y
#   BENCH compact_memory rmm_ns=X kernel_ns=Y ratio=Z
# (ns per page migrated), or SKIP lines saying why not.

compact_skip() {
	echo "SKIP compact_order9_success $*"
	echo "SKIP compact_memory $*"
}

# free pages above the low watermarks: $1 zoneinfo, $2 free pages
compact_above_low() {
	awk -v free="$2" '$1 == "low" { low += $2 }
		END { print (free > low) ? free - low : 0 }' "$1"
}

# the side's vmstat counters of interest, one line "k=v ..."
compact_vmstat() {
	f=/proc/vmstat
	[ "$1" = rmm ] && f=/proc/regionmm/vmstat
	awk 'BEGIN { split("compact_stall compact_success compact_fail compact_migrate_scanned compact_free_scanned pgmigrate_success", n, " ")
		for (i in n) want[n[i]] = 1 }
		$1 in want { printf "%s=%s ", $1, $2 }' "$f"
}

# "name=delta ..." between two compact_vmstat lines
compact_delta() {
	echo "$1 | $2" | awk '{
		for (i = 1; i <= NF && $i != "|"; i++) { split($i, kv, "="); a[kv[1]] = kv[2] }
		for (i++; i <= NF; i++) { split($i, kv, "="); printf "%s=%d ", kv[1], kv[2] - a[kv[1]] }
	}'
}

# permille of the side's free memory (buddyinfo) in blocks of order >= 9
compact_big() {
	f=/proc/buddyinfo
	[ "$1" = rmm ] && f=/proc/regionmm/buddyinfo
	awk '{ p = 1
		for (i = 5; i <= NF; i++) {
			t += $i * p; if (i - 5 >= 9) b += $i * p; p *= 2
		} }
		END { print t ? int(b * 1000 / t) : 0 }' "$f"
}

# one side ($1 rmm|kernel): an order-9 run, then a compact_memory run
compact_side() {
	side=$1
	rm -f /tmp/c9.ready /tmp/c9.go
	rmm_compact_bench "$side" -m "$CB_TOUCH" -w /tmp/c9 >/tmp/c9.out 2>&1 &
	cpid=$!
	i=0
	while [ ! -e /tmp/c9.ready ] && [ $i -lt 1200 ] &&
	      kill -0 $cpid 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	v0=$(compact_vmstat "$side") b0=$(compact_big "$side")
	if [ -e /tmp/c9.ready ] &&
	   insmod /mod/rmm_bench.ko benches=compact_order9 \
		   compact_side="$side" compact_n="$CB_N9"; then
		v1=$(compact_vmstat "$side") b1=$(compact_big "$side")
		grep '^INFO compact_order9 ' /proc/rmm_bench >>/tmp/compact.out
		echo "INFO compact order9 $side $(compact_delta "$v0" "$v1")big_before=$b0 big_after=$b1" >>/tmp/compact.out
		rmmod rmm_bench
	else
		echo "INFO compact $side: no order-9 run ($(cat /tmp/c9.out))" >>/tmp/compact.out
	fi
	touch /tmp/c9.go
	wait $cpid || echo "INFO compact $side: rmm_compact_bench exited $? $(cat /tmp/c9.out)" >>/tmp/compact.out
	grep -E '^(INFO|ERROR) compact' /tmp/c9.out >>/tmp/compact.out

	v0=$(compact_vmstat "$side")
	rmm_compact_bench "$side" -m "$CB_TOUCH" -c >/tmp/cm.out 2>&1 ||
		echo "INFO compact $side: compact_memory run exited $?" >>/tmp/compact.out
	v1=$(compact_vmstat "$side")
	cat /tmp/cm.out >>/tmp/compact.out
	echo "INFO compact memory $side $(compact_delta "$v0" "$v1")" >>/tmp/compact.out
}

compact_bench() {
	creg=${RMM_COMPACT_REGION:-}
	[ -n "$creg" ] || { compact_skip "no RMM_COMPACT_REGION"; return; }
	for t in rmm_compact_bench rmm_pressure rmm_drain; do
		command -v $t >/dev/null ||
			{ compact_skip "$t is not in the guest"; return; }
	done
	# shellcheck disable=SC2086
	if ! insmod /mod/regionmm.ko region="$creg" ${RMM_COMPACT_ARGS:-}; then
		compact_skip "insmod regionmm.ko region=$creg failed"
		return
	fi
	rfree=$(awk '$1 == "nr_free_pages" { print $2 }' /proc/regionmm/vmstat)
	room=$(compact_above_low /proc/regionmm/zoneinfo "$rfree")
	# touch 90 % of the room (half of it is freed again), in whole MiB
	CB_TOUCH=$((room * 9 / 10 / 256))
	CB_TOUCH=$((CB_TOUCH - CB_TOUCH % 2))
	# attempts: half of what the free memory above the watermark could
	# make in 2 MiB blocks after the churn
	CB_N9=$(((room - CB_TOUCH * 128) / 512 / 2))
	[ "$CB_N9" -ge 1 ] || CB_N9=1
	: >/tmp/compact.out
	echo "INFO compact regionmm region $creg ${RMM_COMPACT_ARGS:-}: $rfree free pages, $room above low; touch $CB_TOUCH MiB (half freed), $CB_N9 order-9 attempts a side"
	compact_side rmm
	rmm_drain >/dev/null 2>&1 || true

	sync
	echo 3 >/proc/sys/vm/drop_caches
	kfree=$(awk '$1 == "nr_free_pages" { print $2 }' /proc/vmstat)
	kroom=$(compact_above_low /proc/zoneinfo "$kfree")
	b=$(((kroom - room) / 256))
	bp=
	if [ $b -gt 0 ]; then
		rmm_pressure balloon $b >/tmp/balloon 2>&1 & bp=$!
		i=0
		while ! grep -q ready /tmp/balloon && [ $i -lt 1200 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	kfree=$(awk '$1 == "nr_free_pages" { print $2 }' /proc/vmstat)
	echo "INFO compact kernel: $kroom pages above low, balloon $b MiB, then $(compact_above_low /proc/zoneinfo "$kfree") above low"
	compact_side kernel
	if [ -n "$bp" ]; then
		kill "$bp"
		wait "$bp" 2>/dev/null
	fi
	cat /tmp/compact.out
	awk '
	$1 == "INFO" && $2 == "compact_order9" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		pct[f["side"]] = 100 * f["ok"] / f["n"]; seen9[f["side"]] = 1
	}
	$1 == "INFO" && $2 == "compact_memory" {
		split($4, kv, "="); ns[$3] = kv[2] + 0
	}
	END {
		if (seen9["rmm"] && seen9["kernel"])
			printf "BENCH compact_order9_success rmm_pct=%.1f kernel_pct=%.1f\n", pct["rmm"], pct["kernel"]
		else
			print "SKIP compact_order9_success a side did not run (see the INFO compact lines)"
		if (ns["rmm"] > 0 && ns["kernel"] > 0)
			printf "BENCH compact_memory rmm_ns=%.1f kernel_ns=%.1f ratio=%.3f\n", ns["rmm"], ns["kernel"], ns["rmm"] / ns["kernel"]
		else
			print "SKIP compact_memory no page migrated on a side (see the INFO compact lines)"
	}' /tmp/compact.out
	rmmod regionmm || echo "INFO regionmm refused to unload after the compaction workload"
}
