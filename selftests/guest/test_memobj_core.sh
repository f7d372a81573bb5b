#!/bin/sh
# test_memobj_core.sh: the core of memory objects (src/core/memobj.c) in
# the kernel, through rmm_test_memobj.ko, before any glue maps them: the
# kernel port's mutexes (lockdep's nest_lock for several views under the
# object lock, on the debug kernel), copy_page() on region memory (KASAN),
# index nodes from kvzalloc (kmemleak), the node counters.
#  - all 27 cases of the module pass (faults give zeroed pages, punch and
#    set_size give pages back, copy-on-write after fork, three-way fork,
#    migration of pages shared after fork,
#    two kthreads faulting and punching their own forked views while the
#    validator runs, counters and metadata back);
#  - every page is back in regionmm afterwards, and regionmm unloads.
#
# vm-run: --mem 1G --cpus 2
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

MO=/mod/rmm_test_memobj.ko
[ -f $MO ] || ktap_skip_all "no $MO (regionmm.ko's symbols were not available)"
ktap_plan 5

if ! rmm_load; then
	ktap_fail "insmod regionmm.ko" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod regionmm.ko"

f0=$(rmm_free_pages)
rmm_run_cases $MO rmm_test_memobj 27
rmmod rmm_test_memobj 2>/dev/null
f1=$(rmm_free_pages)
[ "$f1" = "$f0" ] &&
	ktap_ok "every page back in regionmm ($f0 free)" ||
	ktap_fail "every page back in regionmm" "$f0 -> $f1"
if rmm_unload && rmm_untouched; then
	ktap_ok "rmmod regionmm"
else
	ktap_fail "rmmod regionmm" "$RMM_OUT"
fi
ktap_finished
