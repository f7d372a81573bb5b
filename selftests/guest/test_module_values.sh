#!/bin/sh
# test_module_values.sh: the numbers in /proc/regionmm's files, not their
# shape (test_module_formats.sh does that).
#  - MemAvailable follows si_mem_available(): one awk formula, computed
#    from zoneinfo and vmstat, first reproduces the KERNEL's own
#    MemAvailable from /proc/zoneinfo + /proc/vmstat (so the formula in
#    this script is the kernel's), then regionmm's from its files;
#  - MemFree is nr_free_pages * 4 kB; zoneinfo "pages free" adds up to it;
#  - a known workload moves the counters by exactly its size: rmmctl
#    holding 1000 order-0 pages adds 1000 to pgalloc_dma32 (the region is
#    in DMA32) and nothing to pgfree, and takes 1000 pages out of
#    nr_free_pages + per-CPU lists (zoneinfo "count:") + sparse lists
#    (stats nr_pcp_sparse); letting them go adds 1000 to pgfree and puts
#    the 1000 pages back;
#  - the first unmovable allocation on a fresh region (every pageblock
#    Movable) is a fallback steal: stats pgsteal_fallback goes up and
#    pagetypeinfo shows an Unmovable pageblock;
#  - rmmctl wmtest (order-0 until ENOMEM, three times) adds exactly its
#    allocation count to pgalloc_dma32 and 3 to pgalloc_fail, and its
#    RMM_IOC_DRAIN shows in drain_all;
#  - ZONE_BELOW_HIGH (6.12): a per-CPU refill raises that CPU's pcp high
#    (zoneinfo "high:") toward high_max while the zone is above its high
#    watermark, and leaves it alone once an allocation found the zone
#    below it (nr_pcp_alloc() of 6.12); 6.1 has a fixed high;
#  - swappiness and page-cluster have the kernel's defaults and accept and
#    refuse the same writes as /proc/sys/vm/swappiness and page-cluster.
#
# vm-run: --mem 1G --cpus 2 --append memmap=128M$0x30000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 16

R=/proc/regionmm
T=/tmp/values
mkdir -p $T

# si_mem_available() over a zoneinfo and a vmstat file, in kB:
#   wmark_low   = sum of every zone's "low" (boost included, as printed)
#   totalreserve = sum over zones i of min(max(protection[j], j >= i)
#                  + high without boost, managed)
#   available   = nr_free_pages - totalreserve
#               + cache - min(cache / 2, wmark_low)
#               + recl - min(recl / 2, wmark_low), at least 0
#   cache = nr_active_file + nr_inactive_file,
#   recl  = nr_slab_reclaimable + nr_kernel_misc_reclaimable
avail_kb() {	# ZONEINFO VMSTAT
	awk '
	function min(a, b) { return a < b ? a : b }
	FNR == 1 { file++ }
	file == 1 && /^Node/ {
		zi = ($2 == node) ? zi + 1 : 0
		node = $2
	}
	file == 1 && $1 == "boost" { boost = $2 }
	file == 1 && $1 == "low" { wl += $2 }
	file == 1 && $1 == "high" { high = $2 }
	file == 1 && $1 == "managed" { managed = $2 }
	file == 1 && $1 == "protection:" {
		s = $0
		gsub(/[^0-9 ]/, " ", s)
		n = split(s, p, " ")
		mx = 0
		for (j = zi + 1; j <= n; j++)
			if (p[j] + 0 > mx)
				mx = p[j] + 0
		r = mx + high - boost
		tr += (r > managed) ? managed : r
	}
	file == 2 { v[$1] = $2 }
	END {
		a = v["nr_free_pages"] - tr
		c = v["nr_active_file"] + v["nr_inactive_file"]
		a += c - min(int(c / 2), wl)
		c = v["nr_slab_reclaimable"] + v["nr_kernel_misc_reclaimable"]
		a += c - min(int(c / 2), wl)
		print (a < 0 ? 0 : a) * 4
	}' "$1" "$2"
}

meminfo_kb() {	# FILE KEY
	awk -v k="$2:" '$1 == k { print $2 }' "$1"
}

# MemAvailable of MEMINFO equals avail_kb ZONEINFO VMSTAT; the files move
# (the kernel's all the time), so retry until a read is stable
check_avail() {	# NAME ZONEINFO VMSTAT MEMINFO
	_i=0
	while [ $_i -lt 20 ]; do
		_c1=$(avail_kb "$2" "$3")
		_m=$(meminfo_kb "$4" MemAvailable)
		_c2=$(avail_kb "$2" "$3")
		[ "$_c1" = "$_c2" ] && [ "$_c1" = "$_m" ] && break
		_i=$((_i + 1))
		usleep 200000
	done
	if [ "$_c1" = "$_m" ] && [ -n "$_m" ]; then
		ktap_ok "$1: MemAvailable $_m kB = si_mem_available() of zoneinfo + vmstat"
	else
		ktap_fail "$1: MemAvailable" "meminfo $_m kB, formula $_c1 / $_c2 kB"
	fi
}

vm() { awk -v k="$1" '$1 == k { print $2 }' $R/vmstat; }
st() { awk -v k="$1" '$1 == k { print $2 }' $R/stats; }

# free pages wherever the allocator keeps them: buddy (nr_free_pages),
# per-CPU lists (zoneinfo "count:"), sparse lists (stats); retried until
# two reads agree (the per-CPU decay work moves pages between them)
free_total() {
	_p=
	_i=0
	while [ $_i -lt 20 ]; do
		_t=$(awk 'FNR == 1 { file++ }
			file == 1 && $1 == "nr_free_pages" { f = $2 }
			file == 2 && $1 == "count:" { p += $2 }
			file == 3 && $1 == "nr_pcp_sparse" { s = $2 }
			END { print f + p + s }' $R/vmstat $R/zoneinfo $R/stats)
		[ "$_t" = "$_p" ] && break
		_p=$_t
		_i=$((_i + 1))
	done
	echo "$_t"
}

check_avail "kernel (the formula)" /proc/zoneinfo /proc/vmstat /proc/meminfo

if ! rmm_load region=128M@0x30000000; then
	ktap_fail "insmod region=128M@0x30000000" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod region=128M@0x30000000"

check_avail "regionmm, fresh" $R/zoneinfo $R/vmstat $R/meminfo

# MemFree and zoneinfo's free pages against nr_free_pages
i=0
while [ $i -lt 20 ]; do
	f1=$(vm nr_free_pages)
	mf=$(meminfo_kb $R/meminfo MemFree)
	zf=$(awk '$1 == "pages" && $2 == "free" { s += $3 } END { print s }' $R/zoneinfo)
	f2=$(vm nr_free_pages)
	[ "$f1" = "$f2" ] && [ "$zf" = "$f1" ] && break
	i=$((i + 1))
done
[ -n "$f1" ] && [ "$mf" = $((f1 * 4)) ] && [ "$zf" = "$f1" ] &&
	ktap_ok "MemFree $mf kB = nr_free_pages $f1 * 4 = zoneinfo pages free" ||
	ktap_fail "MemFree = nr_free_pages * 4 = zoneinfo pages free" \
		"MemFree $mf, nr_free_pages $f1/$f2, zoneinfo $zf"

# ---- a known workload: hold 1000 order-0 unmovable pages ----
# (a kernel without CONFIG_VM_EVENT_COUNTERS, like the debug kernel, has
# no pgalloc_* / pgfree lines, and neither has regionmm's vmstat)
grep -q '^pgfree ' /proc/vmstat && EV=1 || EV=0
NOEV="no CONFIG_VM_EVENT_COUNTERS: no pgalloc_*/pgfree in the kernel's vmstat"
N=1000
a0=$(vm pgalloc_dma32)
fr0=$(vm pgfree)
t0=$(free_total)
fb0=$(st pgsteal_fallback)
others0=$(awk '/^pgalloc_/ && $1 != "pgalloc_dma32" { s += $2 } END { print s + 0 }' $R/vmstat)
rmmctl hold 0 $N > $T/hold.out &
hold=$!
i=0
while ! grep -q holding $T/hold.out && [ $i -lt 100 ]; do
	usleep 100000
	i=$((i + 1))
done
a1=$(vm pgalloc_dma32)
fr1=$(vm pgfree)
t1=$(free_total)
fb1=$(st pgsteal_fallback)
others1=$(awk '/^pgalloc_/ && $1 != "pgalloc_dma32" { s += $2 } END { print s + 0 }' $R/vmstat)
ktap_diag "holding: pgalloc_dma32 $a0 -> $a1, pgfree $fr0 -> $fr1, free+pcp+sparse $t0 -> $t1"
if [ $EV = 0 ]; then
	ktap_skip "pgalloc_dma32 +$N for $N pages held" "$NOEV"
elif [ $((a1 - a0)) = $N ] && [ "$others1" = "$others0" ]; then
	ktap_ok "pgalloc_dma32 +$N for $N pages held (other zones +0)"
else
	ktap_fail "pgalloc_dma32 +$N for $N pages held" \
		"pgalloc_dma32 +$((a1 - a0)), other zones +$((others1 - others0))"
fi
[ "$fr1" = "$fr0" ] && [ $((t0 - t1)) = $N ] &&
	ktap_ok "pgfree +0 (if counted), free pages (buddy + per-CPU + sparse) -$N" ||
	ktap_fail "pgfree +0, free pages -$N" \
		"pgfree +$((fr1 - fr0)), free pages -$((t0 - t1))"
ub=$(awk '/^Node 0, zone +DMA32 / && NF > 6 { print $5 }' $R/pagetypeinfo)
[ -n "$fb1" ] && [ "$fb1" -gt "$fb0" ] && [ -n "$ub" ] && [ "$ub" -ge 1 ] &&
	ktap_ok "first unmovable allocation fell back: stats pgsteal_fallback $fb0 -> $fb1, $ub Unmovable pageblock(s)" ||
	ktap_fail "a fallback steal counts in stats pgsteal_fallback" \
		"pgsteal_fallback $fb0 -> $fb1, Unmovable pageblocks '$ub'"
check_avail "regionmm, $N pages held" $R/zoneinfo $R/vmstat $R/meminfo

kill $hold
wait $hold 2>/dev/null
fr2=$(vm pgfree)
t2=$(free_total)
ktap_diag "released: pgfree $fr1 -> $fr2, free+pcp+sparse $t1 -> $t2"
{ [ $EV = 0 ] || [ $((fr2 - fr1)) = $N ]; } && [ "$t2" = "$t0" ] &&
	ktap_ok "release: pgfree +$N (if counted), every page back in the free counts" ||
	ktap_fail "release: pgfree +$N, every page back" \
		"pgfree +$((fr2 - fr1)), free pages $t0 -> $t2"

# ---- allocation until the watermark refuses, three times ----
a0=$(vm pgalloc_dma32)
pf0=$(st pgalloc_fail)
dr0=$(st drain_all)
rmmctl wmtest > $T/wm.out 2>&1
a1=$(vm pgalloc_dma32)
pf1=$(st pgalloc_fail)
dr1=$(st drain_all)
n=$(awk -F'[ =]' '{ for (i = 1; i < NF; i++) if ($i ~ /_allocs$/) s += $(i + 1) } END { print s + 0 }' $T/wm.out)
ktap_diag "wmtest: $(tr '\n' ' ' < $T/wm.out)"
ktap_diag "pgalloc_dma32 $a0 -> $a1, pgalloc_fail $pf0 -> $pf1, drain_all $dr0 -> $dr1"
if [ $EV = 0 ]; then
	ktap_skip "pgalloc_dma32 counts wmtest's pages" "$NOEV"
elif [ "$n" -gt 0 ] && [ $((a1 - a0)) = "$n" ]; then
	ktap_ok "pgalloc_dma32 +$n, the pages wmtest got"
else
	ktap_fail "pgalloc_dma32 counts wmtest's pages" "+$((a1 - a0)), wmtest got $n"
fi
[ $((pf1 - pf0)) = 3 ] &&
	ktap_ok "stats pgalloc_fail +3 for wmtest's three refused allocations" ||
	ktap_fail "stats pgalloc_fail +3" "+$((pf1 - pf0))"
[ "$dr1" -gt "$dr0" ] &&
	ktap_ok "stats drain_all counts RMM_IOC_DRAIN (+$((dr1 - dr0)))" ||
	ktap_fail "stats drain_all counts RMM_IOC_DRAIN" "$dr0 -> $dr1"

# ---- ZONE_BELOW_HIGH and pcp high (6.12) ----
# zoneinfo of DMA32: a watermark, and "high:" of one CPU's pageset
zw() { awk -v k="$1" '/^Node/ { z = ($4 == "DMA32") } z && $1 == k { print $2; exit }' $R/zoneinfo; }
pcpval() {	# CPU KEY ("high:" or "count:")
	awk -v c="$1" -v k="$2" '/^Node/ { z = ($4 == "DMA32") }
		z && $1 == "cpu:" { on = ($2 == c) }
		z && on && $1 == k { print $2; exit }' $R/zoneinfo
}
hcpu() { pcpval "$1" high:; }
# run "rmmctl hold 0 N" on CPU C in the background, wait until it holds
hold_on() {	# C N OUT
	taskset $((1 << $1)) rmmctl hold 0 "$2" > "$3" &
	_i=0
	while ! grep -q holding "$3" && [ $_i -lt 100 ]; do
		usleep 100000
		_i=$((_i + 1))
	done
}
case $(uname -r) in
6.1.*)
	ktap_skip "pcp high grows on refill above the high watermark" "6.1: fixed pcp high"
	ktap_skip "ZONE_BELOW_HIGH: no growth below the high watermark" "6.1: fixed pcp high"
	;;
*)
	# a fresh instance, and a wide low..high gap (6 % of the zone) that
	# still leaves high_min (low / 2 CPUs) well below high_max: one tick
	# of the pcp high decay (an eighth a second) must not undo a growth
	# before the script reads it on a slow (debug) kernel
	rmm_unload
	rmm_load region=128M@0x30000000
	echo 600 > /proc/sys/regionmm/watermark_scale_factor
	H=$(zw high)
	L=$(zw low)
	# cpu0's first refill lifts its high from 0 to high_min: do it
	# before measuring
	hold_on 0 1 $T/h0.out
	kill $!
	wait $! 2>/dev/null
	h0=$(hcpu 0)
	hold_on 0 300 $T/h0.out
	h0p=$!
	h1=$(hcpu 0)
	F1=$(vm nr_free_pages)
	kill $h0p
	wait $h0p 2>/dev/null
	ktap_diag "above high: watermarks low $L high $H, free $F1; cpu0 high $h0 -> $h1 after 300 pages"
	[ -n "$h1" ] && [ "$h1" -gt "$h0" ] && [ "$F1" -gt "$H" ] &&
		ktap_ok "pcp high grows on refill above the high watermark ($h0 -> $h1)" ||
		ktap_fail "pcp high grows on refill above the high watermark" "cpu0 high $h0 -> $h1, free $F1, high wmark $H"
	# the pcp high decay (every second, an eighth of the way to high_min)
	# takes cpu0 off high_max again, so that growth would show
	sleep 3
	# cpu1 takes the zone 200 pages below high: that allocation
	# finds it below high and sets ZONE_BELOW_HIGH (counting the pages
	# on cpu0's list: cpu1's refills hand them back to the buddy)
	F=$(free_total)
	hold_on 1 $((F - H + 200)) $T/hb.out
	hb=$!
	h2=$(hcpu 0)
	# more than cpu0's list holds (phase one's refills left pages
	# there), so that it refills
	c2=$(pcpval 0 count:)
	hold_on 0 $((c2 + 300)) $T/h0.out
	h0p=$!
	h3=$(hcpu 0)
	F2=$(vm nr_free_pages)
	kill $h0p $hb
	wait $h0p $hb 2>/dev/null
	ktap_diag "below high: free $F -> $F2; cpu0 high $h2 -> $h3 after $((c2 + 300)) pages ($c2 were on its list)"
	[ -n "$h3" ] && [ "$h3" -le "$h2" ] && [ "$h2" -lt "$h1" ] &&
	    [ "$F2" -lt "$H" ] && [ "$F2" -gt "$L" ] &&
		ktap_ok "ZONE_BELOW_HIGH: no growth below the high watermark ($h2 -> $h3, free $F2 < $H)" ||
		ktap_fail "ZONE_BELOW_HIGH: no growth below the high watermark" "cpu0 high $h2 -> $h3 (must start below $h1), free $F2, low $L high $H"
	echo 10 > /proc/sys/regionmm/watermark_scale_factor
	;;
esac

# nothing of it in the kernel-format vmstat
if grep -qE '^(pgalloc_fail|pgsteal_fallback|drain_all|nr_pcp_sparse) ' $R/vmstat; then
	ktap_fail "regionmm-only counters stay out of vmstat"
else
	ktap_ok "regionmm-only counters stay out of vmstat"
fi

# swappiness and page-cluster: the running kernel's defaults, and the same
# writes accepted and refused as by its own /proc/sys/vm files (6.12 caps
# page-cluster at 31, 6.1 does not); the kernel's values are put back
sw_ok=1
for t in swappiness page-cluster; do
	k=/proc/sys/vm/$t
	[ $t = swappiness ] && def=60 || def=3
	# vm_swappiness; swap_setup() on more than 16 MiB of RAM
	[ "$(cat /proc/sys/regionmm/$t)" = $def ] ||
		{ sw_ok=0; ktap_diag "$t: default $(cat /proc/sys/regionmm/$t), not $def"; }
	if [ ! -e $k ]; then
		ktap_diag "no $k in this kernel: defaults checked only"
		continue
	fi
	kv=$(cat $k)
	[ "$kv" = $def ] || ktap_diag "vm.$t is $kv here, not the kernel's default $def"
	for v in 0 1 31 32 200 201 -1 1000 abc; do
		echo $v > $k 2>/dev/null && ka=1 || ka=0
		echo $v > /proc/sys/regionmm/$t 2>/dev/null && ra=1 || ra=0
		[ $ka = $ra ] && [ "$(cat $k)" = "$(cat /proc/sys/regionmm/$t)" ] ||
			{ sw_ok=0; ktap_diag "$t=$v: kernel accepted=$ka ($(cat $k)), regionmm accepted=$ra ($(cat /proc/sys/regionmm/$t))"; }
	done
	echo $kv > $k
	echo $def > /proc/sys/regionmm/$t
done
[ $sw_ok = 1 ] &&
	ktap_ok "swappiness, page-cluster: defaults 60 and 3, same writes accepted and refused as vm.*" ||
	ktap_fail "swappiness, page-cluster: defaults 60 and 3, same writes accepted and refused as vm.*"

rmm_unload
ktap_finished
