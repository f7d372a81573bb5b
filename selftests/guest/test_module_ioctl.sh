#!/bin/sh
# test_module_ioctl.sh: /proc/sys/regionmm tunables and /dev/regionmm ioctls.
#  - every tunable reads back; good writes recompute watermarks at once;
#    bad writes (below/above the kernel's limits, junk) are refused with
#    EINVAL and change nothing; `sysctl regionmm.x=y` works;
#    oom_dump_tasks/oom_kill_allocating_task as the kernel's proc_dointvec;
#  - every malformed ioctl gets EINVAL/EFAULT/ENOTTY (rmmctl badargs);
#    a refused ioctl logs exactly one line naming the field and the reason
#    and changes nothing; repeated, the lines are rate-limited;
#  - one file holds at most ioctl_max_blocks blocks (ENOSPC and a line);
#  - allocation stops with ENOMEM at the min watermark, __GFP_HIGH and
#    ATOMIC get deeper (like the kernel's ALLOC_MIN_RESERVE/NON_BLOCK);
#  - data written into held pages is intact; RMM_IOC_VALIDATE passes,
#    also while another process allocates and frees (it drops the zone
#    lock between steps and must not report what concurrency moved);
#  - with a Movable zone (movablecore=50%): protection (lowmem_reserve) is
#    the kernel's setup_per_zone_lowmem_reserve() worked by hand from the
#    printed managed pages, for the default ratios and after a write.
#
# vm-run: --mem 1G --cpus 2 --append memmap=128M$0x30000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 29

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
echo $mfk > $S/min_free_kbytes
echo 10 > $S/watermark_scale_factor

# the OOM tunables are proc_dointvec in the kernel (mm/oom_kill.c): the
# same defaults as the running kernel's, any int kept as written, junk and
# values beyond int refused
oom_ok=1
for t in oom_dump_tasks oom_kill_allocating_task; do
	[ "$(cat $S/$t)" = "$(cat /proc/sys/vm/$t)" ] ||
		{ oom_ok=0; ktap_diag "$t: $(cat $S/$t), vm.$t $(cat /proc/sys/vm/$t)"; }
	for v in 0 7 -3 1; do
		echo $v > $S/$t && [ "$(cat $S/$t)" = $v ] ||
			{ oom_ok=0; ktap_diag "$t=$v: read back $(cat $S/$t)"; }
	done
	for v in abc 2147483648; do
		echo $v > $S/$t 2>/dev/null &&
			{ oom_ok=0; ktap_diag "$t=$v accepted"; }
	done
	[ "$(cat $S/$t)" = 1 ] || oom_ok=0
done
echo 0 > $S/oom_kill_allocating_task
[ $oom_ok = 1 ] &&
	ktap_ok "oom_dump_tasks, oom_kill_allocating_task: kernel defaults, any int, junk refused" ||
	ktap_fail "oom_dump_tasks, oom_kill_allocating_task: kernel defaults, any int, junk refused"

out=$(rmmctl badargs 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
ktap_result "every malformed ioctl is refused (rmmctl badargs)" $rc

# one refused ioctl: one pr_err line naming the field and why; no change
# (the per-CPU lists are empty here: nothing was allocated yet)
st0=$(rmmctl info; cat /proc/regionmm/buddyinfo)
n0=$(rmm_dmesg_lines)
rmmctl bad 1 >/dev/null
rc=$?
new=$(rmm_dmesg_since "$n0")
st1=$(rmmctl info; cat /proc/regionmm/buddyinfo)
ktap_diag "new dmesg: $new"
[ $rc = 0 ] && [ "$(echo "$new" | grep -c .)" = 1 ] &&
	echo "$new" | grep -q 'regionmm: RMM_IOC_ALLOC_PAGES: order 99: not below [0-9]' &&
	[ "$st0" = "$st1" ] &&
	ktap_ok "a refused ioctl logs one line naming the field and reason, changes nothing" ||
	ktap_fail "a refused ioctl logs one line naming the field and reason, changes nothing" \
		"rc $rc; state $( [ "$st0" = "$st1" ] && echo same || echo changed)"
n0=$(rmm_dmesg_lines)
rmmctl bad 200 >/dev/null
rc=$?
nl=$(rmm_dmesg_since "$n0" | grep -c 'RMM_IOC_ALLOC_PAGES: order 99')
ktap_diag "200 refused ioctls: $nl log lines"
[ $rc = 0 ] && [ "$nl" -ge 1 ] && [ "$nl" -le 10 ] &&
	ktap_ok "the lines of refused ioctls are rate-limited ($nl for 200)" ||
	ktap_fail "the lines of refused ioctls are rate-limited" "rc $rc, $nl lines"

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

# the per-file bound on held blocks (tracking entries)
P=/sys/module/regionmm/parameters/ioctl_max_blocks
mb=$(cat $P)
n0=$(rmm_dmesg_lines)
echo 8 > $P
fill=$(rmmctl fill 0)
new=$(rmm_dmesg_since "$n0")
ktap_diag "ioctl_max_blocks $mb -> 8: $(echo $fill); dmesg: $new"
echo "$fill" | grep -q '^allocs=8 errno=28$' &&
	echo "$fill" | grep -q '^realloc_errno=0$' &&
	[ "$(echo "$new" | grep -c .)" = 1 ] &&
	echo "$new" | grep -q 'regionmm: RMM_IOC_ALLOC_PAGES: .*ioctl_max_blocks=8' &&
	ktap_ok "a file holds at most ioctl_max_blocks blocks (ENOSPC and one line)" ||
	ktap_fail "a file holds at most ioctl_max_blocks blocks (ENOSPC and one line)"
bad=0
for v in 0 16777217 x -1; do
	echo $v > $P 2>/dev/null && { bad=1; ktap_diag "ioctl_max_blocks=$v accepted"; }
done
[ $bad = 0 ] && [ "$(cat $P)" = 8 ] && [ "$mb" = 1048576 ] &&
	ktap_ok "ioctl_max_blocks: default 1048576, bad values refused" ||
	ktap_fail "ioctl_max_blocks: default 1048576, bad values refused" "now $(cat $P), default $mb"
echo "$mb" > $P

ktap_check "data integrity: 256 order-0 and 32 order-5 blocks" \
	sh -c 'rmmctl pattern 256 0 && rmmctl pattern 32 5'
# VALIDATE steps through the zone dropping the lock: while a churn runs on
# the other CPU it must see no error that is not there
rmmctl frag 40 200 >/dev/null 2>&1 &
churn=$!
vout=$(rmmctl validate 200)
rc=$?
wait $churn
crc=$?
ktap_diag "$vout; churn exit $crc"
[ $rc = 0 ] && [ $crc = 0 ] && rmmctl validate 1 >/dev/null &&
	ktap_ok "RMM_IOC_VALIDATE under concurrent allocation: no false errors" ||
	ktap_fail "RMM_IOC_VALIDATE under concurrent allocation: no false errors" "$vout"
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
# compaction moves the movable order-0 blocks a file holds: QUERY_PAGES
# follows them, their data stays (the migrate callback of ioctl_page.c)
out=$(rmmctl movefrag 16384 2>&1)
rc=$?
ktap_diag "movefrag: $out"
held=$(echo "$out" | sed -n 's/.*held=\([0-9]*\).*/\1/p')
moved=$(echo "$out" | sed -n 's/.*moved=\([0-9]*\).*/\1/p')
[ $rc = 0 ] && echo "$out" | grep -q 'bad_words=0 compact_errno=0$' &&
	[ "${held:-0}" -ge 1000 ] && [ "${moved:-0}" -ge $((held / 10)) ] &&
	ktap_ok "compact_memory moves /dev/regionmm movable blocks ($moved of $held): QUERY_PAGES follows, data intact" ||
	ktap_fail "compact_memory moves /dev/regionmm movable blocks" "$out"
ktap_check "rmmod" rmm_unload

# protection = lowmem_reserve as the kernel's setup_per_zone_lowmem_reserve()
# computes it: zone i, column j > i: (managed of zones i+1..j) / ratio[i];
# 0 where ratio[i] is 0 or zone i manages nothing, and for j <= i.  Worked
# here from the managed pages zoneinfo prints.  Prints "checked N nonzero M"
# or the first difference.
lowmem_check() {	# RATIOS
	awk -v ratios="$1" '
	function flush(   i, j, m, want) {
		for (i = 0; i < nz; i++) {
			m = 0
			for (j = 0; j < nz; j++) {
				if (j > i)
					m += man[j]
				want = (j <= i || r[i] < 1 || man[i] == 0) ? 0 :
					int(m / r[i])
				if (prot[i, j] != want) {
					printf "node %s zone %d protection[%d] = %s, formula %d\n",
						node, i, j, prot[i, j], want
					bad = 1
				}
				checked++
				nonzero += want != 0
			}
		}
		nz = 0
	}
	BEGIN { split(ratios, rr, " "); for (k in rr) r[k - 1] = rr[k] }
	/^Node/ { n = $2; sub(",", "", n)
		  if (n != node && nz) flush()
		  node = n; z = nz++ }
	$1 == "managed" { man[z] = $2 }
	$1 == "protection:" { p = $0; sub(/.*\(/, "", p); sub(/\).*/, "", p)
		k = split(p, pv, ", "); for (j = 1; j <= k; j++) prot[z, j - 1] = pv[j] }
	END { if (nz) flush(); printf "checked %d nonzero %d\n", checked, nonzero
	      exit bad }' /proc/regionmm/zoneinfo
}

# a bad value at load time: refused while the parameters are parsed
# (busybox insmod tries finit_module, then init_module: the line may repeat)
n0=$(rmm_dmesg_lines)
if rmm_load region=128M@0x30000000 ioctl_max_blocks=0; then
	rmm_unload
	ktap_fail "insmod ioctl_max_blocks=0 refused" "loaded"
else
	new=$(rmm_dmesg_since "$n0")
	echo "$RMM_OUT" | grep -qi "invalid argument" &&
		echo "$new" | grep -q "regionmm: ioctl_max_blocks: '0' is not a number in 1\.\.16777216" &&
		rmm_untouched &&
		ktap_ok "insmod ioctl_max_blocks=0 refused with the reason" ||
		ktap_fail "insmod ioctl_max_blocks=0 refused with the reason" "$RMM_OUT; $new"
fi
# compaction=0: compact_memory refused (EOPNOTSUPP), nothing moves
if rmm_load region=128M@0x30000000 compaction=0; then
	out=$(rmmctl movefrag 4096 2>&1)
	rc=$?
	rmm_unload
	[ $rc = 0 ] && echo "$out" | grep -q 'moved=0 bad_words=0 compact_errno=95$' &&
		ktap_ok "compaction=0: compact_memory refused with EOPNOTSUPP, no block moves" ||
		ktap_fail "compaction=0: compact_memory refused with EOPNOTSUPP, no block moves" "$out"
else
	ktap_fail "compaction=0: compact_memory refused with EOPNOTSUPP, no block moves" "$RMM_OUT"
fi
if rmm_load region=128M@0x30000000 movablecore=50%; then
	ktap_ok "insmod region=128M@0x30000000 movablecore=50%"
else
	ktap_fail "insmod region=128M@0x30000000 movablecore=50%" "$RMM_OUT"
fi
r0=$(cat $S/lowmem_reserve_ratio)
out=$(lowmem_check "$r0")
rc=$?
ktap_diag "ratios $r0: $out"
[ $rc = 0 ] && echo "$out" | grep -q 'nonzero [1-9]' &&
	ktap_ok "protection = managed above / lowmem_reserve_ratio (defaults $r0)" ||
	ktap_fail "protection = managed above / lowmem_reserve_ratio (defaults)" "$out"
# new ratios: every one differs from the default, so a write that does not
# take effect leaves numbers the formula does not give
r1=$(echo "$r0" | awk '{ for (i = 1; i <= NF; i++) $i = i * 3 + 4; print }')
echo "$r1" > $S/lowmem_reserve_ratio
r2=$(cat $S/lowmem_reserve_ratio)
out=$(lowmem_check "$r1")
rc=$?
ktap_diag "wrote $r1, reads $r2: $out; $(grep -m2 protection /proc/regionmm/zoneinfo | tr -s ' ' | tr '\n' ' ')"
[ $rc = 0 ] && [ "$(echo $r2)" = "$(echo $r1)" ] &&
	echo "$out" | grep -q 'nonzero [1-9]' &&
	ktap_ok "lowmem_reserve_ratio write changes protection to the formula's values" ||
	ktap_fail "lowmem_reserve_ratio write changes protection to the formula's values" "$out"
ktap_check "rmmod" rmm_unload
ktap_finished
