#!/bin/sh
# test_module_api.sh: the in-kernel API's context contract and unloading
# with live pages, on every kernel (the debug kernel adds
# DEBUG_ATOMIC_SLEEP, lockdep, KASAN and kmemleak; any splat fails the run).
#  - rmm_test_api.ko allocates with GFP_ATOMIC/GFP_NOWAIT under a spinlock
#    with interrupts off, in a timer (softirq) and a hard-irq hrtimer, with
#    GFP_KERNEL in process context, and on a full region: GFP_NOWAIT fails
#    while pages sit on another CPU's list, GFP_KERNEL drains them (IPI)
#    and succeeds, GFP_ATOMIC gets a reserve page under a spinlock;
#  - while a module holds regionmm pages, rmmod regionmm is refused (the
#    module reference) and the pages stay allocated; after the holder
#    goes, regionmm unloads and the kernel's MemFree comes back;
#  - a process that allocated through /dev/regionmm and exits without
#    freeing gives its pages back at close;
#  - (not on debug: kmemleak would rightly report the kept metadata) a
#    module that leaks pages, or one rmm_kmalloc() object (the slab
#    teardown refuses first), makes regionmm's exit keep the region and
#    say so, cleanly, also with idle-list drains just sent.
#
# vm-run: --mem 1G --cpus 2
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

API=/mod/rmm_test_api.ko
[ -f $API ] || ktap_skip_all "no $API (regionmm.ko's symbols were not available)"
ktap_plan 15

free0=$(rmm_memfree_kb)
if ! rmm_load; then
	ktap_fail "insmod regionmm.ko" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod regionmm.ko"

# --- the context contract ---
rmm_run_cases $API rmm_test_api 10
rmmod rmm_test_api 2>/dev/null

# --- unload with live pages held by a module ---
f0=$(rmm_free_pages)
if out=$(insmod $API contract=0 hold=512 2>&1); then
	ktap_ok "rmm_test_api hold=512 loads"
else
	ktap_fail "rmm_test_api hold=512 loads" "$out"
fi
f1=$(rmm_free_pages)
ktap_diag "regionmm free pages $f0 -> $f1 with 512 held"
[ $((f0 - f1)) = 512 ] &&
	ktap_ok "512 pages allocated (zoneinfo pages free after a drain)" ||
	ktap_fail "512 pages allocated (zoneinfo pages free after a drain)" "$f0 -> $f1"
if rmm_unload; then
	ktap_fail "rmmod regionmm refused while a module holds pages" "rmmod succeeded"
	rmm_load
else
	ktap_ok "rmmod regionmm refused while a module holds pages: $RMM_OUT"
fi
f2=$(rmm_free_pages)
rmm_loaded && [ "$f2" = "$f1" ] &&
	ktap_ok "regionmm still loaded, the pages still allocated" ||
	ktap_fail "regionmm still loaded, the pages still allocated" "$f1 -> $f2"
rmmod rmm_test_api
f3=$(rmm_free_pages)
[ "$f3" = "$f0" ] &&
	ktap_ok "rmmod of the holder gives the 512 pages back" ||
	ktap_fail "rmmod of the holder gives the 512 pages back" "$f0 -> $f3"

# --- a process exits without freeing ---
f0=$(rmm_free_pages)
rmmctl hold 0 300 > /tmp/hold.out &
hold=$!
i=0
while ! grep -q holding /tmp/hold.out && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
f1=$(rmm_free_pages)
kill -9 $hold
wait $hold 2>/dev/null
f2=$(rmm_free_pages)
ktap_diag "regionmm free pages $f0 -> $f1 (300 held by pid $hold) -> $f2 (killed)"
[ $((f0 - f1)) = 300 ] &&
	ktap_ok "rmmctl hold 0 300 holds 300 pages" ||
	ktap_fail "rmmctl hold 0 300 holds 300 pages" "$f0 -> $f1"
[ "$f2" = "$f0" ] &&
	ktap_ok "killed without freeing: the pages return at close" ||
	ktap_fail "killed without freeing: the pages return at close" "$f0 -> $f2"

if rmm_unload; then
	ktap_ok "rmmod regionmm once nothing is held"
else
	ktap_fail "rmmod regionmm once nothing is held" "$RMM_OUT"
fi
free2=$(rmm_memfree_kb)
ktap_diag "kernel MemFree $free0 -> $free2 kB across load/test/unload"
[ $((free0 - free2)) -lt 8192 ] && rmm_untouched &&
	ktap_ok "unload returns the memory (MemFree back within 8 MiB) and leaves nothing" ||
	ktap_fail "unload returns the memory (MemFree back within 8 MiB) and leaves nothing" "free $free0 -> $free2 kB"

# --- exit with pages or objects leaked by an unloaded module ---
# NAME ARGS: rmm_test_api ARGS leaks; regionmm's exit must keep the
# region, say so, and leave no module or files
leaky_exit() {
	_name=$1
	shift
	if ! rmm_load; then
		ktap_fail "$_name" "insmod: $RMM_OUT"
		return
	fi
	insmod $API contract=0 "$@" && rmmod rmm_test_api
	# idle-list drains of CPU 0 sent by CPU 1 just before the unload
	alloc_free_on 0 500
	alloc_free_on 1 1000
	_n=$(rmm_dmesg_lines)
	if rmm_unload && ! rmm_loaded && [ ! -e /proc/regionmm ] &&
	   [ ! -e /dev/regionmm ] &&
	   rmm_dmesg_since "$_n" | grep -q 'regionmm: unload: pages or slab objects still allocated'; then
		ktap_ok "$_name"
	else
		ktap_fail "$_name" "$RMM_OUT $(rmm_dmesg_since "$_n")"
	fi
	rmm_dmesg_since "$_n" | grep regionmm | sed 's/^/# /'
}
if [ "$RMM_KERNEL" = debug ]; then
	for t in "pages" "one kmalloc object (slab teardown refuses)" \
		 "a kmalloc object and pages"; do
		ktap_skip "exit with leaked $t keeps the region, module and files gone" \
			"kmemleak reports the kept metadata"
	done
else
	leaky_exit "exit with leaked pages keeps the region, module and files gone" \
		hold=64 leak=1
	leaky_exit "exit with leaked one kmalloc object (slab teardown refuses) keeps the region, module and files gone" \
		leak_kmalloc=1
	leaky_exit "exit with leaked a kmalloc object and pages keeps the region, module and files gone" \
		hold=16 leak=1 leak_kmalloc=1
fi
ktap_finished
