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
#    RMM_IOC_DRAIN shows in drain_all.
#
# vm-run: --mem 1G --cpus 2 --append memmap=128M$0x30000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 13

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
[ $((a1 - a0)) = $N ] && [ "$others1" = "$others0" ] &&
	ktap_ok "pgalloc_dma32 +$N for $N pages held (other zones +0)" ||
	ktap_fail "pgalloc_dma32 +$N for $N pages held" \
		"pgalloc_dma32 +$((a1 - a0)), other zones +$((others1 - others0))"
[ "$fr1" = "$fr0" ] && [ $((t0 - t1)) = $N ] &&
	ktap_ok "pgfree +0, free pages (buddy + per-CPU + sparse) -$N" ||
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
[ $((fr2 - fr1)) = $N ] && [ "$t2" = "$t0" ] &&
	ktap_ok "release: pgfree +$N, every page back in the free counts" ||
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
[ "$n" -gt 0 ] && [ $((a1 - a0)) = "$n" ] &&
	ktap_ok "pgalloc_dma32 +$n, the pages wmtest got" ||
	ktap_fail "pgalloc_dma32 counts wmtest's pages" "+$((a1 - a0)), wmtest got $n"
[ $((pf1 - pf0)) = 3 ] &&
	ktap_ok "stats pgalloc_fail +3 for wmtest's three refused allocations" ||
	ktap_fail "stats pgalloc_fail +3" "+$((pf1 - pf0))"
[ "$dr1" -gt "$dr0" ] &&
	ktap_ok "stats drain_all counts RMM_IOC_DRAIN (+$((dr1 - dr0)))" ||
	ktap_fail "stats drain_all counts RMM_IOC_DRAIN" "$dr0 -> $dr1"

# nothing of it in the kernel-format vmstat
if grep -qE '^(pgalloc_fail|pgsteal_fallback|drain_all|nr_pcp_sparse) ' $R/vmstat; then
	ktap_fail "regionmm-only counters stay out of vmstat"
else
	ktap_ok "regionmm-only counters stay out of vmstat"
fi

rmm_unload
ktap_finished
