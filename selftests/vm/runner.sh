#!/bin/bash
# selftests/vm/runner.sh: tests of the guest runner itself (scripts/vm-run),
# run on the host by selftests/run; each test point boots debian-6.12 once.
# Exit status and kernel-report detection, host programs in the guest,
# module paths, --numa/--append/--env/--add. Prints TAP.
# shellcheck disable=SC2016 # $ in single quotes is for the guest shell / memmap=
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=selftests/lib/ktap.sh
. selftests/lib/ktap.sh

K=debian-6.12
if [[ -n ${RMM_KERNELS:-} && " $RMM_KERNELS " != *" $K "* ]]; then
	ktap_skip_all "boots $K only, and RMM_KERNELS=$RMM_KERNELS"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ktap_plan 7

# The runner's own test modules are built apart from `make module` (in a
# scratch M= directory), so these tests do not depend on the state of
# regionmm.ko or of the other test modules; they reach /mod with --add.
# shellcheck source=selftests/lib/testmods.sh
. selftests/lib/testmods.sh
if ! build_testmods $K "$TMP/ko" "$TMP/build.log" rmm_test_ok rmm_test_warn; then
	sed 's/^/# /' "$TMP/build.log"
	for _ in 1 2 3 4 5 6 7; do ktap_fail "build rmm_test_ok.ko and rmm_test_warn.ko for $K"; done
	ktap_finished
fi

vm() { scripts/vm-run --kernel $K --no-build --quiet --timeout 300 --add "$TMP/ko:/mod" "$@"; }

# 1: a command that succeeds
vm -- true >"$TMP/1.out" 2>"$TMP/1.err"
rc=$?
if ((rc == 0)); then ktap_ok "vm-run -- true exits 0"; else
	ktap_fail "vm-run -- true exits 0" "got $rc"; tail -n 20 "$TMP/1.err" | sed 's/^/# /'; fi

# 2: the command's exit status comes back
vm -- sh -c 'exit 3' >"$TMP/2.out" 2>"$TMP/2.err"
rc=$?
if ((rc == 3)); then ktap_ok "vm-run -- sh -c 'exit 3' exits 3"; else
	ktap_fail "vm-run -- sh -c 'exit 3' exits 3" "got $rc"; tail -n 20 "$TMP/2.err" | sed 's/^/# /'; fi

# 3: a WARN_ON in a module fails the run although the command succeeds
vm -- 'insmod /mod/rmm_test_warn.ko; rmmod rmm_test_warn; true' >"$TMP/3.out" 2>"$TMP/3.err"
rc=$?
if ((rc == 125)) && grep -q 'kernel report' "$TMP/3.err" && grep -q 'WARNING:.*rmm_test_warn' "$TMP/3.err"; then
	ktap_ok "WARN_ON in rmm_test_warn.ko fails the run with the report (125)"
else
	ktap_fail "WARN_ON in rmm_test_warn.ko fails the run with the report (125)" "got $rc"
	tail -n 20 "$TMP/3.err" | sed 's/^/# /'
fi

# 4: a dynamically linked host program (libc + libm) runs in the guest
mkdir -p "$TMP/add/bin"
cat >"$TMP/hello.c" <<'EOF'
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	double x = argc > 1 ? atof(argv[1]) : 2.0;
	printf("hello from the host: sqrt(%g) = %.3f\n", x, sqrt(x));
	return 0;
}
EOF
if cc -O2 -o "$TMP/add/bin/hello" "$TMP/hello.c" -lm 2>"$TMP/cc.err"; then
	vm --add "$TMP/add" -- /host/bin/hello 16 >"$TMP/4.out" 2>"$TMP/4.err"
	rc=$?
	if ((rc == 0)) && grep -q 'hello from the host: sqrt(16) = 4.000' "$TMP/4.out"; then
		ktap_ok "a dynamically linked host program runs in the guest"
	else
		ktap_fail "a dynamically linked host program runs in the guest" "got $rc"
		sed 's/^/# /' "$TMP/4.out"
		tail -n 20 "$TMP/4.err" | sed 's/^/# /'
	fi
else
	ktap_fail "a dynamically linked host program runs in the guest" "cc failed"
	sed 's/^/# /' "$TMP/cc.err"
fi

# 5: test modules at /mod load and unload cleanly; the guest has its mounts
vm -- 'set -e; test -f /mod/rmm_test_ok.ko; insmod /mod/rmm_test_ok.ko
	grep -q "^rmm_test_ok " /proc/modules; rmmod rmm_test_ok
	grep -q " /sys/kernel/debug debugfs" /proc/mounts; grep -q " /tmp tmpfs" /proc/mounts
	test -c /dev/null; ip addr show lo | grep -q "inet 127.0.0.1"; echo GUEST-OK' \
	>"$TMP/5.out" 2>"$TMP/5.err"
rc=$?
if ((rc == 0)) && grep -q GUEST-OK "$TMP/5.out"; then
	ktap_ok "/mod/rmm_test_ok.ko loads and unloads; /proc /sys /dev /tmp debugfs lo ready"
else
	ktap_fail "/mod/rmm_test_ok.ko loads and unloads; /proc /sys /dev /tmp debugfs lo ready" "got $rc"
	tail -n 20 "$TMP/5.err" | sed 's/^/# /'
fi

# 6: --numa, --cpus, --mem, --append, --env reach the guest
vm --numa 2 --cpus 2 --mem 1G --append 'memmap=64M$0x30000000' --env RMM_X='a b' -- \
	'ls -d /sys/devices/system/node/node* | wc -l; nproc; cat /proc/cmdline; echo "env=$RMM_X"' \
	>"$TMP/6.out" 2>"$TMP/6.err"
rc=$?
if ((rc == 0)) && [[ $(sed -n 1p "$TMP/6.out") == 2 && $(sed -n 2p "$TMP/6.out") == 2 ]] &&
	grep -qF 'memmap=64M$0x30000000' "$TMP/6.out" && grep -qx 'env=a b' "$TMP/6.out"; then
	ktap_ok "--numa 2 --cpus 2 --append --env reach the guest"
else
	ktap_fail "--numa 2 --cpus 2 --append --env reach the guest" "got $rc"
	sed 's/^/# /' "$TMP/6.out"
	tail -n 20 "$TMP/6.err" | sed 's/^/# /'
fi

# 7: --timeout kills a guest that does not finish (exit 124)
vm --timeout 20 -- 'sleep 600' >"$TMP/7.out" 2>"$TMP/7.err"
rc=$?
if ((rc == 124)); then ktap_ok "--timeout ends a hung guest with 124"; else
	ktap_fail "--timeout ends a hung guest with 124" "got $rc"; tail -n 5 "$TMP/7.err" | sed 's/^/# /'; fi

ktap_finished
