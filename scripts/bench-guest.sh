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
exit 0
