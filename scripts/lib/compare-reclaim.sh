#!/bin/bash
# scripts/lib/compare-reclaim.sh: the reclaim workload of
# scripts/compare-zones (its usage text says what it does; run it through
# `scripts/compare-zones --workload reclaim`).
#
# args: KERNEL REGION_MIB BUILD WORKLOAD_MIB PROCS HOT_MIB PASSES SWAP_MIB MGLRU
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=$1 MIB=$2 BUILD=$3 WMIB=$4 PROCS=$5 HOT=$6 PASSES=$7 SWAPMIB=$8 MGLRU=$9
for v in WMIB PROCS PASSES; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "compare-zones: bad ${v,,}: ${!v}" >&2; exit 2; }
done
PER=$((WMIB / PROCS))
((PER >= 1)) || { echo "compare-zones: --workload-mib below --procs" >&2; exit 2; }
HOT=${HOT:-$((MIB / 4 / PROCS))}
((HOT >= 1)) || HOT=1
SWAPMIB=${SWAPMIB:-$((2 * WMIB))}
cd "$ROOT"
if ((BUILD)); then
	make --no-print-directory module KERNEL="$KERNEL" >/dev/null
	make --no-print-directory preload >/dev/null
	make --no-print-directory -C selftests/guest/tools >/dev/null
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
START=0x40000000
# the kernel's own RAM: enough that it keeps more than the region free after
# boot (the balloon takes the excess), and RAM above the region, which must
# end below the firmware's tables at the top (Documentation/testing.rst)
MEM=$((1024 + MIB + 256))
cat >"$WORK/compare.sh" <<EOF
set -e
ARGS="fill $PER -P $PROCS -H $HOT -p $PASSES -c 5"
# vm stats of one side: "STAT side phase name value"
snap() {
	awk -v s=\$1 -v p=\$2 '{ print "STAT", s, p, \$1, \$2 }' \$3
}
# free pages and watermarks summed over the zones, every 0.5 s
sampler() {
	t0=\$(cut -d' ' -f1 /proc/uptime)
	while :; do
		awk -v s=\$1 -v t0=\$t0 -v now=\$(cut -d' ' -f1 /proc/uptime) '
			\$1 == "pages" && \$2 == "free" { f += \$3 }
			\$1 == "min" { mn += \$2 } \$1 == "low" { lo += \$2 }
			\$1 == "high" { hi += \$2 }
			END { printf "SAMPLE %s %.1f %d %d %d %d\\n", s, now - t0, f, mn, lo, hi }' \$2
		sleep 0.5
	done
}
run() {
	side=\$1
	t0=\$(cut -d' ' -f1 /proc/uptime)
	shift
	"\$@" >/tmp/out.\$side 2>&1 || echo "RC \$side \$?"
	t1=\$(cut -d' ' -f1 /proc/uptime)
	echo "TIME \$side \$(awk -v a=\$t0 -v b=\$t1 'BEGIN { printf "%.1f", b - a }')"
	grep -c 'bad 0' /tmp/out.\$side | sed "s/^/GOOD \$side /"
	grep -c 'killed by signal' /tmp/out.\$side | sed "s/^/KILLED \$side /"
}
if [ -e /sys/kernel/mm/lru_gen/enabled ]; then
	if [ $MGLRU = 1 ]; then
		echo "LRU MGLRU (lru_gen on)"
	else
		echo n >/sys/kernel/mm/lru_gen/enabled
		echo "LRU classic two lists (MGLRU switched off)"
	fi
else
	echo "LRU classic two lists (no MGLRU in this kernel)"
fi

# ---- regionmm
insmod /mod/regionmm.ko region=${MIB}M@$START
mkswap /dev/vda >/dev/null
rmm-swap on /dev/vda
snap regionmm before /proc/regionmm/vmstat
sampler regionmm /proc/regionmm/zoneinfo & sp=\$!
run regionmm rmm-run -- rmm_pressure \$ARGS
kill \$sp; wait \$sp 2>/dev/null || true
snap regionmm after /proc/regionmm/vmstat
rmm-swap off /dev/vda
rmmod regionmm

# ---- the kernel
sync; echo 3 >/proc/sys/vm/drop_caches
free_mib=\$((\$(awk '/^MemFree:/ { print \$2 }' /proc/meminfo) / 1024))
b=\$((free_mib - $MIB))
echo "BALLOON \$b \$free_mib"
if [ \$b -gt 0 ]; then
	rmm_pressure balloon \$b >/tmp/balloon 2>&1 & bp=\$!
	while ! grep -q ready /tmp/balloon; do sleep 0.2; done
fi
mkswap /dev/vda >/dev/null
swapon /dev/vda
snap kernel before /proc/vmstat
sampler kernel /proc/zoneinfo & sp=\$!
run kernel rmm_pressure \$ARGS
kill \$sp; wait \$sp 2>/dev/null || true
snap kernel after /proc/vmstat
swapoff /dev/vda
[ -n "\${bp:-}" ] && kill \$bp
true
EOF
scripts/vm-run --no-build --quiet --kernel "$KERNEL" --mem "${MEM}M" \
	--disk "${SWAPMIB}M" --append "memmap=${MIB}M\$$START" \
	--add "$WORK:/host" --add build/guest-tools:/usr/local/bin \
	--add build/rmm/guest/usr:/usr \
	-- sh /host/compare.sh >"$WORK/out"

awk -v kernel="$KERNEL" -v mib="$MIB" -v wmib="$WMIB" -v procs="$PROCS" \
    -v hot="$HOT" -v passes="$PASSES" -v swapmib="$SWAPMIB" '
/^LRU/ { lru = substr($0, 5) }
/^STAT/ { v[$2, $3, $4] = $5 }
/^TIME/ { t[$2] = $3 }
/^GOOD/ { good[$2] = $3 }
/^KILLED/ { killed[$2] = $3 }
/^RC/ { rc[$2] = $3 }
/^BALLOON/ { balloon = $2; kfree = $3 }
/^SAMPLE/ { n[$2]++; s[$2, n[$2]] = sprintf("%6.1f s %8d %8d %8d %8d", $3, $4, $5, $6, $7) }
function d(side, name) { return v[side, "after", name] - v[side, "before", name] }
function row(label, name,   a, b) {
	printf "  %-28s %12d %12d\n", label, d("regionmm", name), d("kernel", name)
}
function allocstall(side,   z, sum) {
	split("dma dma32 normal movable device", z, " ")
	sum = 0
	for (i in z) sum += d(side, "allocstall_" z[i])
	return sum
}
END {
	printf "compare-zones reclaim: %s, region %d MiB; %d processes x %d MiB (hot %d MiB, %d passes, cold every 5);\n", kernel, mib, procs, int(wmib / procs), hot, passes
	printf "swap: a %d MiB virtio disk on each side; kernel side: %s, %d MiB free before the balloon took %d MiB\n\n", swapmib, lru, kfree, balloon
	printf "  %-28s %12s %12s\n", "", "regionmm", "kernel"
	printf "  %-28s %12s %12s\n", "runtime (s)", t["regionmm"], t["kernel"]
	printf "  %-28s %12d %12d\n", "processes with all data ok", good["regionmm"], good["kernel"]
	row("pgscan_kswapd", "pgscan_kswapd")
	row("pgsteal_kswapd", "pgsteal_kswapd")
	row("pgscan_direct", "pgscan_direct")
	row("pgsteal_direct", "pgsteal_direct")
	printf "  %-28s %12d %12d\n", "allocstall (all zones)", allocstall("regionmm"), allocstall("kernel")
	row("pswpout", "pswpout")
	row("pswpin", "pswpin")
	row("workingset_refault_anon", "workingset_refault_anon")
	row("workingset_activate_anon", "workingset_activate_anon")
	row("pgactivate", "pgactivate")
	row("pgdeactivate", "pgdeactivate")
	row("pageoutrun", "pageoutrun")
	row("oom_kill", "oom_kill")
	for (side in rc) printf "  %s: the workload exited with status %s\n", side, rc[side]
	split("regionmm kernel", sides, " ")
	for (k = 1; k <= 2; k++) {
		side = sides[k]
		printf "\n%s: free pages against the watermarks (sums over zones), every 0.5 s:\n", side
		printf "  %8s %8s %8s %8s %8s\n", "time", "free", "min", "low", "high"
		step = n[side] > 24 ? int((n[side] + 23) / 24) : 1
		for (i = 1; i <= n[side]; i += step) printf "  %s\n", s[side, i]
	}
}' "$WORK/out"
