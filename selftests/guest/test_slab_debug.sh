#!/bin/sh
# test_slab_debug.sh: the slab_debug= module parameter (like the kernel's
# slab_debug=): with slab_debug=FZP every regionmm cache, the kmalloc
# classes included, has red zones, poisoning and consistency checks:
#  - slabinfo shows the larger debug slots and no per-CPU arrays (0 0);
#  - caches and the kmalloc classes work and pass their own checks;
#  - a bad value is refused at load with EINVAL and a pr_err naming it.
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
if [ $rc != 0 ] ||
   rmm_dmesg_since "$n" | grep -q "unknown parameter 'slab_debug'"; then
	# (the kernel ignores unknown module parameters, with that message)
	rmm_loaded && rmm_unload
	ktap_plan 1
	ktap_fail "insmod region=$REGION slab_debug=FZP" "$RMM_OUT"
	ktap_finished
fi
if ! grep -q '^kmalloc-64 ' /proc/regionmm/slabinfo 2>/dev/null; then
	ktap_plan 1
	ktap_fail "slabinfo lists the kmalloc classes after load"
	rmm_unload
	ktap_finished
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
rmm_refused "slab_debug=FXQ refused with EINVAL, one message, nothing claimed" \
	"Invalid argument" "slab_debug: unknown flag" region=$REGION slab_debug=FXQ

ktap_finished
