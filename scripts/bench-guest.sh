#!/bin/sh
# scripts/bench-guest.sh: guest side of scripts/bench (busybox sh). Loads
# regionmm.ko on the reserved region, loads rmm_bench.ko (which runs every
# benchmark at insmod time, regionmm and the kernel side by side), prints its
# result lines (BENCH/SKIP/INFO, see Documentation/bench.rst) and unloads both.
#
# Environment (set by scripts/bench through vm-run --env):
#   RMM_REGION      region= for regionmm.ko (SIZE@START, matching the memmap=
#                   of the kernel command line); empty: regionmm's default
#   RMM_BENCH_ARGS  module parameters for rmm_bench.ko (iters=, runs=, ...)
#   RMM_FAULT_ARGS  options of rmm_fault_bench (fault_first_touch: first
#                   touch of a regionmm memory object against the kernel's
#                   anonymous memory; run after rmm_bench.ko, when it is on
#                   the PATH)
#   RMM_SWAP_REGION regionmm's region for swapout_reclaim / swapin_fault
#                   (SIZE@START inside the memmap= range; regionmm is loaded
#                   again on it after the other benchmarks); empty: skipped
#   RMM_SWAP_ARGS   options of rmm_swap_bench (-a cold MiB, -b bulk MiB)
#   RMM_SWAP_RUNS   runs of each side (alternating, after one warm-up run
#                   of each, run 0, which does not count; the median is
#                   printed)
#   RMM_DISK        the swap disk (vm-run --disk); both sides swap to it in
#                   turn, each after its own mkswap
#   RMM_COMPACT_REGION regionmm's region for compact_order9_success and
#                   compact_memory (SIZE@START inside the memmap= range;
#                   regionmm is loaded again on it last); empty: skipped
# Exit status: 0 when the benchmarks ran, 1 when a module failed to load.

REGION=${RMM_REGION:-}
ARGS=${RMM_BENCH_ARGS:-}

echo "INFO guest kernel $(uname -r), $(grep -c '^processor' /proc/cpuinfo) cpus"
if ! grep -q '^regionmm ' /proc/modules; then
	# shellcheck disable=SC2086
	if ! insmod /mod/regionmm.ko ${REGION:+region=$REGION}; then
		echo "ERROR insmod regionmm.ko ${REGION:+region=$REGION} failed"
		exit 1
	fi
fi
if [ ! -f /mod/rmm_bench.ko ]; then
	echo "ERROR /mod/rmm_bench.ko missing (was it built? see selftests/modules/Kbuild)"
	exit 1
fi
echo "INFO regionmm buddyinfo before:"
sed 's/^/INFO   /' /proc/regionmm/buddyinfo 2>/dev/null
# shellcheck disable=SC2086
if ! insmod /mod/rmm_bench.ko $ARGS; then
	echo "ERROR insmod rmm_bench.ko $ARGS failed; kernel log:"
	dmesg | grep 'rmm_bench' | tail -n 20
	exit 1
fi
cat /proc/rmm_bench
rmmod rmm_bench
if command -v rmm_fault_bench >/dev/null; then
	# shellcheck disable=SC2086
	rmm_fault_bench ${RMM_FAULT_ARGS:-} ||
		echo "INFO rmm_fault_bench exited $? (no fault_first_touch)"
else
	echo "SKIP fault_first_touch rmm_fault_bench is not in the guest"
fi
echo "INFO regionmm buddyinfo after:"
sed 's/^/INFO   /' /proc/regionmm/buddyinfo 2>/dev/null
rmmod regionmm || echo "INFO regionmm refused to unload (pages still held?)"

# swapout_reclaim / swapin_fault: rmm_swap_bench on regionmm (a region of
# SWAP_MIB, its own swap on $RMM_DISK) and on the kernel (its free memory
# brought down to SWAP_MIB by an mlocked balloon, its swap on the same
# disk), the sides alternating; both with the classic two LRU lists.
swap_skip() {
	echo "SKIP swapout_reclaim $*"
	echo "SKIP swapin_fault $*"
}
swap_bench() {
	dev=${RMM_DISK:-}
	sreg=${RMM_SWAP_REGION:-}
	runs=${RMM_SWAP_RUNS:-1}
	[ -n "$sreg" ] || { swap_skip "no RMM_SWAP_REGION"; return; }
	if [ -z "$dev" ] || [ ! -b "$dev" ]; then
		swap_skip "no swap disk (vm-run --disk)"
		return
	fi
	for t in rmm_swap_bench rmm_pressure rmm-swap mkswap swapon swapoff; do
		command -v $t >/dev/null ||
			{ swap_skip "$t is not in the guest"; return; }
	done
	if ! insmod /mod/regionmm.ko region="$sreg"; then
		swap_skip "insmod regionmm.ko region=$sreg failed"
		return
	fi
	[ -e /sys/kernel/mm/lru_gen/enabled ] &&
		echo n >/sys/kernel/mm/lru_gen/enabled
	smib=${sreg%%@*}
	smib=${smib%M}
	sync
	echo 3 >/proc/sys/vm/drop_caches
	free=$(awk '/^MemFree:/ { print int($2 / 1024) }' /proc/meminfo)
	b=$((free - smib))
	bp=
	if [ $b -gt 0 ]; then
		rmm_pressure balloon $b >/tmp/balloon 2>&1 & bp=$!
		i=0
		while ! grep -q ready /tmp/balloon && [ $i -lt 1200 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	echo "INFO swap regionmm region $sreg; kernel: $free MiB free, balloon $b MiB; rmm_swap_bench $RMM_SWAP_ARGS; a warm-up and $runs runs a side; swap on $dev"
	: >/tmp/swap.out
	r=0
	while [ $r -le "$runs" ]; do
		# shellcheck disable=SC2086
		if mkswap "$dev" >/dev/null && rmm-swap on "$dev"; then
			rmm_swap_bench rmm ${RMM_SWAP_ARGS:-} -r $r >>/tmp/swap.out ||
				echo "INFO swap rmm run $r exited $?" >>/tmp/swap.out
			rmm-swap off "$dev" || echo "INFO rmm-swap off $dev failed"
		else
			echo "INFO swap rmm run $r: mkswap/rmm-swap on $dev failed"
		fi
		# shellcheck disable=SC2086
		if mkswap "$dev" >/dev/null && swapon "$dev"; then
			rmm_swap_bench kernel ${RMM_SWAP_ARGS:-} -r $r >>/tmp/swap.out ||
				echo "INFO swap kernel run $r exited $?" >>/tmp/swap.out
			swapoff "$dev" || echo "INFO swapoff $dev failed"
		else
			echo "INFO swap kernel run $r: mkswap/swapon $dev failed"
		fi
		r=$((r + 1))
	done
	[ -n "$bp" ] && kill "$bp"
	cat /tmp/swap.out
	# medians of each side's runs but the warm-up (0: nothing went out /
	# came back)
	awk '
	function median(side, key,   n, i, j, t, v) {
		n = cnt[side]
		for (i = 1; i <= n; i++) v[i] = val[side, key, i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		return n ? v[int((n + 1) / 2)] : 0
	}
	function line(name, key,   r, k) {
		r = median("rmm", key); k = median("kernel", key)
		if (!cnt["rmm"] || !cnt["kernel"])
			printf "SKIP %s a side did not run (see the INFO swap lines)\n", name
		else if (r <= 0 || k <= 0)
			printf "SKIP %s no page %s on a side (rmm_ns=%.1f kernel_ns=%.1f)\n", name, key == "swapout_ns" ? "went out" : "came back", r, k
		else
			printf "BENCH %s rmm_ns=%.1f kernel_ns=%.1f ratio=%.3f\n", name, r, k, r / k
	}
	$1 == "INFO" && $2 == "swap" && $4 == "run" && $5 != "0" &&
	    $6 ~ /^pswpout=/ {
		s = $3; n = ++cnt[s]
		for (i = 6; i <= NF; i++) { split($i, kv, "="); val[s, kv[1], n] = kv[2] + 0 }
	}
	END {
		line("swapout_reclaim", "swapout_ns")
		line("swapin_fault", "swapin_ns")
	}' /tmp/swap.out
	rmmod regionmm || echo "INFO regionmm refused to unload after the swap benchmarks"
}
swap_bench

# compact_order9_success / compact_memory (scripts/lib/compact-guest.sh,
# added to /host beside this script)
if [ -f /host/compact-guest.sh ]; then
	# shellcheck source=scripts/lib/compact-guest.sh
	. /host/compact-guest.sh
	compact_bench
else
	echo "SKIP compact_order9_success compact-guest.sh is not in the guest"
	echo "SKIP compact_memory compact-guest.sh is not in the guest"
fi
exit 0
