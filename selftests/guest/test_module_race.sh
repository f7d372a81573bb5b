#!/bin/sh
# test_module_race.sh: concurrent order-10 allocation on a region above
# 4 GiB with DMA32 populated (smoke test of the fallback race).  The Normal
# zone's first attempt runs with ALLOC_NOFRAGMENT; when another CPU takes
# the last order-10 block between the watermark check and the zone lock,
# the fallback must not hand out an order-9 block of another type as order
# 10 (it did: NR_FREE_PAGES drifted and the buddy was corrupted).  The
# deterministic version is selftests/host/test_fallback.c; here two CPUs
# allocate order-10 and order-9 blocks, movable and unmovable in turn, until
# refused, free them, and repeat; then the allocator must validate and
# every page be free again.  Under TCG the window (a few instructions) is
# rarely hit: with the order guard removed this test still passed in a
# trial run, while test_fallback failed at once; this is the smoke test
# the host test cannot be (real CPUs, real zone lock, the module's paths).
#
# vm-run: --mem 4608M --cpus 2 --append memmap=128M$0x80000000
# vm-run: --append memmap=256M$0x140000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 6

if ! rmm_load region=128M@0x80000000,256M@0x140000000; then
	ktap_fail "insmod with a DMA32 and a Normal range" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod with a DMA32 and a Normal range"

zone_present() {
	awk -v z="$1" '/^Node/ { cur = $4 } cur == z && $1 == "present" { print $2; exit }' \
		/proc/regionmm/zoneinfo
}
d32=$(zone_present DMA32)
nrm=$(zone_present Normal)
[ "${d32:-0}" -gt 0 ] && [ "${nrm:-0}" -gt 0 ] &&
	ktap_ok "DMA32 ($d32 pages) and Normal ($nrm pages) are populated" ||
	ktap_fail "DMA32 and Normal are populated" "DMA32 ${d32:-?} Normal ${nrm:-?}"

rmm_drain
free0=$(rmmctl info | sed -n 's/^free_pages=//p')
taskset -c 0 rmmctl race 40 >/tmp/race0 2>&1 &
p0=$!
taskset -c 1 rmmctl race 40 >/tmp/race1 2>&1 &
p1=$!
wait $p0
r0=$?
wait $p1
r1=$?
ktap_diag "cpu0: $(cat /tmp/race0); cpu1: $(cat /tmp/race1)"
[ $r0 = 0 ] && [ $r1 = 0 ] &&
	ktap_ok "two CPUs race for order-10 blocks, 40 rounds each" ||
	ktap_fail "two CPUs race for order-10 blocks" "$(cat /tmp/race0 /tmp/race1)"

ktap_check "the allocator validates afterwards" rmmctl validate 1

rmm_drain
free1=$(rmmctl info | sed -n 's/^free_pages=//p')
[ -n "$free0" ] && [ "$free1" = "$free0" ] &&
	ktap_ok "every page is free again ($free1)" ||
	ktap_fail "every page is free again" "free pages $free0 -> $free1"

ktap_check "rmmod" rmm_unload
ktap_finished
