#!/bin/bash
# selftests/host/test_rmm_run.sh: rmm-run and its preload library
# (src/user/rmm_preload.c) on the host, without regionmm: the library's test
# backend (RMM_PRELOAD_BACKEND=memfd) makes memfd_create() objects instead of
# regionmm ones, so real programs run under the preload here and their memory
# can be told apart in /proc/PID/maps and smaps ("/memfd:rmm-anon").
#  - rmm_run_check (selftests/guest/tools): every malloc-family function,
#    threads, fork (private stays private, shared is shared), mremap growth,
#    MADV_DONTNEED, MAP_FIXED, PROT_NONE reservations; and the same program
#    without the preload, or with the backend off, fails (so it can);
#  - sort of a 30 MB file: the output equals the plain run's, and while it
#    holds the input its resident memory is mostly the backend's;
#  - python3 building 10^6 strings: same result as the plain run, and most
#    of its resident memory is the backend's;
#  - stress-ng --vm 2 --vm-method all --verify passes, its workers' buffers
#    on the backend (RMM_RUN_VERBOSE's count at exit);
#  - rmm-run's refusals: no /dev/regionmm (default backend), bad --node, no
#    command, unknown command: one line each, exit 1 or 2.
# Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=selftests/lib/ktap.sh
. selftests/lib/ktap.sh

TMP=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; rm -rf "$TMP"' EXIT
CHECK=build/guest-tools/rmm_run_check
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

ktap_plan 14

if make -s preload >"$TMP/build" 2>&1 &&
	make -s -C selftests/guest/tools >>"$TMP/build" 2>&1; then
	ktap_ok "build librmm_preload.so and rmm_run_check"
else
	ktap_fail "build librmm_preload.so and rmm_run_check" "$(tail -5 "$TMP/build")"
	ktap_finished
fi

export RMM_PRELOAD_BACKEND=memfd
RUN=scripts/rmm-run

# ------------------------------------------------------------ the C program
"$RUN" "$CHECK" >"$TMP/check" 2>&1
rc=$?
n=$(grep -c '^ok ' "$TMP/check")
if ((rc == 0)) && ! grep -q '^not ok' "$TMP/check" && ((n >= 30)); then
	ktap_ok "rmm_run_check under rmm-run: $n points pass"
else
	ktap_fail "rmm_run_check under rmm-run (exit $rc, $n ok)" \
		"$(grep -E '^not ok|^#' "$TMP/check" | head -20)"
fi

"$CHECK" >"$TMP/plain" 2>&1
rc=$?
bad=$(grep -c '^not ok' "$TMP/plain")
((rc != 0 && bad >= 5)) &&
	ktap_ok "rmm_run_check without the preload fails ($bad points)" ||
	ktap_fail "rmm_run_check without the preload fails" "exit $rc, $bad not ok"

RMM_PRELOAD_BACKEND=off "$RUN" "$CHECK" malloc >"$TMP/off" 2>&1
rc=$?
((rc != 0)) && grep -q "^not ok .*backend's" "$TMP/off" &&
	ktap_ok "with the backend off its memory is not the backend's" ||
	ktap_fail "with the backend off its memory is not the backend's" "exit $rc"

# --------------------------------------------------------------- sort
# rmm_rss PID: resident KiB of PID's mappings of the backend's objects
rmm_rss() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { ours = /\/memfd:rmm-(anon|shared)/ }
	     ours && /^Rss:/ { s += $2 } END { print s + 0 }' "/proc/$1/smaps" 2>/dev/null || echo 0
}
all_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

awk 'BEGIN { srand(7); for (i = 0; i < 1500000; i++)
	printf "%08x %d line %d\n", int(rand() * 4294967295), i % 977, i }' >"$TMP/in"
LC_ALL=C sort -S 64M "$TMP/in" >"$TMP/sorted.plain"
mkfifo "$TMP/fifo"
LC_ALL=C "$RUN" sort -S 64M "$TMP/fifo" >"$TMP/sorted.rmm" &
pid=$!
exec 3>"$TMP/fifo"
cat "$TMP/in" >&3
# sort has read everything and waits for the end of its input: its buffer
# holds the whole file now
ours=0
for _ in $(seq 50); do
	ours=$(rmm_rss "$pid")
	((ours > 20000)) && break
	sleep 0.1
done
total=$(all_rss "$pid")
exec 3>&-
wait "$pid"
rc=$?
ktap_diag "sort: $ours KiB of $total KiB resident are the backend's"
((ours > 20000 && ours * 10 >= total * 8)) &&
	ktap_ok "sort holding a 30 MB input: >= 80 % of its memory is the backend's" ||
	ktap_fail "sort holding a 30 MB input: >= 80 % of its memory is the backend's" \
		"$ours KiB of $total KiB"
((rc == 0)) && cmp -s "$TMP/sorted.plain" "$TMP/sorted.rmm" &&
	ktap_ok "sort under rmm-run: the same output as the plain run" ||
	ktap_fail "sort under rmm-run: the same output as the plain run" "exit $rc"

# ------------------------------------------------------------- python3
cat >"$TMP/py" <<'EOF'
import hashlib, re
d = {i: str(i) * 10 for i in range(1000000)}
l = sorted(d.values(), key=lambda s: s[::-1])
h = hashlib.sha256("".join(l[::1000]).encode()).hexdigest()
ours = total = 0
for block in open("/proc/self/smaps").read().split("\n"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", block):
        mine = "/memfd:rmm-" in block
    elif block.startswith("Rss:"):
        kb = int(block.split()[1])
        total += kb
        ours += kb if mine else 0
print(h, ours, total)
EOF
read -r h_plain _ _ < <("$PY" "$TMP/py")
read -r h_rmm ours total < <("$RUN" "$PY" "$TMP/py")
ktap_diag "python3: $ours KiB of $total KiB resident are the backend's"
[[ -n $h_rmm && $h_rmm == "$h_plain" ]] &&
	ktap_ok "python3 under rmm-run: the same result as the plain run" ||
	ktap_fail "python3 under rmm-run: the same result as the plain run" "$h_rmm vs $h_plain"
((${ours:-0} > 100000 && ours * 10 >= total * 7)) &&
	ktap_ok "python3: >= 70 % of its resident memory is the backend's" ||
	ktap_fail "python3: >= 70 % of its resident memory is the backend's" "$ours of $total KiB"

# ----------------------------------------------------------- stress-ng
if command -v stress-ng >/dev/null; then
	RMM_RUN_VERBOSE=1 "$RUN" stress-ng --vm 2 --vm-bytes 32M --vm-method all \
		--verify -t 5s >"$TMP/stress" 2>&1
	rc=$?
	# the largest process's objects (a worker: its 32 MiB buffer and more)
	kb=$(sed -nE 's/^rmm-run: pid [0-9]+: [0-9]+ objects \(([0-9]+) KiB\).*/\1/p' \
		"$TMP/stress" | sort -n | tail -1)
	ktap_diag "stress-ng: largest process had ${kb:-0} KiB of objects"
	if ((rc == 0)) && grep -q 'successful run completed' "$TMP/stress" &&
		((${kb:-0} >= 32768)); then
		ktap_ok "stress-ng --vm 2 --vm-method all --verify under rmm-run"
	else
		ktap_fail "stress-ng --vm 2 --vm-method all --verify under rmm-run" \
			"exit $rc: $(grep -vE '^rmm-run: pid' "$TMP/stress" | tail -5)"
	fi
else
	ktap_skip "stress-ng --vm 2 --vm-method all --verify under rmm-run" "no stress-ng (make deps)"
fi

# ------------------------------------------------------------- rmm-run
RMM_RUN_VERBOSE=1 "$RUN" "$PY" -c 'pass' 2>"$TMP/verbose"
grep -qE '^rmm-run: pid [0-9]+: [1-9][0-9]* objects' "$TMP/verbose" &&
	ktap_ok "RMM_RUN_VERBOSE=1: the count of objects at exit" ||
	ktap_fail "RMM_RUN_VERBOSE=1: the count of objects at exit" "$(head -3 "$TMP/verbose")"

# one line, exit status, and the command never ran
refusal() {
	local name=$1 want_rc=$2 pattern=$3 rc
	shift 3
	"$@" touch "$TMP/ran" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if ((rc == want_rc)) && [[ ! -e $TMP/ran && ! -s $TMP/out ]] &&
		(($(wc -l <"$TMP/err") == 1)) && grep -qE "$pattern" "$TMP/err"; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "exit $rc: $(head -3 "$TMP/err")"
	fi
}
if [[ -e /dev/regionmm ]]; then
	ktap_skip "no /dev/regionmm: one line, exit 1" "this machine has /dev/regionmm"
else
	refusal "no /dev/regionmm: one line, exit 1" 1 '^rmm-run: /dev/regionmm does not exist' \
		env RMM_PRELOAD_BACKEND=rmm "$RUN"
fi
refusal "--node x: one line, exit 1" 1 '^rmm-run: --node: not a node number' "$RUN" --node x
refusal "unknown option: one line, exit 2" 2 '^rmm-run: unknown option --bogus' "$RUN" --bogus
"$RUN" --node 0 -- >"$TMP/out" 2>"$TMP/err"
rc=$?
if ((rc == 2)) && (($(wc -l <"$TMP/err") == 1)) && grep -q '^rmm-run: no COMMAND' "$TMP/err"; then
	ktap_ok "no command: one line, exit 2"
else
	ktap_fail "no command: one line, exit 2" "exit $rc: $(head -3 "$TMP/err")"
fi

ktap_finished
