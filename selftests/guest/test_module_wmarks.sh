#!/bin/sh
# test_module_wmarks.sh: NUMA and watermarks against the real zones.
#  - two memmap= ranges, one on each of two NUMA nodes, become two
#    regionmm nodes; THISNODE allocations stay on their node;
#  - the kernel's own zones: its managed pages and /proc/sys/vm tunables,
#    fed to RMM_IOC_CALC_WMARKS (the code regionmm's zones use), give the
#    min/low/high/promo and protection the kernel prints, to the page, for
#    the boot values and after changing the tunables;
#  - regionmm's zones: the same calculation from /proc/sys/regionmm gives
#    what /proc/regionmm/zoneinfo prints;
#  - the automatic min_free_kbytes: khugepaged's THP raise
#    (set_recommended_min_free_kbytes()) computed here from a zoneinfo file
#    gives the kernel's own value from /proc/zoneinfo and regionmm's from
#    /proc/regionmm/zoneinfo (same formula, different zones).
#
# vm-run: --mem 2G --cpus 2 --numa 2 --append memmap=128M$0x30000000 --append memmap=128M$0x70000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"
. "$(dirname "$0")/tools/rmm_wm.sh"

ktap_plan 11

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

# khugepaged's recommended min_free_kbytes for the zones of zoneinfo $1:
# 512 * zones * (2 + 3 * 3) pages over populated DMA/DMA32/Normal zones, at
# most 5 % of their managed - high, where high comes from the plain rule
# (int_sqrt(lowmem kB * 16), __setup_per_zone_wmarks() with scale 10) that
# was in force when khugepaged started; in kB, never below the plain rule
thp_min_free_kbytes() {
	awk 'function isqrt(x,  lo, hi, mid) {	# busybox awk: no sqrt()
		lo = 0; hi = x
		while (lo < hi) {
			mid = int((lo + hi + 1) / 2)
			if (mid * mid <= x) lo = mid; else hi = mid - 1 }
		return lo }
	     /^Node/ { z = $4 }
	     $1 == "present" { present = $2 }
	     $1 == "managed" && (z == "DMA" || z == "DMA32" || z == "Normal") {
		lowmem += $2
		if (present > 0) { n++; m[n] = $2 } }
	     END { plain = isqrt(lowmem * 4 * 16)
		   if (plain < 128) plain = 128
		   pmin = int(plain / 4)
		   for (i = 1; i <= n; i++) {
			min = int(pmin * m[i] / lowmem)
			step = int(min / 4); s2 = int(m[i] * 10 / 10000)
			if (s2 > step) step = s2
			high = min + 2 * step
			if (m[i] > high) buf += m[i] - high }
		   r = 512 * n * 11; cap = int(buf / 20)
		   if (r > cap) r = cap
		   r *= 4; if (r < plain) r = plain; print r }' "$1"
}
want=$(thp_min_free_kbytes /proc/zoneinfo)
got=$(cat /proc/sys/vm/min_free_kbytes)
[ "$want" = "$got" ] &&
	ktap_ok "the kernel's min_free_kbytes is khugepaged's formula ($got kB)" ||
	ktap_fail "the kernel's min_free_kbytes is khugepaged's formula" \
		"kernel-compat row wmarks: formula gives $want kB over /proc/zoneinfo, kernel $(uname -r) has $got kB"
want=$(thp_min_free_kbytes /proc/regionmm/zoneinfo)
got=$(cat /proc/sys/regionmm/min_free_kbytes)
[ "$want" = "$got" ] &&
	ktap_ok "regionmm's automatic min_free_kbytes: the same formula ($got kB)" ||
	ktap_fail "regionmm's automatic min_free_kbytes: the same formula" \
		"formula gives $want kB over regionmm's zones, regionmm has $got kB"

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
