#!/bin/sh
# test_rmm_run.sh: unmodified programs under rmm-run on regionmm.
#  - rmm-run refuses without the module (one line, exit 1), and its probe
#    passes with it;
#  - rmm_run_check under rmm-run: every malloc-family function, threads,
#    mremap growth, MADV_DONTNEED reading zeros, MAP_FIXED, and
#    copy-on-write after fork(): parent and child stay apart (private) or
#    share (shared); every buffer it checks is on regionmm's device;
#  - stress-ng --vm 2 --vm-method all --verify under rmm-run passes, and
#    while it runs its processes are in /proc/regionmm/tasks with resident
#    pages and meminfo's AnonPages has grown by about what they hold;
#  - sort of a 20 MB file under rmm-run: the same output as the plain run;
#    while it holds its input it is in /proc/regionmm/tasks;
#  - python3 -S building 10^6 strings: the same result as the plain run, and
#    it finds itself in /proc/regionmm/tasks with at least 100 MB, five times
#    what its VmRSS (the kernel's memory) counts;
#  - afterwards none of them is left in /proc/regionmm/tasks, AnonPages is
#    back, and regionmm unloads.
# Needs the kernel side of memory objects (src/linux/mmap.c): without it
# (RMM_IOC_MEMFD answers ENOTTY) the test is skipped.
#
# /proc/regionmm/tasks (Documentation/mmap.rst): a header, then
# "[  pid] rss swapents oom_score_adj badness name" per process.
#
# vm-run: --mem 2G --cpus 2 --append memmap=512M$0x40000000
# vm-run: --add build/rmm/guest/usr:/usr --bin /usr/bin/stress-ng --bin /usr/bin/sort
# vm-run: --bin /usr/bin/python3 --env PYTHONHOME=/usr
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

REGION=512M@0x40000000
T=/tmp/rmm_run
mkdir -p $T

ktap_plan 16

# tasks_rss PID: resident pages of PID in /proc/regionmm/tasks (0: absent)
tasks_rss() {
	awk -v p="$1" 'NR > 1 { gsub(/[][]/, " "); if ($1 == p) { print $2; f = 1; exit } }
		END { if (!f) print 0 }' /proc/regionmm/tasks 2>/dev/null || echo 0
}
# tasks_comm_rss COMM: resident pages of all COMM processes in the file
tasks_comm_rss() {
	awk -v c="$1" 'NR > 1 { gsub(/[][]/, " "); if (index($NF, c) == 1) s += $2 }
		END { print s + 0 }' /proc/regionmm/tasks 2>/dev/null || echo 0
}
anon_kb() {
	awk '$1 == "AnonPages:" { print $2 }' /proc/regionmm/meminfo
}

# ------------------------------------------------------------- refusal
out=$(rmm-run true 2>&1)
rc=$?
[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] &&
	echo "$out" | grep -q '^rmm-run: /dev/regionmm does not exist' &&
	ktap_ok "without regionmm rmm-run refuses in one line" ||
	ktap_fail "without regionmm rmm-run refuses in one line" "exit $rc: $out"

if ! rmm_load region=$REGION; then
	ktap_fail "insmod region=$REGION" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod region=$REGION"

out=$(rmm-run true 2>&1)
rc=$?
case $out in
*ENOTTY*)
	ktap_diag "$out"
	ktap_skip_all "this regionmm has no memory objects (src/linux/mmap.c)"
	;;
esac
[ $rc = 0 ] && ktap_ok "rmm-run's probe makes, maps and touches an object" ||
	ktap_fail "rmm-run's probe makes, maps and touches an object" "exit $rc: $out"
anon0=$(anon_kb)

# ------------------------------------------------------- rmm_run_check
rmm-run rmm_run_check >$T/check 2>&1
rc=$?
n=$(grep -c '^ok ' $T/check)
[ $rc = 0 ] && ! grep -q '^not ok' $T/check && [ "$n" -ge 30 ] &&
	ktap_ok "rmm_run_check under rmm-run: $n points pass" ||
	ktap_fail "rmm_run_check under rmm-run (exit $rc, $n ok)" \
		"$(grep -E '^not ok|^#' $T/check | head -20)"
grep -q "^ok .*fork: the child does not see the parent's later writes" $T/check &&
	grep -q "^ok .*fork: the parent does not see the child's writes" $T/check &&
	ktap_ok "copy-on-write after fork keeps parent and child apart" ||
	ktap_fail "copy-on-write after fork keeps parent and child apart"
rmm_run_check malloc >$T/plain 2>&1
[ $? != 0 ] && grep -q "^not ok .*backend's" $T/plain &&
	ktap_ok "rmm_run_check without rmm-run fails (its memory is not regionmm's)" ||
	ktap_fail "rmm_run_check without rmm-run fails (its memory is not regionmm's)"

# ------------------------------------------------------------ stress-ng
rmm-run stress-ng --vm 2 --vm-bytes 48M --vm-method all --verify -t 10s \
	--metrics-brief >$T/stress 2>&1 &
spid=$!
peak=0 apeak=0
for _ in 1 2 3 4 5 6 7 8; do
	sleep 1
	r=$(tasks_comm_rss stress-ng)
	a=$(anon_kb)
	[ "$r" -gt "$peak" ] && peak=$r
	[ "$a" -gt "$apeak" ] && apeak=$a
done
wait $spid
rc=$?
ktap_diag "stress-ng: up to $peak pages in /proc/regionmm/tasks, AnonPages $anon0 -> $apeak kB"
[ $rc = 0 ] && ! grep -qiE 'fail|error' $T/stress &&
	ktap_ok "stress-ng --vm 2 --vm-method all --verify under rmm-run passes" ||
	ktap_fail "stress-ng --vm 2 --vm-method all --verify under rmm-run passes" \
		"exit $rc: $(grep -iE 'fail|error' $T/stress | head -5)"
# two workers of 48 MiB: at least 16 MiB resident on regionmm at a time
[ "$peak" -ge 4096 ] &&
	ktap_ok "stress-ng's memory shows in /proc/regionmm/tasks ($peak pages)" ||
	ktap_fail "stress-ng's memory shows in /proc/regionmm/tasks ($peak pages)"
[ $((apeak - anon0)) -ge 16384 ] &&
	ktap_ok "meminfo AnonPages grows while it runs ($anon0 -> $apeak kB)" ||
	ktap_fail "meminfo AnonPages grows while it runs ($anon0 -> $apeak kB)"

# ----------------------------------------------------------------- sort
awk 'BEGIN { srand(7); for (i = 0; i < 1000000; i++)
	printf "%08x %d line %d\n", int(rand() * 4294967295), i % 977, i }' >$T/in
LC_ALL=C /usr/bin/sort -S 64M $T/in >$T/sorted.plain
mkfifo $T/fifo
LC_ALL=C rmm-run sort -S 64M $T/fifo >$T/sorted.rmm &
# (rmm-run runs /usr/bin/sort, not busybox's applet: see scripts/rmm-run)
spid=$!
exec 3>$T/fifo
cat $T/in >&3
held=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
	held=$(tasks_rss $spid)
	[ "$held" -ge 4096 ] && break
	sleep 1
done
exec 3>&-
wait $spid
rc=$?
[ "$held" -ge 4096 ] &&
	ktap_ok "sort holding its input is in /proc/regionmm/tasks ($held pages)" ||
	ktap_fail "sort holding its input is in /proc/regionmm/tasks ($held pages)"
[ $rc = 0 ] && cmp -s $T/sorted.plain $T/sorted.rmm &&
	ktap_ok "sort under rmm-run: the same output as the plain run" ||
	ktap_fail "sort under rmm-run: the same output as the plain run" "exit $rc"
rm -f $T/in $T/sorted.* $T/fifo

# -------------------------------------------------------------- python3
cat >$T/py <<'EOF'
import os
d = {i: str(i) * 10 for i in range(1000000)}
l = sorted(d.values(), key=lambda s: s[::-1])
x = sum(len(s) * (i % 7) for i, s in enumerate(l[::100]))
rss = 0
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"):
        rss = int(line.split()[1]) // 4
mine = 0
try:
    for line in open("/proc/regionmm/tasks").readlines()[1:]:
        f = line.replace("[", " ").replace("]", " ").split()
        if f[0] == str(os.getpid()):
            mine = int(f[1])
except OSError:
    pass
print(x, mine, rss)
EOF
read -r x_plain _ _ <<EOF
$(python3 -S $T/py 2>&1)
EOF
read -r x_rmm mine rss <<EOF
$(rmm-run python3 -S $T/py 2>&1)
EOF
ktap_diag "python3: $mine pages in /proc/regionmm/tasks, VmRSS $rss pages"
[ -n "$x_plain" ] && [ "$x_rmm" = "$x_plain" ] &&
	ktap_ok "python3 under rmm-run: the same result as the plain run" ||
	ktap_fail "python3 under rmm-run: the same result as the plain run" "$x_rmm vs $x_plain"
# regionmm's entries are special (no RSS in VmRSS): what VmRSS counts is the
# kernel's part (binary, libraries, stacks)
[ "${mine:-0}" -ge 25000 ] && [ "$mine" -ge $((${rss:-0} * 5)) ] &&
	ktap_ok "python3 finds most of its memory in /proc/regionmm/tasks" ||
	ktap_fail "python3 finds most of its memory in /proc/regionmm/tasks" "$mine pages, VmRSS $rss"

# ------------------------------------------------------------ afterwards
left=$(awk 'NR > 1' /proc/regionmm/tasks | wc -l)
[ "$left" = 0 ] && ktap_ok "no process left in /proc/regionmm/tasks" ||
	ktap_fail "no process left in /proc/regionmm/tasks" "$(cat /proc/regionmm/tasks)"
a=$(anon_kb)
[ "$a" -le $((anon0 + 64)) ] &&
	ktap_ok "AnonPages is back ($a kB, $anon0 before)" ||
	ktap_fail "AnonPages is back ($a kB, $anon0 before)"
rmm_unload &&
	ktap_ok "rmmod regionmm" || ktap_fail "rmmod regionmm" "$RMM_OUT"

ktap_finished
