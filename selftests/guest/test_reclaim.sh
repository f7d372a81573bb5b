#!/bin/sh
# test_reclaim.sh: reclaim, swap and OOM of processes on regionmm, in one
# guest with a 96 MiB region and a virtio disk for swap.  The workload is
# rmm_pressure (selftests/guest/tools) under rmm-run, which checks every
# byte it wrote.
#  1. the reclaim worker rmm_kswapd0 exists after the load;
#  2. OOM without swap (anonymous memory cannot be reclaimed, as on the
#     kernel): a 24 MiB hog with oom_score_adj -1000, a 40 MiB hog and a
#     48 MiB filler cannot all fit: the 40 MiB hog, the biggest killable
#     task, is killed (its pid in "regionmm: Out of memory: Killed
#     process"), never the -1000 one; oom_kill counts 1; the filler ends
#     with all its data right; the dump of tasks is printed;
#  3. with swap on /dev/vda: three processes fill 48 MiB each (1.5 times
#     the region), with a hot set, a fork whose child rewrites half its pages
#     (copy-on-write) and a partial unmap: every byte reads back right;
#     pages went out and came back (pswpout, pswpin), the worker scanned
#     and stole (pgscan_kswapd, pgsteal_kswapd) and direct reclaim ran
#     too (allocstall); the read-back, sequential, read ahead (swap_ra)
#     and its faults found those pages (swap_ra_hit); writes end
#     asynchronously (pages rotated after their write, pgrotated, and
#     none is left under writeback); nothing stays swapped once they are
#     gone;
#  4. a process killed while it swaps leaves nothing behind (swap Used
#     back to 0, the region's pages back);
#  5. the worker stops at high: a hog that takes the zone below its low
#     watermark is reclaimed until free >= high, not further (it keeps
#     most of its pages), and the worker goes back to sleep;
#  6. swapoff while a process holds more swapped data than memory can
#     hold is refused (ENOMEM) and loses nothing; once memory is there,
#     swapoff brings every page back, and the process reads all of it right.
#
# vm-run: --mem 1536M --cpus 2 --disk 512M --append memmap=96M$0x40000000
# vm-run: --add build/rmm/guest/usr:/usr
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

DEV=${RMM_DISK:-/dev/vda}
[ -b "$DEV" ] || ktap_skip_all "no disk $DEV (vm-run --disk)"
T=/tmp/reclaim
mkdir -p $T

ktap_plan 22

# ev NAME: a /proc/regionmm/vmstat counter
ev() {
	awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }' /proc/regionmm/vmstat
}
# zsum FIELD: a zoneinfo watermark or "pages free", summed over the zones
zsum() {
	awk -v f="$1" '$1 == f && NF == 2 { s += $2 }
		$1 == "pages" && $2 == "free" && f == "free" { s += $3 }
		END { print s + 0 }' /proc/regionmm/zoneinfo
}
# ev_check NAME CMD...: ktap_check, skipped on a kernel without vm event
# counters (the debug kernel's tinyconfig base): regionmm's vmstat prints
# the running kernel's event names only, none there, as /proc/vmstat
have_events=0
grep -q '^pgfault ' /proc/vmstat && have_events=1
ev_check() {
	if [ $have_events = 1 ]; then
		ktap_check "$@"
	else
		ktap_skip "$1" "no CONFIG_VM_EVENT_COUNTERS in this kernel"
	fi
}
swap_used() { awk 'NR > 1 { u += $4 } END { print u + 0 }' /proc/regionmm/swaps; }
# wait_file PATH [TENTHS]: wait for PATH to exist (default 60 s)
wait_file() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt "${2:-600}" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$1" ]
}

rmm_load region=96M@0x40000000
ktap_check "insmod with a 96 MiB region" rmm_loaded

# 1. the worker
ktap_check "the reclaim worker rmm_kswapd0 runs" \
	grep -qx rmm_kswapd0 /proc/[0-9]*/comm

# 2. OOM without swap
n0=$(rmm_dmesg_lines)
rmm-run -- rmm_pressure hog 24 -a -1000 >$T/prot 2>&1 &
prot=$!
wait_file_ready() { i=0; while ! grep -q ready "$1" && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done; }
wait_file_ready $T/prot
rmm-run -- rmm_pressure hog 40 >$T/big 2>&1 &
big=$!
wait_file_ready $T/big
rmm-run -- rmm_pressure fill 48 >$T/fill 2>&1
frc=$?
sleep 1
msgs=$(rmm_dmesg_since "$n0")
ktap_check "OOM killed the biggest task (pid $big), not the -1000 one" \
	sh -c "echo '$msgs' | grep -q 'regionmm: Out of memory: Killed process $big ' &&
	       ! kill -0 $big 2>/dev/null && kill -0 $prot"
ktap_check "the task dump was printed" \
	sh -c "echo '$msgs' | grep -q 'Tasks state'"
ev_check "oom_kill counts 1" [ "$(ev oom_kill)" = 1 ]
ktap_check "the filler ended with all its data right" \
	sh -c "[ $frc = 0 ] && grep -q 'bad 0' $T/fill"
kill $prot 2>/dev/null
wait 2>/dev/null

# 3. swapping
mkswap "$DEV" >/dev/null 2>&1
ktap_check "rmm-swap on $DEV" rmm-swap on "$DEV"
o0=$(ev pswpout) i0=$(ev pswpin) k0=$(ev pgscan_kswapd) s0=$(ev pgsteal_kswapd)
r0=$(ev swap_ra) h0=$(ev swap_ra_hit) rot0=$(ev pgrotated)
a0=$(awk '$1 ~ /^allocstall_/ { s += $2 } END { print s + 0 }' /proc/regionmm/vmstat)
rmm-run -- rmm_pressure fill 48 -P 3 -H 8 -p 5 -c 3 -f -u >$T/swap 2>&1
rc=$?
cat $T/swap >&2
ktap_check "3 x 48 MiB with fork and unmap on a 96 MiB region: every byte right" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c 'bad 0' $T/swap) = 6 ]"
ev_check "pages went to swap and came back (pswpout, pswpin)" \
	sh -c "[ $(ev pswpout) -gt $o0 ] && [ $(ev pswpin) -gt $i0 ]"
ev_check "sequential read-back read ahead and hit (swap_ra $r0 -> $(ev swap_ra), swap_ra_hit $h0 -> $(ev swap_ra_hit))" \
	sh -c "[ $(ev swap_ra) -gt $r0 ] && [ $(ev swap_ra_hit) -gt $h0 ]"
wb=$(awk '$1 == "nr_writeback" { s += $2 } END { print s + 0 }' /proc/regionmm/zoneinfo)
ev_check "writes ended asynchronously: pages rotated for the next pass (pgrotated $rot0 -> $(ev pgrotated)), none left under writeback ($wb)" \
	sh -c "[ $(ev pgrotated) -gt $rot0 ] && [ $wb = 0 ]"
ev_check "the worker scanned and reclaimed (pgscan_kswapd, pgsteal_kswapd)" \
	sh -c "[ $(ev pgscan_kswapd) -gt $k0 ] && [ $(ev pgsteal_kswapd) -gt $s0 ]"
a1=$(awk '$1 ~ /^allocstall_/ { s += $2 } END { print s + 0 }' /proc/regionmm/vmstat)
ev_check "direct reclaim ran when the worker could not keep up (allocstall $a0 -> $a1)" \
	[ "$a1" -gt "$a0" ]
ktap_check "nothing stays in swap once the processes are gone" \
	[ "$(swap_used)" = 0 ]

# 4. a process killed while it swaps
free0=$(rmm_free_pages)
rmm-run -- rmm_pressure fill 128 >$T/kill 2>&1 &
victim=$!
sleep 3
kill -9 $victim
wait $victim 2>/dev/null
sleep 1
used=$(swap_used) free1=$(rmm_free_pages)
ktap_check "killed mid-swap: swap empty ($used KiB), every page back ($free1 free, $free0 before)" \
	sh -c "[ $used = 0 ] && [ $free1 -ge $free0 ]"

# 5. the worker stops at high
rmm_drain
low=$(zsum low) high=$(zsum high) free=$(zsum free)
mib=$(( (free - low + 1024) / 256 ))
ktap_diag "free $free, low $low, high $high: a hog of $mib MiB"
o0=$(ev pswpout)
rmm-run -- rmm_pressure hog $mib >$T/hog 2>&1 &
hog=$!
wait_file_ready $T/hog
# the worker's writes end asynchronously and the pages they free come
# back on its next pass: give it up to 30 s to get there
i=0
f1=$(zsum free)
while [ "$f1" -lt "$high" ] && [ $i -lt 30 ]; do
	sleep 1
	i=$((i + 1))
	f1=$(zsum free)
done
out=$(( $(ev pswpout) - o0 ))
ktap_check "the worker reclaimed up to high ($f1 free, high $high)" \
	[ "$f1" -ge "$high" ]
ev_check "and stopped there (swapped $out of $((mib * 256)) pages)" \
	sh -c "[ $out -gt 0 ] && [ $out -lt $((mib * 128)) ]"
kpid=$(grep -lx rmm_kswapd0 /proc/[0-9]*/comm | cut -d/ -f3)
i=0
while ! grep -q '^State:.*S' /proc/$kpid/status && [ $i -lt 30 ]; do
	sleep 1
	i=$((i + 1))
done
ktap_check "the worker sleeps again" grep -q '^State:.*S' /proc/$kpid/status
kill $hog
wait $hog 2>/dev/null

# 6. swapoff, with page-cluster 0: no swap readahead
echo 0 >/proc/sys/regionmm/page-cluster
r0=$(ev swap_ra) i0=$(ev pswpin)
rmm-run -- rmm_pressure fill 60 -w $T/a >$T/a.out 2>&1 &
pa=$!
wait_file $T/a.ready
rmm-run -- rmm_pressure fill 60 -s 7 -w $T/b >$T/b.out 2>&1 &
pb=$!
wait_file $T/b.ready
used=$(swap_used)
rmm-swap off "$DEV" 2>$T/off.err
offrc=$?
used1=$(swap_used)
ktap_check "swapoff refused while 120 MiB cannot fit (used $used KiB, then $used1)" \
	sh -c "[ $offrc != 0 ] && [ $used1 -gt 0 ] && grep -q '$DEV' /proc/regionmm/swaps"
touch $T/b.go
wait $pb
brc=$?
ktap_check "swapoff brought back every page" rmm-swap off "$DEV"
touch $T/a.go
wait $pa
arc=$?
ktap_check "both processes read all their data right" \
	sh -c "[ $arc = 0 ] && [ $brc = 0 ] && grep -q 'bad 0' $T/a.out && grep -q 'bad 0' $T/b.out"
ev_check "page-cluster 0: pages came back (pswpin $i0 -> $(ev pswpin)) and swap_ra stayed $r0" \
	sh -c "[ $(ev pswpin) -gt $i0 ] && [ $(ev swap_ra) = $r0 ]"
echo 3 >/proc/sys/regionmm/page-cluster

rmm_unload
ktap_finished
