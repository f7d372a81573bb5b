# shellcheck shell=sh
# selftests/guest/tools/rmm_mod.sh: helpers of the regionmm module tests
# (sourced by selftests/guest/test_module_*.sh after selftests/lib/ktap.sh).
#
#   rmm_load ARGS...        insmod /mod/regionmm.ko ARGS (output in $RMM_OUT)
#   rmm_unload              rmmod regionmm
#   rmm_loaded              true while regionmm is in /proc/modules
#   rmm_untouched           nothing of regionmm is left: module, /proc files,
#                           /proc/iomem claim, /dev node, sysctl dir
#   rmm_refused NAME ERR PATTERN ARGS...
#                           one test point: insmod ARGS must fail with the
#                           errno text ERR, log a new dmesg line matching
#                           PATTERN, and leave the system untouched
#   rmm_memfree_kb          the kernel's free memory: MemFree plus the
#                           pages on its per-CPU lists (zoneinfo "count:")
#   rmm_dmesg_since N       dmesg lines after the first N
#   rmm_load_slab ARGS...   the slab tests' start: test points "insmod ARGS"
#                           and, when that failed or /proc/regionmm/slabinfo
#                           lacks the kmalloc classes, ktap_finished

RMM_KO=${RMM_KO:-/mod/regionmm.ko}

rmm_load() {
	RMM_OUT=$(insmod "$RMM_KO" "$@" 2>&1)
}

rmm_unload() {
	RMM_OUT=$(rmmod regionmm 2>&1)
}

rmm_loaded() {
	grep -q '^regionmm ' /proc/modules
}

rmm_untouched() {
	! rmm_loaded && ! grep -q regionmm /proc/iomem &&
		[ ! -e /proc/regionmm ] && [ ! -e /dev/regionmm ] &&
		[ ! -e /proc/sys/regionmm ]
}

rmm_dmesg_lines() {
	dmesg | wc -l
}

rmm_dmesg_since() {
	dmesg | tail -n +"$(($1 + 1))"
}

# rmm_free_pages: regionmm's free pages, every per-CPU and sparse list
# drained first (the sparse lists are not in zoneinfo): "pages free" plus
# "count:" (0 after the drain) over every zone
rmm_free_pages() {
	rmm_drain || echo "rmm_drain failed" >&2
	awk '$1 == "pages" && $2 == "free" { f += $3 }
	     $1 == "count:" { p += $2 }
	     END { print f + p }' /proc/regionmm/zoneinfo
}

# rmm_run_cases KO NAME N [PARAM...]: insmod a test module whose init runs
# its cases, logging "NAME: ok: <case>" for each and "FAIL" on a failure.
# Two ktap points: the insmod succeeded, and exactly N cases ran and passed
# (none skipped).  The module stays loaded; the caller unloads it.
rmm_run_cases() {
	_ko=$1 _name=$2 _n=$3
	shift 3
	_l=$(rmm_dmesg_lines)
	if _out=$(insmod "$_ko" "$@" 2>&1); then
		ktap_ok "$_name: insmod (every case passed)"
	else
		ktap_fail "$_name: insmod (every case passed)" "$_out"
	fi
	_log=$(rmm_dmesg_since "$_l" | grep "$_name:")
	echo "$_log" | sed 's/^/# /'
	_c=$(echo "$_log" | grep -c "$_name: ok:")
	if [ "$_c" = "$_n" ] && ! echo "$_log" | grep -q FAIL; then
		ktap_ok "$_name: all $_n cases ran and passed"
	else
		ktap_fail "$_name: all $_n cases ran and passed" "$_c ok lines"
	fi
}

# MemFree (NR_FREE_PAGES) leaves out the pages parked on the kernel's
# per-CPU lists, and 6.12's pcp high scales up to many MiB while frees
# stream in (free_contig_range() on unload is exactly such a stream). Add
# them back from /proc/zoneinfo so a comparison across load/unload sees
# what was really returned, not where the kernel parked it.
rmm_memfree_kb() {
	awk '/^MemFree:/ { f = $2 }
	     FILENAME ~ /zoneinfo/ && $1 == "count:" { p += $2 }
	     END { print f + p * 4 }' /proc/meminfo /proc/zoneinfo
}

rmm_refused() {
	_name=$1 _err=$2 _pat=$3
	shift 3
	_n=$(rmm_dmesg_lines)
	if rmm_load "$@"; then
		rmm_unload
		ktap_fail "$_name" "insmod $* succeeded"
		return
	fi
	_log=$(rmm_dmesg_since "$_n" | grep -v -e 'taints kernel' -e 'module verification failed')
	if ! echo "$RMM_OUT" | grep -qi "$_err"; then
		ktap_fail "$_name" "insmod said: $RMM_OUT (wanted $_err)"
	elif ! echo "$_log" | grep -q "regionmm: .*$_pat"; then
		ktap_fail "$_name" "no dmesg line matching '$_pat': $_log"
	elif [ "$(echo "$_log" | grep -c 'regionmm:')" -gt 2 ]; then
		ktap_fail "$_name" "more than one line of explanation: $_log"
	elif ! rmm_untouched; then
		ktap_fail "$_name" "state left behind after a refused load"
	else
		ktap_ok "$_name: $(echo "$_log" | grep 'regionmm:' | head -1 | sed 's/^\[[^]]*\] //')"
	fi
}

rmm_load_slab() {
	if ! rmm_load "$@"; then
		ktap_fail "insmod $*" "$RMM_OUT"
		ktap_finished
	fi
	ktap_ok "insmod $*"
	if ! grep -q '^kmalloc-64 ' /proc/regionmm/slabinfo 2>/dev/null; then
		ktap_fail "slabinfo lists the kmalloc classes after load" "$(head -3 /proc/regionmm/slabinfo 2>&1)"
		rmm_unload
		ktap_finished
	fi
}

# alloc_free_on CPU N: CPU $1 allocates $2 order-0 pages and frees them
# (rmmctl hold, killed: the pages are freed at close, on that CPU); no
# RMM_IOC_DRAIN, unlike rmmctl pattern, whose drain of every CPU would hide
# what the per-CPU lists do
alloc_free_on() {
	taskset -c "$1" rmmctl hold 0 "$2" > /tmp/hold.$$ &
	_pid=$!
	_i=0
	while ! grep -q holding /tmp/hold.$$ && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -9 $_pid
	wait $_pid 2>/dev/null
}
