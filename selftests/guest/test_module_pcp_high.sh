#!/bin/sh
# test_module_pcp_high.sh: regionmm's per-CPU lists against the KERNEL's
# own in the same guest.
#  - 6.12: the cache slice regionmm derives for PCPF_FREE_HIGH_BATCH
#    (dmesg "pcp: CPU 0 cache slice N bytes") is the kernel's
#    per_cpu_data_slice_size of CPU 0: the size of its last cache leaf
#    over the CPUs sharing it (sysfs cache/indexN: size, shared_cpu_list);
#    6.1 has no such flag.
#  - pcp_sparse_threshold= (per instance): 514 is refused with one line
#    and nothing left behind; 513 (off) is taken.
#  - pcp dynamics, the kernel and regionmm by one model: the same
#    workload (rmm_kcompare.ko pcp_pages=N: on CPU 1 with softirqs and
#    preemption off, N order-0 movable allocations, then N frees and K
#    more of pages allocated on CPU 0, K = 0 and half a flush) on the
#    kernel's zone (alloc_page()) and on regionmm's (rmm_alloc_page(),
#    pcp_sparse_threshold=513); CPU 1's pageset count/high in each side's
#    zoneinfo must be what pcp_model (below: the running kernel's rule,
#    6.12.117 or 6.1.192, page by page) works out from that side's own
#    batch, low and managed and its state before.  Robust: N is above
#    high_max and high by several flushes, so the end state is set by the
#    growth clamp and the flush rule; nothing else uses CPU 1's lists
#    during the workload; a stray use between the workload and the read
#    repeats the round.  A kernel pageset off the model says "the kernel's
#    pcp rule changed".
#
# vm-run: --mem 640M --cpus 2 --append memmap=128M$0x10000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 13

# number of CPUs in a cpulist ("0-1,3" -> 3)
cpulist_count() {
	echo "$1" | tr ',' '\n' | awk -F- 'NF == 2 { n += $2 - $1 + 1; next }
					    NF == 1 && $1 != "" { n++ }
					    END { print n + 0 }'
}

n0=$(rmm_dmesg_lines)
if rmm_load; then
	ktap_ok "insmod regionmm.ko"
else
	ktap_fail "insmod regionmm.ko" "$RMM_OUT"
	ktap_finished
fi

case "$(uname -r)" in
6.1.*)
	ktap_skip "cache slice as the kernel's per_cpu_data_slice_size" "6.1: no PCPF_FREE_HIGH_BATCH"
	;;
*)
	leaf=$(ls -d /sys/devices/system/cpu/cpu0/cache/index* 2>/dev/null | sort -t x -k 2 -n | tail -1)
	want=0
	if [ -n "$leaf" ]; then
		type=$(cat "$leaf/type")
		kb=$(sed 's/K$//' "$leaf/size")
		nsh=$(cpulist_count "$(cat "$leaf/shared_cpu_list")")
		case "$type" in
		Data|Unified) [ "$nsh" -gt 0 ] && want=$((kb * 1024 / nsh)) ;;
		esac
		ktap_diag "kernel: $leaf $type ${kb}K shared by $nsh CPU(s)"
	fi
	got=$(rmm_dmesg_since "$n0" | sed -n 's/.*regionmm: pcp: CPU 0 cache slice \([0-9]*\) bytes.*/\1/p' | tail -1)
	got=${got:-0}
	[ "$got" = "$want" ] &&
		ktap_ok "cache slice as the kernel's per_cpu_data_slice_size ($got bytes)" ||
		ktap_fail "cache slice as the kernel's per_cpu_data_slice_size" "regionmm $got, kernel $want"
	;;
esac

rmm_unload
ktap_check "rmmod regionmm" rmm_untouched

rmm_refused "pcp_sparse_threshold=514 refused" "Invalid argument" \
	"pcp_sparse_threshold:" pcp_sparse_threshold=514
if rmm_load pcp_sparse_threshold=513; then
	v=$(cat /sys/module/regionmm/parameters/pcp_sparse_threshold)
	[ "$v" = 513 ] && ktap_ok "pcp_sparse_threshold=513 taken" ||
		ktap_fail "pcp_sparse_threshold=513 taken" "parameter reads $v"
	rmm_unload
else
	ktap_fail "pcp_sparse_threshold=513 taken" "$RMM_OUT"
fi
ktap_check "rmmod regionmm" rmm_untouched

# ---- pcp dynamics: the kernel and regionmm by one model ----
#
# The workload (selftests/kmod_compare/rmm_kcompare.ko pcp_pages=N) runs
# on CPU 1 in a bound kworker with softirqs and preemption off: N order-0
# movable allocations one by one, then N frees, then K frees of pages
# allocated before on CPU 0 (pcp_extra=K; they move the last free within
# the flush cycle: each side runs with K = 0 and K = batch << 4).
# pcp_side=kernel uses
# alloc_page() on the kernel's zone (DMA32 in this guest) and logs the
# kernel's own pageset of CPU 1 right before and right after; pcp_side=
# regionmm uses rmm_alloc_page() on regionmm's 128 MiB region, loaded with
# pcp_sparse_threshold=513 so every free goes to the per-CPU list as in
# the kernel.  pcp_model works out, from a side's own zoneinfo (batch;
# high_min/high_max as zone_highsize(): low / CPUs of the node and
# managed / 8 / CPUs, at least 4 * batch) and its pageset before, the
# count and high of CPU 1's pageset after the workload, page by page:
#   6.12.117: nr_pcp_alloc() (high grows by batch << alloc_factor up to
#   high_max; alloc_factor doubles the refill up to batch << 5; a refill
#   is capped by high - count - batch), free_count (+1 per free up to
#   batch << 5, halved per allocation), nr_pcp_high() (high clamped to
#   high_min..high_max, raised to free_count + batch when count reaches
#   it, shrunk under ZONE_BELOW_HIGH), nr_pcp_free() (free_count clamped
#   to batch..high - batch); then decay_pcp_high() (once a second: high -
#   high / 8, no lower than count - batch << 5 and high_min, count drained
#   to high), of which 0-2 steps may run before zoneinfo is read;
#   6.1.192: fixed high = max(low / CPUs, 4 * batch); a refill is batch;
#   nr_pcp_free() doubles with free_factor (up to 5, while below high -
#   batch; halved per allocation); no decay.
# The kernel's state before (count, high, free_count, alloc_factor or
# free_factor, ZONE_BELOW_HIGH, the length of the list it refills) comes
# from the module; regionmm's is a fresh load's (zoneinfo count 0, and
# high 0 on 6.12, which any pcp call would have clamped to high_min: no
# pcp call ever ran on CPU 1, so free_count, alloc_factor, free_factor and
# the lists are 0 too).  The numbers differ (the zones differ in size);
# the rule is the same.
#
# Robustness: N exceeds high_max (6.1: high) by four flushes of batch << 5,
# so high ends at its clamp and count where the flush rule leaves it; the
# test's commands run on CPU 0.  The kernel's zone serves the whole guest:
# a stray allocation or free on CPU 1 between the workload and the
# zoneinfo read shows as zoneinfo off the model while the module's own
# look right after the workload is on it; the round is then repeated (3
# at most).  The module's look off the model in every round is a kernel
# whose rule changed (a newer packaged kernel): the test says so.

KC=/mod/rmm_kcompare.ko
PCPU=1
# the test's own commands stay off CPU 1
taskset -p -c 0 $$ >/dev/null 2>&1
case "$(uname -r)" in
6.1.*) V61=1 ;;
*) V61=0 ;;
esac
node_cpus=$(cpulist_count "$(cat /sys/devices/system/node/node0/cpulist 2>/dev/null ||
			     cat /sys/devices/system/cpu/online)")

# zoneinfo FILE ZONE: "low managed count high batch" of ZONE, CPU $PCPU
zone_pcp() {
	awk -v zone="$2" -v cpu="$PCPU" '
		/^Node/ { z = $4; incpu = 0; next }
		z != zone { next }
		$1 == "low" { low = $2 }
		$1 == "managed" { man = $2 }
		$1 == "cpu:" { incpu = ($2 == cpu); next }
		incpu && $1 == "count:" { c = $2 }
		incpu && $1 == "high:" { h = $2 }
		incpu && $1 == "batch:" { b = $2 }
		END { print low + 0, man + 0, c + 0, h + 0, b + 0 }' "$1"
}

# key=value of the last dmesg line "KPCP PHASE ..." of the module
kpcp() {
	dmesg | grep "rmm_kcompare: KPCP $1 " | tail -1 |
		tr ' ' '\n' | sed -n "s/^$2=//p"
}

# pcp_model low managed batch count high free_count alloc_factor
#           free_factor list below_high N K: N allocations, N + K frees
# (K pages allocated elsewhere); prints "high_min high_max" and the
# states after the workload and after 1 and 2 decay steps, "count,high"
pcp_model() {
	awk -v v61=$V61 -v ncpu="$node_cpus" -v low="$1" -v man="$2" \
	    -v B="$3" -v c="$4" -v h="$5" -v f="$6" -v a="$7" -v ff="$8" \
	    -v l="$9" -v bh="${10}" -v N="${11}" -v K="${12:-0}" '
	function clamp(x, lo, hi) { return x < lo ? lo : (x > hi ? hi : x) }
	function max(x, y) { return x > y ? x : y }
	function min(x, y) { return x < y ? x : y }
	function shl(x, n) { while (n-- > 0) x *= 2; return x }
	# zone_highsize(): a total split over the CPUs of the node, >= 4 batch
	function highsize(total) { return max(int(total / ncpu), B * 4) }
	# 6.12 nr_pcp_alloc() (6.1: plain batch), order 0
	function refill(   high, b, maxa) {
		if (v61)
			return B > 1 ? max(B, 2) : B
		h = clamp(h, hmin, hmax); high = h
		if (high < B) return 1
		b = shl(B, a)
		if (hmin != hmax && !bh) { h = min(high + b, hmax); high = h }
		maxa = max(high - c - B, B)
		if (b <= maxa && a < 5) a++
		b = min(b, maxa)
		return b > 1 ? max(b, 2) : b
	}
	# rmqueue_pcplist(): one order-0 page from the list it refills
	function alloc1(   r) {
		if (v61) ff = int(ff / 2); else f = int(f / 2)
		if (l == 0) { r = refill(); l += r; c += r }
		l--; c--
	}
	# 6.12 nr_pcp_high() (6.1: the fixed high), order 0, no reclaim
	function nr_high(   high, fc) {
		if (v61) return h
		h = clamp(h, hmin, hmax); high = h
		if (!high) return 0
		if (hmin == hmax) return high
		if (bh) {
			fc = max(f, B); h = max(high - fc, hmin)
			high = max(c, hmin)
		} else if (c >= high && h < f + B) {
			h = clamp(f + B, hmin, hmax)
		}
		return high
	}
	# nr_pcp_free(): 6.12 free_count, 6.1 free_factor doubling
	function nr_free(high,   b) {
		if (high < B) return 1
		if (!v61) return clamp(f, B, high - B)
		b = shl(B, ff)
		if (b < high - B && ff < 5) ff++
		return clamp(b, B, high - B)
	}
	# free_unref_page_commit(), order 0; a flush leaves the zone above
	# its high watermark here, which clears ZONE_BELOW_HIGH
	function free1(   high, n) {
		if (!v61) a = int(a / 2)
		c++; l++
		if (!v61 && f < B * 32) f++
		high = nr_high()
		if (c >= high) { n = nr_free(high); c -= min(n, c); bh = 0 }
	}
	# decay_pcp_high() (6.12 only)
	function decay() {
		if (v61) return
		if (h > hmin) h = max(max(c - B * 32, h - int(h / 8)), hmin)
		if (c > h) c = h
	}
	BEGIN {
		# numbers, not strings, whatever this awk makes of -v values
		low += 0; man += 0; B += 0; c += 0; h += 0; f += 0; a += 0
		ff += 0; l += 0; bh += 0; N += 0; K += 0; ncpu += 0; v61 += 0
		if (v61) {
			hmin = hmax = highsize(low)
		} else {
			hmin = highsize(low)
			hmax = highsize(int(man / 8))
		}
		printf "%d %d", hmin, hmax
		for (i = 0; i < N; i++) alloc1()
		for (i = 0; i < N + K; i++) free1()
		printf " %d,%d", c, h
		decay(); printf " %d,%d", c, h
		decay(); printf " %d,%d\n", c, h
	}'
}

# workload pages for a side: above high_max (6.1: high) by 4 flushes of
# batch << 5
pcp_pages_for() {
	echo $(($1 + 4 * $2 * 32))
}

# in_states "count,high" "S0 S1 S2": which step (0-2) it is, or nothing
in_states() {
	_k=0
	for _s in $2; do
		[ "$_s" = "$1" ] && { echo $_k; return; }
		_k=$((_k + 1))
	done
}

if [ ! -f $KC ]; then
	for t in "insmod regionmm for the pcp workload" \
		 "kernel: pcp high_min/high_max as zone_highsize() of its zoneinfo" \
		 "kernel: pcp count/high after the workload as the model (extra 0)" \
		 "kernel: pcp count/high after the workload as the model (extra F/2)" \
		 "regionmm: pcp count/high after the workload as the model (extra 0)" \
		 "regionmm: pcp count/high after the workload as the model (extra F/2)" \
		 "rmmod regionmm"; do
		ktap_skip "$t" "$KC not built"
	done
	ktap_finished
fi

RMM_ARGS="region=128M@0x10000000 pcp_sparse_threshold=513"
if rmm_load $RMM_ARGS; then
	ktap_ok "insmod regionmm $RMM_ARGS"
else
	ktap_fail "insmod regionmm $RMM_ARGS" "$RMM_OUT"
	ktap_finished
fi

# -- the kernel's side: its zone DMA32 --
# The kernel sized its pagesets (zone_pcp_update()) when it set up the
# watermarks, before the initramfs and init memory were freed: managed has
# grown since.  Writing min_free_kbytes back redoes setup_per_zone_wmarks()
# and zone_pcp_update() from today's managed, so zoneinfo and the pagesets
# agree again (6.1 and 6.12 alike).
cat /proc/sys/vm/min_free_kbytes > /proc/sys/vm/min_free_kbytes
kz=$(awk '/^Node/ { z = $4 } $1 == "managed" && $2 > m && z != "Movable" { m = $2; zz = z }
	  END { print zz }' /proc/zoneinfo)
set -- $(zone_pcp /proc/zoneinfo "$kz")
klow=$1 kman=$2 kbatch=$5
set -- $(pcp_model "$klow" "$kman" "$kbatch" 0 0 0 0 0 0 0 0)
khmin=$1 khmax=$2
ktap_diag "kernel: zone $kz low $klow managed $kman batch $kbatch, $node_cpus CPU(s) in node 0: high_min $khmin high_max $khmax"
kpages=$(pcp_pages_for "$khmax" "$kbatch")
[ $V61 = 1 ] && kmodel=6.1.192 || kmodel=6.12.117
ksize=

# kernel_round K: one run of the workload with K extra pages; sets kres
# ("ok ..." or "fail ...") when decided, else kmsg (a stray: run again)
kernel_round() {
	if ! out=$(insmod $KC pcp_pages="$kpages" pcp_extra="$1" pcp_cpu=$PCPU pcp_side=kernel 2>&1); then
		kres="fail insmod rmm_kcompare pcp_side=kernel: $out"
		return
	fi
	set -- $(zone_pcp /proc/zoneinfo "$kz") "$1"
	zc=$3 zh=$4 K=$6
	rmmod rmm_kcompare
	if [ "$(kpcp "done" side)" != kernel ] ||
	   [ "$(kpcp before zone)" != "$kz" ] ||
	   [ "$(kpcp "done" got)" != "$kpages" ] ||
	   [ "$(kpcp "done" xgot)" != "$K" ] ||
	   [ "$(kpcp "done" other_zone)" != 0 ]; then
		kres="fail the workload did not run as planned: $(dmesg | grep 'KPCP' | tail -3)"
		return
	fi
	if [ $V61 = 0 ]; then
		# the kernel's own high_min/high_max against the hand-worked ones
		g="$(kpcp before high_min) $(kpcp before high_max)"
		[ "$g" = " " ] && g="no high_min/high_max logged"
		[ "$g" != "$khmin $khmax" ] &&
			ksize="the kernel's pcp rule changed ($(uname -r), model of $kmodel): expected high_min/high_max $khmin $khmax (zone_highsize() of zoneinfo), got $g"
		f0=$(kpcp before free_count) a0=$(kpcp before alloc_factor)
		ff0=0 bh0=$(kpcp before below_high)
	else
		f0=0 a0=0 ff0=$(kpcp before free_factor) bh0=0
		g=$(kpcp before high)
		[ "$g" != "$khmin" ] &&
			ksize="the kernel's pcp rule changed ($(uname -r), model of $kmodel): expected high $khmin (zone_highsize() of zoneinfo), got $g"
	fi
	c0=$(kpcp before count) h0=$(kpcp before high) l0=$(kpcp before list)
	set -- $(pcp_model "$klow" "$kman" "$kbatch" "$c0" "$h0" "$f0" "$a0" "$ff0" "$l0" "$bh0" "$kpages" "$K")
	shift 2
	states="$*"
	after="$(kpcp after count),$(kpcp after high)"
	k=$(in_states "$zc,$zh" "$states")
	ktap_diag "kernel round $round: before count $c0 high $h0 free_count $f0 alloc_factor $a0 free_factor $ff0 list $l0 below_high $bh0; $kpages + $K pages; model $1 (decayed $2 $3); module after $after; zoneinfo $zc,$zh"
	if [ "$after" != "$1" ]; then
		kmsg="the kernel's pcp rule changed ($(uname -r), model of $kmodel): expected count,high $1 after $kpages order-0 allocations and $kpages + $K frees on CPU $PCPU, got $after (zoneinfo $zc,$zh)"
	elif [ -z "$k" ]; then
		kmsg="zoneinfo $zc,$zh is none of the model's $states: CPU $PCPU used its lists between the workload and the read"
	else
		kres="ok count,high $zc,$zh after $kpages + $K pages (model $1, $k decay step(s) before the read)"
	fi
}

# two alignments of the last free in the flush cycle (K = 0 and half a
# flush of batch << 5): a flush size off by a factor of two can leave the
# same count in one of them, never in both
khalf=$((kbatch * 16))
for K in 0 $khalf; do
	kres= kmsg= round=0
	while [ $round -lt 3 ] && [ -z "$kres" ]; do
		round=$((round + 1))
		kernel_round "$K"
	done
	eval "kres_$K=\$kres kmsg_$K=\$kmsg"
done
if [ -n "$ksize" ]; then
	ktap_fail "kernel: pcp high_min/high_max as zone_highsize() of its zoneinfo" "$ksize"
else
	ktap_ok "kernel: pcp high_min/high_max as zone_highsize() of its zoneinfo ($khmin $khmax)"
fi
for K in 0 $khalf; do
	eval "kres=\$kres_$K kmsg=\$kmsg_$K"
	t="kernel: pcp count/high after the workload as the model (extra $K)"
	case "$kres" in
	ok*) ktap_ok "$t: ${kres#ok }" ;;
	fail*) ktap_fail "$t" "${kres#fail }" ;;
	*) ktap_fail "$t" "$kmsg" ;;
	esac
done

# -- regionmm's side: a fresh instance for each K, its DMA32 zone --
# regionmm_round K: one test point
regionmm_round() {
	K=$1
	t="regionmm: pcp count/high after the workload as the model (extra $K)"
	rz=$(awk '/^Node/ { z = $4 } $1 == "managed" && $2 > m { m = $2; zz = z }
		  END { print zz }' /proc/regionmm/zoneinfo)
	set -- $(zone_pcp /proc/regionmm/zoneinfo "$rz")
	rlow=$1 rman=$2 rc0=$3 rh0=$4 rbatch=$5
	set -- $(pcp_model "$rlow" "$rman" "$rbatch" 0 0 0 0 0 0 0 0)
	rhmin=$1 rhmax=$2
	rpages=$(pcp_pages_for "$rhmax" "$rbatch")
	ktap_diag "regionmm: zone $rz low $rlow managed $rman batch $rbatch: high_min $rhmin high_max $rhmax; before count $rc0 high $rh0; $rpages + $K pages"
	# fresh: 6.12 leaves high 0 until the first pcp call clamps it, 6.1
	# sets the fixed high at setup
	fresh=0,0
	[ $V61 = 1 ] && fresh=0,$rhmin
	if [ "$rc0,$rh0" != "$fresh" ]; then
		ktap_fail "$t" "CPU $PCPU's pageset was used before the workload: count,high $rc0,$rh0"
		return
	fi
	if ! out=$(insmod $KC pcp_pages="$rpages" pcp_extra="$K" pcp_cpu=$PCPU pcp_side=regionmm 2>&1); then
		ktap_fail "$t" "insmod rmm_kcompare pcp_side=regionmm: $out"
		return
	fi
	set -- $(zone_pcp /proc/regionmm/zoneinfo "$rz")
	zc=$3 zh=$4
	rmmod rmm_kcompare
	set -- $(pcp_model "$rlow" "$rman" "$rbatch" "$rc0" "$rh0" 0 0 0 0 0 "$rpages" "$K")
	shift 2
	k=$(in_states "$zc,$zh" "$*")
	if [ "$(kpcp "done" got)" != "$rpages" ] || [ "$(kpcp "done" xgot)" != "$K" ]; then
		ktap_fail "$t" "$(dmesg | grep KPCP | tail -1)"
	elif [ -n "$k" ]; then
		ktap_ok "$t: count,high $zc,$zh after $rpages + $K pages (model $1, $k decay step(s) before the read)"
	else
		ktap_fail "$t" "expected count,high $1 (or decayed: $2 $3) as the kernel's rule gives for regionmm's zone, got $zc,$zh"
	fi
}

regionmm_round 0
rmm_unload
if rmm_load $RMM_ARGS; then
	# batch of regionmm's zone: the same for the second fresh instance
	rb=$(zone_pcp /proc/regionmm/zoneinfo "$rz" | cut -d' ' -f5)
	regionmm_round $((rb * 16))
	rmm_unload
else
	ktap_fail "regionmm: pcp count/high after the workload as the model (extra F/2)" "reload: $RMM_OUT"
fi
ktap_check "rmmod regionmm" rmm_untouched
ktap_finished
