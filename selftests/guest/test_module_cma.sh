#!/bin/sh
# test_module_cma.sh: the cma= backend on the debug kernel (the only one of
# the matrix with CONFIG_DMA_CMA): pages come from the boot-time cma= area
# through the DMA API (the kernel's CmaFree drops by the size), work like
# any region, and go back to CMA on unload.
#
# vm-run: --mem 1G --cpus 2 --append cma=128M
# kernels: debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

grep -q '^CmaTotal:' /proc/meminfo || ktap_skip_all "kernel without CMA"
ktap_plan 7

cmafree() { awk '/^CmaFree:/ { print $2 }' /proc/meminfo; }
cma0=$(cmafree)
ktap_diag "CmaTotal $(awk '/^CmaTotal:/ { print $2 }' /proc/meminfo) kB, CmaFree $cma0 kB"
rmm_refused "cma larger than the area" "Cannot allocate memory" "cma: .*available" cma=512M
if rmm_load cma=64M; then
	ktap_ok "insmod cma=64M"
else
	ktap_fail "insmod cma=64M" "$RMM_OUT"
	dmesg | tail
	ktap_finished
fi
cma1=$(cmafree)
ktap_diag "$(dmesg | grep 'regionmm: cma' | tail -1)"
ktap_diag "CmaFree $cma0 -> $cma1 kB"
[ $((cma0 - cma1)) -ge 65536 ] && ktap_ok "the pages come from the CMA area (CmaFree -64 MiB)" ||
	ktap_fail "the pages come from the CMA area" "CmaFree $cma0 -> $cma1"
total=$(awk '/^MemTotal:/ { print $2 }' /proc/regionmm/meminfo)
[ "$total" -gt 60000 ] && ktap_ok "regionmm manages it ($total kB)" ||
	ktap_fail "regionmm manages it" "MemTotal $total"
ktap_check "allocations, validation and data integrity" \
	sh -c 'rmmctl pattern 64 2 && rmmctl wmtest >/dev/null'
ktap_check "rmmod" rmm_unload
# (freed CMA pages may sit on per-CPU lists for a while, which CmaFree
# does not count: the proof is that the whole area can be taken again)
ktap_diag "CmaFree after unload: $(cmafree) kB"
if rmm_load cma=128M && rmm_unload; then
	ktap_ok "unload gives the pages back to CMA (the whole 128 MiB area loads again)"
else
	ktap_fail "unload gives the pages back to CMA" "$RMM_OUT"
fi
ktap_finished
