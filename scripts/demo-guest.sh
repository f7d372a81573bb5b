#!/bin/sh
# scripts/demo-guest.sh: the guest side of `make demo` (busybox sh). Shows the
# region reserved with memmap=, loads /mod/regionmm.ko on it, prints each of
# regionmm's files beside the kernel's own file of the same format, runs python3
# under rmm-run (its heap on regionmm) and shows it in tasks and meminfo,
# then, with a disk (vm-run --disk) and the guest tools, puts more memory
# under pressure than the region holds: regionmm swaps to the disk while its
# counters move; unloads.
# RMM_REGION (from make demo) is the region= parameter, default 512M@0x40000000.
REGION=${RMM_REGION:-512M@0x40000000}
MOD=/mod/regionmm.ko

section() { printf '\n======== %s ========\n' "$*"; }

# show LABEL FILE: print FILE under a heading, or say it is not there.
show() {
	section "$1: $2"
	if [ -r "$2" ]; then cat "$2"; else echo "($2 does not exist)"; fi
}

section "guest: $(uname -r), $(nproc) CPUs"
grep -E 'MemTotal|MemFree' /proc/meminfo
section "physical memory map (the region is reserved with memmap=)"
dmesg -s 1048576 2>/dev/null | grep -E 'user-defined physical RAM map|user: \[mem|BIOS-e820: \[mem' || true
grep -iE 'reserved|System RAM' /proc/iomem | head -n 20

if [ ! -f "$MOD" ]; then
	section "regionmm"
	echo "$MOD was not built (make module); showing the kernel's files only"
	for f in zoneinfo buddyinfo pagetypeinfo vmstat meminfo slabinfo pressure/memory; do
		show kernel "/proc/$f"
	done
	exit 1
fi

section "insmod $MOD region=$REGION"
if ! insmod "$MOD" "region=$REGION"; then
	echo "insmod failed:"
	dmesg | tail -n 20
	exit 1
fi
dmesg | grep -i regionmm | tail -n 10

for f in zoneinfo buddyinfo pagetypeinfo vmstat meminfo slabinfo pressure/memory; do
	show regionmm "/proc/regionmm/$f"
	show kernel "/proc/$f"
done

if [ -d /proc/sys/regionmm ]; then
	section "tunables: /proc/sys/regionmm (kernel: /proc/sys/vm)"
	for t in /proc/sys/regionmm/*; do
		[ -f "$t" ] || continue
		n=${t##*/}
		k=$(tr '\t' ' ' <"/proc/sys/vm/$n" 2>/dev/null)
		printf '%-32s regionmm: %-24s kernel: %s\n' "$n" "$(tr '\t' ' ' <"$t")" "${k:-(none)}"
	done
fi

if command -v rmm-run >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
	section "a program on regionmm: rmm-run python3 (heap and anonymous memory)"
	anon0=$(awk '$1 == "AnonPages:" { print $2 }' /proc/regionmm/meminfo)
	rm -f /tmp/rmm-demo-ready
	rmm-run python3 -S -c '
import time
x = [str(i) * 8 for i in range(10 ** 6)]
open("/tmp/rmm-demo-ready", "w").close()
time.sleep(4)
print("python3: built", len(x), "strings on regionmm")' &
	pid=$!
	i=0
	while [ ! -e /tmp/rmm-demo-ready ] && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	echo "--- /proc/regionmm/tasks (regionmm pages of each process)"
	cat /proc/regionmm/tasks
	echo "--- /proc/$pid/status VmRSS (the kernel's own memory of python3)"
	grep VmRSS "/proc/$pid/status" 2>/dev/null
	echo "--- /proc/regionmm/meminfo AnonPages: was $anon0 kB"
	grep -E '^(AnonPages|Mapped|MemFree):' /proc/regionmm/meminfo
	wait $pid
	echo "--- after exit"
	grep -E '^(AnonPages|MemFree):' /proc/regionmm/meminfo
fi

# vmstat NAME...: regionmm's values of NAME... on one line
vmstat() {
	for n in "$@"; do
		awk -v n="$n" '$1 == n { printf "%s=%s ", n, $2 }' /proc/regionmm/vmstat
	done
}

# kswapd_ticks: CPU time (user + system, clock ticks) of rmm_kswapd0
kswapd_ticks() {
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" = rmm_kswapd0 ] || continue
		awk '{ print $14 + $15 }' "$d/stat"
		return
	done
	echo '?'
}

DEV=${RMM_DISK:-}
if [ -b "$DEV" ] && command -v rmm_pressure >/dev/null 2>&1 &&
	command -v rmm-swap >/dev/null 2>&1 && command -v rmm-run >/dev/null 2>&1; then
	section "memory under pressure: more than the region, swapped to $DEV"
	mkswap "$DEV" >/dev/null && rmm-swap on "$DEV" && cat /proc/regionmm/swaps
	total=$(awk '$1 == "MemTotal:" { print int($2 / 1024) }' /proc/regionmm/meminfo)
	fill=$((total * 5 / 4 / 2))
	echo "--- rmm-run rmm_pressure: 2 processes x $fill MiB (the region: $total MiB),"
	echo "    a 16 MiB hot set each touched twice more, then every byte checked"
	echo "--- every 2 s: regionmm's free memory and swap, the worker's CPU ticks, its counters"
	rmm-run -- rmm_pressure fill "$fill" -P 2 -H 16 -p 2 >/tmp/pressure.out 2>&1 &
	pid=$!
	t=0
	while kill -0 "$pid" 2>/dev/null; do
		printf '%3ss %s kswapd_ticks=%s %s\n' "$t" \
			"$(awk '$1 == "MemFree:" || $1 == "SwapFree:" { printf "%s%s ", $1, $2 }' /proc/regionmm/meminfo)" \
			"$(kswapd_ticks)" "$(vmstat pgscan_kswapd pgsteal_kswapd pgscan_direct pswpout pswpin)"
		[ $((t % 10)) = 4 ] && { echo "--- /proc/regionmm/tasks"; cat /proc/regionmm/tasks; }
		sleep 2
		t=$((t + 2))
	done
	wait "$pid"
	echo "--- rmm_pressure (exit $?; bad = words that read back wrong):"
	cat /tmp/pressure.out
	echo "--- regionmm's reclaim counters (vmstat) and the kernel's, for comparison"
	for n in pgscan_kswapd pgsteal_kswapd pgscan_direct pgsteal_direct allocstall_movable \
		pswpout pswpin pgactivate pgdeactivate workingset_refault_anon pageoutrun oom_kill; do
		printf '%-26s regionmm: %-10s kernel: %s\n' "$n" \
			"$(awk -v n="$n" '$1 == n { print $2 }' /proc/regionmm/vmstat)" \
			"$(awk -v n="$n" '$1 == n { print $2 }' /proc/vmstat)"
	done
	echo "--- rmm-swap off $DEV (the processes are gone: nothing is swapped)"
	grep -E '^(SwapTotal|SwapFree|SwapCached):' /proc/regionmm/meminfo
	rmm-swap off "$DEV" && echo "off" && cat /proc/regionmm/swaps
fi

section "rmmod regionmm"
rmmod regionmm && echo "unloaded"
