#!/bin/sh
# test_module_wmarks.sh: NUMA and watermarks against the real zones.
#  - two memmap= ranges, one on each of two NUMA nodes, become two
#    regionmm nodes; THISNODE allocations stay on their node;
#  - the kernel's own zones: its managed pages and /proc/sys/vm tunables,
#    fed to RMM_IOC_CALC_WMARKS (the code regionmm's zones use), give the
#    min/low/high/promo and protection the kernel prints, to the page, for
#    the boot values and after changing the tunables;
#  - regionmm's zones: the same calculation from /proc/sys/regionmm gives
#    what /proc/regionmm/zoneinfo prints.
#
# vm-run: --mem 2G --cpus 2 --numa 2 --append memmap=128M$0x30000000 --append memmap=128M$0x70000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"
. "$(dirname "$0")/tools/rmm_wm.sh"

ktap_plan 9

if ! rmm_load region=128M@0x30000000,128M@0x70000000; then
	ktap_fail "insmod with one range on each NUMA node" "$RMM_OUT"
	dmesg | tail
	ktap_finished
fi
ktap_ok "insmod with one range on each NUMA node"
ktap_diag "$(grep -c '^Node' /proc/zoneinfo) kernel zones; $(ls -d /sys/devices/system/node/node* | wc -l) kernel nodes"

ktap_check "two regionmm nodes (RMM_IOC_INFO, buddyinfo)" sh -c '
	rmmctl info | grep -q "^nr_nodes=2$" &&
	grep -q "^Node 0, zone" /proc/regionmm/buddyinfo &&
	grep -q "^Node 1, zone" /proc/regionmm/buddyinfo'

p0=$(rmmctl alloc 0 0 8 0 | sed -n 's/^pfn=\([0-9]*\).*/\1/p')
p1=$(rmmctl alloc 0 0 8 1 | sed -n 's/^pfn=\([0-9]*\).*/\1/p')
ktap_diag "THISNODE pfns: node 0 -> $p0, node 1 -> $p1"
# node 0 range: pfns 0x30000..0x37fff, node 1: 0x70000..0x77fff
[ -n "$p0" ] && [ "$p0" -ge 196608 ] && [ "$p0" -lt 229376 ] &&
[ -n "$p1" ] && [ "$p1" -ge 458752 ] && [ "$p1" -lt 491520 ] &&
	ktap_ok "THISNODE allocations come from their node's range" ||
	ktap_fail "THISNODE allocations come from their node's range"

# make the kernel recompute (managed pages grew after boot: initmem freed)
cat /proc/sys/vm/min_free_kbytes > /proc/sys/vm/min_free_kbytes
cat /proc/sys/vm/lowmem_reserve_ratio > /proc/sys/vm/lowmem_reserve_ratio
if rmm_wm_compare /proc/zoneinfo /proc/sys/vm /tmp/wm.diff; then
	ktap_ok "kernel zones, boot tunables: regionmm's arithmetic gives the kernel's numbers ($(grep -c . /tmp/wm.p) zones)"
else
	ktap_fail "kernel zones, boot tunables" "$(head -20 /tmp/wm.diff)"
	sed 's/^/# in: /' /tmp/wm.in
fi

echo 300 > /proc/sys/vm/watermark_scale_factor
echo 4000 > /proc/sys/vm/min_free_kbytes
echo "128 64 16 1" > /proc/sys/vm/lowmem_reserve_ratio
rmm_wm_compare /proc/zoneinfo /proc/sys/vm /tmp/wm.diff &&
	ktap_ok "kernel zones, changed tunables (scale 300, min_free 4000, ratios 128 64 16 1)" ||
	ktap_fail "kernel zones, changed tunables" "$(head -20 /tmp/wm.diff)"

echo 2000 > /proc/sys/vm/watermark_scale_factor
echo 65536 > /proc/sys/vm/min_free_kbytes
rmm_wm_compare /proc/zoneinfo /proc/sys/vm /tmp/wm.diff &&
	ktap_ok "kernel zones, scale 2000, min_free 65536" ||
	ktap_fail "kernel zones, scale 2000, min_free 65536" "$(head -20 /tmp/wm.diff)"

rmm_wm_compare /proc/regionmm/zoneinfo /proc/sys/regionmm /tmp/wm.diff &&
	ktap_ok "regionmm zones match the formula (default tunables)" ||
	ktap_fail "regionmm zones match the formula" "$(head -20 /tmp/wm.diff)"
echo 500 > /proc/sys/regionmm/watermark_scale_factor
echo 3000 > /proc/sys/regionmm/min_free_kbytes
rmm_wm_compare /proc/regionmm/zoneinfo /proc/sys/regionmm /tmp/wm.diff &&
	ktap_ok "regionmm zones match the formula (scale 500, min_free 3000)" ||
	ktap_fail "regionmm zones match the formula (changed)" "$(head -20 /tmp/wm.diff)"
ktap_check "rmmod" rmm_unload
ktap_finished
