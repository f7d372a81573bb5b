#!/bin/sh
# test_slab_slabtop.sh: procps' slabtop reads /proc/regionmm/slabinfo
# unchanged.  In a private mount namespace /proc/slabinfo is bind-mounted
# over by regionmm's file (Documentation/slab.rst, "slabtop"):
#   unshare -m sh -c 'mount --bind /proc/regionmm/slabinfo /proc/slabinfo;
#                     slabtop -o'
# slabtop must show regionmm's caches (the kmalloc classes and a cache a
# process holds) and none of the kernel's, while /proc/slabinfo outside the
# namespace stays the kernel's.
#
# vm-run: --mem 1G --cpus 2 --append memmap=128M$0x30000000 --bin /usr/bin/slabtop
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

command -v slab_ctl >/dev/null || ktap_skip_all "slab_ctl not built (make -C selftests/guest/tools)"
command -v slabtop >/dev/null || ktap_skip_all "no slabtop (vm-run --bin /usr/bin/slabtop)"
command -v unshare >/dev/null || ktap_skip_all "no unshare in the guest"

ktap_plan 7

rmm_load_slab region=128M@0x30000000

slab_ctl hold 500 6 > /tmp/hold.out &
hpid=$!
i=0
while [ $i -lt 50 ] && ! grep -q held /tmp/hold.out; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done

export TERM=${TERM:-dumb}
unshare -m sh -c 'mount --bind /proc/regionmm/slabinfo /proc/slabinfo &&
	slabtop -o -s c' > /tmp/slabtop.out 2>&1
rc=$?
sed 's/^/# /' /tmp/slabtop.out | head -24
[ $rc = 0 ] && grep -q 'Active / Total Objects' /tmp/slabtop.out &&
	ktap_ok "slabtop -o runs on the bind-mounted regionmm slabinfo" ||
	ktap_fail "slabtop -o runs on the bind-mounted regionmm slabinfo" "rc $rc"
grep -q 'kmalloc-64 *$' /tmp/slabtop.out && grep -q 'kmalloc-8k *$' /tmp/slabtop.out &&
	ktap_ok "slabtop lists regionmm's kmalloc caches" ||
	ktap_fail "slabtop lists regionmm's kmalloc caches"
line=$(grep 'slabctl-hold *$' /tmp/slabtop.out)
objs=$(echo "$line" | awk '{ print $2 }')
[ -n "$objs" ] && [ "$objs" -ge 500 ] &&
	ktap_ok "slabtop shows the held cache with its 500 active objects" ||
	ktap_fail "slabtop shows the held cache with its 500 active objects" "line: $line"
# the kernel's own caches must not leak into the namespace's view
if grep -qE '(task_struct|dentry|inode_cache|vm_area_struct) *$' /tmp/slabtop.out; then
	ktap_fail "only regionmm's caches inside the namespace"
else
	ktap_ok "only regionmm's caches inside the namespace"
fi
if [ -r /proc/slabinfo ]; then
	! grep -q '^slabctl-hold ' /proc/slabinfo &&
		ktap_ok "outside the namespace /proc/slabinfo is still the kernel's" ||
		ktap_fail "outside the namespace /proc/slabinfo is still the kernel's"
else
	ktap_skip "outside the namespace /proc/slabinfo is still the kernel's" "no /proc/slabinfo"
fi
wait $hpid
rmm_unload && ktap_ok "rmmod" || ktap_fail "rmmod" "$RMM_OUT"

ktap_finished
