#!/bin/sh
# test_slab_debug.sh: the slab_debug= module parameter (like the kernel's
# slab_debug=): with slab_debug=FZP every regionmm cache, the kmalloc
# classes included, has red zones, poisoning and consistency checks:
#  - slabinfo shows the larger debug slots and no per-CPU arrays (0 0);
#  - caches and the kmalloc classes work and pass their own checks;
#  - a bad value is refused at load with EINVAL and a pr_err naming it.
# Skipped while the module has no slab_debug parameter.
#
# vm-run: --mem 1G --cpus 2 --append memmap=128M$0x30000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

command -v slab_ctl >/dev/null || ktap_skip_all "slab_ctl not built (make -C selftests/guest/tools)"

REGION=128M@0x30000000
n=$(rmm_dmesg_lines)
rmm_load region=$REGION slab_debug=FZP
rc=$?
if rmm_dmesg_since "$n" | grep -q "unknown parameter 'slab_debug'"; then
	# the kernel ignores unknown module parameters (with that message)
	rmm_loaded && rmm_unload
	ktap_skip_all "regionmm.ko has no slab_debug= parameter yet"
fi
if [ $rc != 0 ]; then
	ktap_plan 1
	ktap_fail "insmod region=$REGION slab_debug=FZP" "$RMM_OUT"
	ktap_finished
fi
if ! grep -q '^kmalloc-64 ' /proc/regionmm/slabinfo 2>/dev/null; then
	rmm_loaded && rmm_unload
	ktap_skip_all "regionmm.ko has no slab state (rmm_slab_init not called at load)"
fi

ktap_plan 5
ktap_ok "insmod region=$REGION slab_debug=FZP"

line=$(grep '^kmalloc-64 ' /proc/regionmm/slabinfo)
ktap_diag "$line"
echo "$line" | awk '{ exit !($4 > 64 && $9 == 0 && $10 == 0) }' &&
	ktap_ok "kmalloc-64 is a debug cache (red-zoned slot > 64, no per-CPU array)" ||
	ktap_fail "kmalloc-64 is a debug cache (red-zoned slot > 64, no per-CPU array)" "$line"

ktap_check "caches work with debugging on everywhere" slab_ctl basic 100 0 - 500
n=$(rmm_dmesg_lines)
slab_ctl kmalloc >/dev/null && ! rmm_dmesg_since "$n" | grep -q 'slab: BUG' &&
	ktap_ok "kmalloc classes pass their checks (no report)" ||
	ktap_fail "kmalloc classes pass their checks (no report)"

rmm_unload
n=$(rmm_dmesg_lines)
if rmm_load region=$REGION slab_debug=FXQ; then
	rmm_unload
	ktap_fail "slab_debug=FXQ refused" "insmod succeeded"
else
	rmm_dmesg_since "$n" | grep -q 'slab_debug' &&
		ktap_ok "slab_debug=FXQ refused with a message naming it" ||
		ktap_fail "slab_debug=FXQ refused with a message naming it" "$RMM_OUT"
fi

ktap_finished
