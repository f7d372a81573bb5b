#!/bin/sh
# test_vm_env.sh: the guest environment every guest test relies on, on each
# kernel of the matrix: mounts, loopback, the host's C library, the test
# modules at /mod, and on the debug kernel kmemleak and the sanitizers.
# It is also the worked example of a guest test's header:
#
# vm-run: --mem 1G --cpus 2
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"

ktap_plan 7

ktap_check "proc, sysfs, devtmpfs, tmpfs, debugfs mounted" \
	sh -c 'grep -q " /proc proc " /proc/mounts && grep -q " /sys sysfs " /proc/mounts &&
	grep -q " /dev devtmpfs " /proc/mounts && grep -q " /tmp tmpfs " /proc/mounts &&
	grep -q " /sys/kernel/debug debugfs " /proc/mounts'

ktap_check "loopback is up" sh -c 'ip addr show lo | grep -q "inet 127.0.0.1"'

ktap_check "the host's dynamic loader and libc are present" \
	test -x /lib64/ld-linux-x86-64.so.2 -a -f /lib/x86_64-linux-gnu/libc.so.6

if [ -f /mod/rmm_test_ok.ko ]; then
	ktap_check "insmod and rmmod /mod/rmm_test_ok.ko" \
		sh -c 'insmod /mod/rmm_test_ok.ko && grep -q "^rmm_test_ok " /proc/modules && rmmod rmm_test_ok'
else
	ktap_fail "insmod and rmmod /mod/rmm_test_ok.ko" "/mod/rmm_test_ok.ko missing"
fi

ktap_check "RMM_KERNEL names the kernel" test -n "$RMM_KERNEL"

if [ "$RMM_KERNEL" = debug ]; then
	ktap_check "kmemleak is available" test -w /sys/kernel/debug/kmemleak
	ktap_check "KASAN and lockdep are on" \
		sh -c 'dmesg | grep -q "KernelAddressSanitizer initialized" && test -f /proc/lockdep'
else
	ktap_skip "kmemleak is available" "debug kernel only"
	ktap_skip "KASAN and lockdep are on" "debug kernel only"
fi

ktap_finished
