#!/bin/sh
# test_module_pcp_high.sh: regionmm's per-CPU lists against the KERNEL's
# own in the same guest.
#  - 6.12: the cache slice regionmm derives for PCPF_FREE_HIGH_BATCH
#    (dmesg "pcp: CPU 0 cache slice N bytes") is the kernel's
#    per_cpu_data_slice_size of CPU 0: the size of its last cache leaf
#    over the CPUs sharing it (sysfs cache/indexN: size, shared_cpu_list);
#    6.1 has no such flag.
#  - pcp_sparse_threshold= (per instance): 514 is refused with one line
#    and nothing left behind; 513 (off) is taken.
#
# vm-run: --mem 1G --cpus 2
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 6

# number of CPUs in a cpulist ("0-1,3" -> 3)
cpulist_count() {
	echo "$1" | tr ',' '\n' | awk -F- 'NF == 2 { n += $2 - $1 + 1; next }
					    NF == 1 && $1 != "" { n++ }
					    END { print n + 0 }'
}

n0=$(rmm_dmesg_lines)
if rmm_load; then
	ktap_ok "insmod regionmm.ko"
else
	ktap_fail "insmod regionmm.ko" "$RMM_OUT"
	ktap_finished
fi

case "$(uname -r)" in
6.1.*)
	ktap_skip "cache slice as the kernel's per_cpu_data_slice_size" "6.1: no PCPF_FREE_HIGH_BATCH"
	;;
*)
	leaf=$(ls -d /sys/devices/system/cpu/cpu0/cache/index* 2>/dev/null | sort -t x -k 2 -n | tail -1)
	want=0
	if [ -n "$leaf" ]; then
		type=$(cat "$leaf/type")
		kb=$(sed 's/K$//' "$leaf/size")
		nsh=$(cpulist_count "$(cat "$leaf/shared_cpu_list")")
		case "$type" in
		Data|Unified) [ "$nsh" -gt 0 ] && want=$((kb * 1024 / nsh)) ;;
		esac
		ktap_diag "kernel: $leaf $type ${kb}K shared by $nsh CPU(s)"
	fi
	got=$(rmm_dmesg_since "$n0" | sed -n 's/.*regionmm: pcp: CPU 0 cache slice \([0-9]*\) bytes.*/\1/p' | tail -1)
	got=${got:-0}
	[ "$got" = "$want" ] &&
		ktap_ok "cache slice as the kernel's per_cpu_data_slice_size ($got bytes)" ||
		ktap_fail "cache slice as the kernel's per_cpu_data_slice_size" "regionmm $got, kernel $want"
	;;
esac

rmm_unload
ktap_check "rmmod regionmm" rmm_untouched

rmm_refused "pcp_sparse_threshold=514 refused" "Invalid argument" \
	"pcp_sparse_threshold:" pcp_sparse_threshold=514
if rmm_load pcp_sparse_threshold=513; then
	v=$(cat /sys/module/regionmm/parameters/pcp_sparse_threshold)
	[ "$v" = 513 ] && ktap_ok "pcp_sparse_threshold=513 taken" ||
		ktap_fail "pcp_sparse_threshold=513 taken" "parameter reads $v"
	rmm_unload
else
	ktap_fail "pcp_sparse_threshold=513 taken" "$RMM_OUT"
fi
ktap_check "rmmod regionmm" rmm_untouched
ktap_finished
