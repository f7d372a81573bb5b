#!/bin/sh
# scripts/demo-guest.sh: the guest side of `make demo` (busybox sh). Shows the
# region reserved with memmap=, loads /mod/regionmm.ko on it, prints each of
# regionmm's files beside the kernel's own file of the same format, runs python3
# under rmm-run (its heap on regionmm) and shows it in tasks and meminfo,
# unloads.
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

section "rmmod regionmm"
rmmod regionmm && echo "unloaded"
