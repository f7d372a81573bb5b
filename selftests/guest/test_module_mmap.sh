#!/bin/sh
# test_module_mmap.sh: processes on regionmm memory (memory objects, mmap
# of memfds and of /dev/regionmm), checked against hand-worked values.
#  - four processes fill about 80% of the region with verifiable words
#    through memfds and the device, fork (the child sees and changes the
#    same pages), unmap and remap, mremap, punch holes, ftruncate down
#    (SIGBUS beyond) and up (zeros), read and write through /proc/pid/mem;
#    every word is checked after every step (rmm_mmap_test fill);
#  - PRIVATE objects: copy-on-write after fork keeps parent and child
#    apart in both directions, and a grandchild from the child;
#  - RMM_IOC_MADVISE: DONTNEED frees a private range, not pages still
#    shared with a child; shared objects keep their data (REMOVE punches);
#  - every refusal: MAP_PRIVATE (memfd, device) EINVAL, beyond the size
#    SIGBUS, bad MEMFD flags/pad/nid/size EINVAL with one log line,
#    preallocation EOPNOTSUPP, mremap growth, bad madvise;
#  - accounting: N shared pages touched => Shmem, Cached and Mapped grow by
#    N*4 kB and nr_shmem by N; N private pages => AnonPages by N*4 kB;
#    Metadata grows with the objects' indexes; /proc/regionmm/tasks shows
#    the holder with rss N, a shared mapping for parent and child, pages
#    held through the page ioctls, and oom_badness()'s formula worked by
#    hand (-1000: LONG_MIN);
#  - rmmod is refused while an object is open or mapped;
#  - after every process exited everything is back: the counters at 0 and,
#    after a drain, the free pages at their start value;
#  - who may open: non-root is refused by default; with the node given to
#    a group (what a udev rule does) or with user_group=GID a member gets
#    memory objects but not DRAIN/ALLOC_PAGES (EPERM), a non-member is
#    refused.
#
# vm-run: --mem 1G --cpus 2 --append memmap=128M$0x30000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

T=rmm_mmap_test
command -v $T >/dev/null || ktap_skip_all "no $T (selftests/guest/tools)"
ktap_plan 34

if ! rmm_load region=128M@0x30000000; then
	ktap_fail "insmod region=128M@0x30000000" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod region=128M@0x30000000"

R=/proc/regionmm
mi() {
	awk -v k="$1:" '$1 == k { print $2 }' $R/meminfo
}
vmstat() {
	awk -v k="$1" '$1 == k { print $2 }' $R/vmstat
}
free_kb() {
	rmm_drain && mi MemFree
}
# tasks_col PID COL: column COL (1 = pid) of PID's line in tasks
tasks_col() {
	sed 's/^\[ *\([0-9]*\)\]/\1/' $R/tasks | awk -v p="$1" -v c="$2" \
		'$1 == p { print $c }'
}
# start_hold KIND PAGES: a holder in the background; HPID, HCHILD
start_hold() {
	rm -f /tmp/hold.out
	$T hold "$1" "$2" > /tmp/hold.out 2>&1 &
	HPID=$!
	_i=0
	while ! grep -q holding /tmp/hold.out && [ $_i -lt 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	HCHILD=$(awk '/holding/ { print $3 }' /tmp/hold.out)
}
stop_hold() {
	[ -n "$HCHILD" ] && [ "$HCHILD" != 0 ] && kill -9 "$HCHILD" 2>/dev/null
	kill -9 "$HPID" 2>/dev/null
	wait "$HPID" 2>/dev/null
	HCHILD=
	sleep 0.2
}

free0=$(free_kb)
managed=$(awk '/^MemTotal:/ { print $2 / 4 }' $R/meminfo)
ktap_diag "start: MemFree $free0 kB, managed $managed pages"

# ---- several processes fill most of the region ----
each=$((free0 / 4 * 8 / 10 / 4))
pids=
for s in 1 2 3 4; do
	$T fill $each $s > /tmp/fill.$s 2>&1 &
	pids="$pids $!"
done
rc=0
for p in $pids; do
	wait "$p" || rc=1
done
cat /tmp/fill.1 /tmp/fill.2 /tmp/fill.3 /tmp/fill.4 | grep -v ': ok$' | head -20 |
	while read -r l; do ktap_diag "$l"; done
[ $rc = 0 ] && [ "$(cat /tmp/fill.* | grep -c ': ok$')" = 4 ] &&
	ktap_ok "4 processes x $each pages: fork, remap, mremap, punch, ftruncate, /proc/pid/mem: every word right" ||
	ktap_fail "4 processes x $each pages: every word right"

out=$($T cow 2048 2>&1)
ktap_result "PRIVATE object: copy-on-write after fork, both directions, grandchild ($out)" $?
out=$($T madvise 2>&1)
ktap_result "RMM_IOC_MADVISE: private pages freed, shared ones kept ($out)" $?

# ---- refusals ----
for w in private devprivate beyond pad nid size falloc grow madvbad; do
	out=$($T refuse $w 2>&1)
	ktap_result "refused: $out" $?
done
n=$(rmm_dmesg_lines)
out=$($T refuse flags 2>&1)
rc=$?
log=$(rmm_dmesg_since "$n" | grep 'regionmm:')
if [ $rc = 0 ] && [ "$(echo "$log" | grep -c 'RMM_IOC_MEMFD: flags 0x80')" = 1 ]; then
	ktap_ok "refused: $out, one log line: $(echo "$log" | sed 's/^\[[^]]*\] //')"
else
	ktap_fail "refused: RMM_IOC_MEMFD flags 0x80 with one log line" "$out / $log"
fi

# ---- accounting ----
shm0=$(mi Shmem) cached0=$(mi Cached) mapped0=$(mi Mapped) anon0=$(mi AnonPages)
meta0=$(mi Metadata)
start_hold shared 1000
shm=$(mi Shmem) cached=$(mi Cached) mapped=$(mi Mapped) anon=$(mi AnonPages)
meta=$(mi Metadata)
ktap_diag "shared 1000: Shmem $shm0->$shm Cached $cached0->$cached Mapped $mapped0->$mapped AnonPages $anon0->$anon Metadata $meta0->$meta nr_shmem $(vmstat nr_shmem)"
[ $((shm - shm0)) = 4000 ] && [ $((cached - cached0)) = 4000 ] &&
	[ $((mapped - mapped0)) = 4000 ] && [ "$anon" = "$anon0" ] &&
	[ "$(vmstat nr_shmem)" = $((shm / 4)) ] &&
	[ "$(vmstat nr_file_pages)" = $((cached / 4)) ] &&
	[ "$(vmstat nr_mapped)" = $((mapped / 4)) ] &&
	ktap_ok "1000 shared pages: Shmem, Cached, Mapped +4000 kB, nr_shmem/nr_file_pages/nr_mapped agree, AnonPages unchanged" ||
	ktap_fail "1000 shared pages: Shmem, Cached, Mapped +4000 kB"
[ "$meta" -gt "$meta0" ] &&
	ktap_ok "Metadata grows with an object's index ($meta0 -> $meta kB)" ||
	ktap_fail "Metadata grows with an object's index ($meta0 -> $meta kB)"
rss=$(tasks_col "$HPID" 2)
ktap_diag "$(head -1 $R/tasks)"
ktap_diag "$(grep "^\[ *$HPID\]" $R/tasks)"
[ "$rss" = 1000 ] && [ "$(tasks_col "$HPID" 3)" = 0 ] &&
	ktap_ok "tasks: the holder with rss 1000, swapents 0" ||
	ktap_fail "tasks: the holder with rss 1000" "got '$rss'"

# badness: rss + swap + adj * (totalpages / 1000), as oom_badness()
echo 500 > /proc/$HPID/oom_score_adj
want=$((1000 + 500 * (managed / 1000)))
got=$(tasks_col "$HPID" 5)
[ "$got" = "$want" ] && [ "$(tasks_col "$HPID" 4)" = 500 ] &&
	ktap_ok "tasks: badness with oom_score_adj 500 = 1000 + 500 * ($managed / 1000) = $want" ||
	ktap_fail "tasks: badness with oom_score_adj 500" "got '$got', want $want"
echo -1000 > /proc/$HPID/oom_score_adj
got=$(tasks_col "$HPID" 5)
[ "$got" = -9223372036854775808 ] &&
	ktap_ok "tasks: oom_score_adj -1000 is exempt: LONG_MIN as oom_badness() returns" ||
	ktap_fail "tasks: oom_score_adj -1000 is exempt" "got '$got'"

n=$(rmm_dmesg_lines)
if rmm_unload; then
	ktap_fail "rmmod refused while a memfd is open and mapped" "unloaded"
	ktap_finished
fi
rmm_loaded && ktap_ok "rmmod refused while a memfd is open and mapped: $RMM_OUT" ||
	ktap_fail "rmmod refused while a memfd is open and mapped"
stop_hold
[ "$(mi Shmem)" = "$shm0" ] && [ "$(mi Mapped)" = "$mapped0" ] &&
	[ "$(mi Cached)" = "$cached0" ] && [ "$(mi Metadata)" = "$meta0" ] &&
	ktap_ok "after the holder exited: Shmem, Cached, Mapped, Metadata back" ||
	ktap_fail "after the holder exited: counters back" "Shmem $(mi Shmem) Cached $(mi Cached) Mapped $(mi Mapped) Metadata $(mi Metadata)"

start_hold private 500
anon=$(mi AnonPages) shm=$(mi Shmem)
ktap_diag "private 500: AnonPages $anon0->$anon Shmem $shm nr_anon_pages $(vmstat nr_anon_pages)"
[ $((anon - anon0)) = 2000 ] && [ "$shm" = "$shm0" ] &&
	[ "$(vmstat nr_anon_pages)" = $((anon / 4)) ] &&
	[ "$(tasks_col "$HPID" 2)" = 500 ] &&
	ktap_ok "500 private pages: AnonPages +2000 kB, nr_anon_pages agrees, tasks rss 500" ||
	ktap_fail "500 private pages: AnonPages +2000 kB, tasks rss 500"
stop_hold
[ "$(mi AnonPages)" = "$anon0" ] &&
	ktap_ok "after exit: AnonPages back" ||
	ktap_fail "after exit: AnonPages back" "$(mi AnonPages)"

start_hold sharedfork 300
[ "$(tasks_col "$HPID" 2)" = 300 ] && [ "$(tasks_col "$HCHILD" 2)" = 300 ] &&
	[ $(($(mi Shmem) - shm0)) = 1200 ] &&
	ktap_ok "tasks: 300 shared pages count for the parent and the child (Shmem +1200 kB once)" ||
	ktap_fail "tasks: shared pages count for parent and child" "$(cat $R/tasks)"
stop_hold

start_hold dev 200
dev_rss=$(tasks_col "$HPID" 2)
stop_hold
rmmctl hold 0 64 > /tmp/rh.out 2>&1 &
rh=$!
_i=0
while ! grep -q holding /tmp/rh.out && [ $_i -lt 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
held_rss=$(tasks_col "$rh" 2)
kill -9 $rh
wait $rh 2>/dev/null
[ "$dev_rss" = 200 ] && [ "$held_rss" = 64 ] &&
	ktap_ok "tasks: a /dev/regionmm mapping (200) and pages held through ALLOC_PAGES (64) count" ||
	ktap_fail "tasks: device mapping and held pages" "dev '$dev_rss' held '$held_rss'"

# a process that closed its memfd but keeps the mapping pins the module too
start_hold mapped 16
rmm_unload
rmm_loaded && ktap_ok "rmmod refused while an object is mapped" ||
	ktap_fail "rmmod refused while an object is mapped"
stop_hold

free1=$(free_kb)
ktap_diag "end: MemFree $free1 kB (start $free0); tasks: $(wc -l < $R/tasks) line(s)"
[ "$free1" = "$free0" ] && [ "$(mi AnonPages)" = 0 ] && [ "$(mi Shmem)" = 0 ] &&
	[ "$(mi Mapped)" = 0 ] && [ "$(wc -l < $R/tasks)" = 1 ] &&
	ktap_ok "every page back after the processes exited (MemFree after a drain, counters 0, tasks empty)" ||
	ktap_fail "every page back after the processes exited" "MemFree $free1 vs $free0, AnonPages $(mi AnonPages) Shmem $(mi Shmem) Mapped $(mi Mapped)"

# ---- who may open ----
$T asuser 65534 65534 > /tmp/as.out 2>&1
ktap_result "non-root without user_group is refused: $(cat /tmp/as.out)" $(($? == 3 ? 0 : 1))
# what a udev rule GROUP="1234" MODE="0660" does
chgrp 1234 /dev/regionmm && chmod 0660 /dev/regionmm
$T asuser 65534 1234 > /tmp/as.out 2>&1
ktap_result "node group 1234, mode 0660 (the udev way): a member gets memory objects, not DRAIN/ALLOC_PAGES: $(cat /tmp/as.out)" $?
rmm_unload
rmm_loaded && ktap_fail "rmmod after the objects went" "$RMM_OUT" ||
	ktap_ok "rmmod after the objects went"
if ! rmm_load region=128M@0x30000000 user_group=1234; then
	ktap_fail "insmod user_group=1234" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod user_group=1234: $(ls -l /dev/regionmm | cut -c1-10)"
$T asuser 65534 1234 > /tmp/as.out 2>&1
ktap_result "user_group=1234: a member gets memory objects, DRAIN/ALLOC_PAGES EPERM: $(cat /tmp/as.out)" $?
$T asuser 65534 65534 > /tmp/as.out 2>&1
ktap_result "user_group=1234: a non-member is refused: $(cat /tmp/as.out)" $(($? == 3 ? 0 : 1))
rmm_unload
rmm_untouched && ktap_ok "rmmod: nothing left" || ktap_fail "rmmod: nothing left" "$RMM_OUT"
ktap_finished
