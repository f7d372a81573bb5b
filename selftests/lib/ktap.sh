# shellcheck shell=sh
# selftests/lib/ktap.sh: KTAP/TAP output helpers for regionmm's tests, in
# POSIX sh so they work in the guest's busybox sh and on the host alike.
# Source it: . "$(dirname "$0")/../lib/ktap.sh"   (guest copy: /rmm/lib/ktap.sh)
#
#   ktap_plan N             print the header and the plan "1..N"
#   ktap_ok NAME            "ok K NAME"
#   ktap_fail NAME [WHY]    "not ok K NAME" (WHY as a "# " diagnostic line)
#   ktap_skip NAME WHY      "ok K NAME # SKIP WHY"
#   ktap_check NAME CMD...  run CMD; ok when it exits 0, not ok otherwise
#   ktap_result NAME RC     ok for RC 0, skip for RC 4, not ok otherwise
#   ktap_diag MSG...        "# MSG" (comments are ignored by parsers)
#   ktap_skip_all WHY       "1..0 # SKIP WHY" and exit 4 (whole script skipped);
#                           after ktap_plan: the points not run yet are
#                           skipped and ktap_finished ends the script
#   ktap_finished           print the plan if none was given; exit 1 when
#                           anything failed, 4 when everything was skipped,
#                           else 0 (kselftest's exit codes)
# Exit codes (kselftest): 0 pass, 1 fail, 4 skip.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

KTAP_TESTNO=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0
KTAP_PLANNED=
KTAP_HEADER=

ktap_header() {
	if [ -z "$KTAP_HEADER" ]; then
		KTAP_HEADER=1
		echo "TAP version 13"
	fi
}

ktap_plan() {
	ktap_header
	KTAP_PLANNED=$1
	echo "1..$1"
}

ktap_diag() {
	ktap_header
	echo "# $*"
}

ktap_ok() {
	ktap_header
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_TESTNO $1"
}

ktap_fail() {
	ktap_header
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_FAIL=$((KTAP_FAIL + 1))
	echo "not ok $KTAP_TESTNO $1"
	[ $# -ge 2 ] && echo "# $2"
	return 0
}

ktap_skip() {
	ktap_header
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_TESTNO $1 # SKIP ${2:-}"
}

# a known failure: "not ok N NAME # TODO REASON" (TAP), counted as a skip
# by selftests/run, for a target the code does not meet yet
ktap_todo() {
	ktap_header
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "not ok $KTAP_TESTNO $1 # TODO ${2:-}"
}

ktap_result() {
	case $2 in
	0) ktap_ok "$1" ;;
	4) ktap_skip "$1" "exit status 4" ;;
	*) ktap_fail "$1" "exit status $2" ;;
	esac
}

ktap_check() {
	_ktap_name=$1
	shift
	if "$@"; then
		ktap_ok "$_ktap_name"
	else
		ktap_fail "$_ktap_name" "failed: $*"
	fi
}

ktap_skip_all() {
	ktap_header
	if [ -n "$KTAP_PLANNED" ]; then
		# A plan is out already: skip the points not run yet, then finish
		# (exit 4 if nothing ran, 1 if something failed, else 0).
		while [ "$KTAP_TESTNO" -lt "$KTAP_PLANNED" ]; do
			ktap_skip "not run" "$*"
		done
		ktap_finished
	fi
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

ktap_finished() {
	[ -n "$KTAP_PLANNED" ] || echo "1..$KTAP_TESTNO"
	echo "# totals: pass:$KTAP_PASS fail:$KTAP_FAIL skip:$KTAP_SKIP"
	if [ -n "$KTAP_PLANNED" ] && [ "$KTAP_PLANNED" -ne "$KTAP_TESTNO" ]; then
		echo "# planned $KTAP_PLANNED tests but ran $KTAP_TESTNO"
		exit $KSFT_FAIL
	fi
	if [ "$KTAP_FAIL" -gt 0 ]; then
		exit $KSFT_FAIL
	fi
	if [ "$KTAP_TESTNO" -gt 0 ] && [ "$KTAP_SKIP" -eq "$KTAP_TESTNO" ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}
