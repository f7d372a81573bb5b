#!/bin/bash
# selftests/vm/runner-debug.sh: the guest runner on the debug kernel (run on
# the host by selftests/run): a clean run passes (no kmemleak noise from
# boot), a leak is caught by kmemleak, an out-of-bounds read by KASAN; both
# fail the run with the report printed. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=selftests/lib/ktap.sh
. selftests/lib/ktap.sh
# shellcheck source=selftests/lib/testmods.sh
. selftests/lib/testmods.sh

K=debug
if [[ -n ${RMM_KERNELS:-} && " $RMM_KERNELS " != *" $K "* ]]; then
	ktap_skip_all "boots $K only, and RMM_KERNELS=$RMM_KERNELS"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ktap_plan 3
if ! build_testmods $K "$TMP/ko" "$TMP/build.log" rmm_test_ok rmm_test_leak rmm_test_kasan; then
	sed 's/^/# /' "$TMP/build.log"
	for _ in 1 2 3; do ktap_fail "build the test modules for $K"; done
	ktap_finished
fi

vm() { scripts/vm-run --kernel $K --no-build --quiet --timeout 600 --add "$TMP/ko:/mod" "$@"; }

# 1: loading and unloading a clean module passes: nothing from boot or from
# the module is reported by kmemleak, KASAN or lockdep
vm -- 'insmod /mod/rmm_test_ok.ko && rmmod rmm_test_ok' >"$TMP/1.out" 2>"$TMP/1.err"
rc=$?
if ((rc == 0)); then ktap_ok "a clean module passes on the debug kernel"; else
	ktap_fail "a clean module passes on the debug kernel" "got $rc"
	grep -A20 'kernel report' "$TMP/1.err" | head -n 40 | sed 's/^/# /'
fi

# 2: kmemleak finds a leak
vm -- 'insmod /mod/rmm_test_leak.ko' >"$TMP/2.out" 2>"$TMP/2.err"
rc=$?
if ((rc == 125)) && grep -q 'unreferenced object' "$TMP/2.err" && grep -q 'rmm_test_leak' "$TMP/2.err"; then
	ktap_ok "kmemleak reports rmm_test_leak.ko's leak and the run fails (125)"
else
	ktap_fail "kmemleak reports rmm_test_leak.ko's leak and the run fails (125)" "got $rc"
	tail -n 30 "$TMP/2.err" | sed 's/^/# /'
fi

# 3: KASAN finds an out-of-bounds read
vm -- 'insmod /mod/rmm_test_kasan.ko' >"$TMP/3.out" 2>"$TMP/3.err"
rc=$?
if ((rc == 125)) && grep -q 'BUG: KASAN: slab-out-of-bounds' "$TMP/3.err"; then
	ktap_ok "KASAN reports rmm_test_kasan.ko's out-of-bounds read and the run fails (125)"
else
	ktap_fail "KASAN reports rmm_test_kasan.ko's out-of-bounds read and the run fails (125)" "got $rc"
	tail -n 30 "$TMP/3.err" | sed 's/^/# /'
fi

ktap_finished
