#!/bin/sh
# scripts/demo-guest.sh: the guest side of `make demo` (busybox sh). Shows the
# region reserved with memmap=, loads /mod/regionmm.ko on it, prints each of
# regionmm's files beside the kernel's own file of the same format, unloads.
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

section "rmmod regionmm"
rmmod regionmm && echo "unloaded"
