#!/bin/bash
# scripts/lib/compare-compaction.sh: the compaction workload of
# scripts/compare-zones (its usage text says what it does; run it through
# `scripts/compare-zones --workload compaction`).  The guest side is
# scripts/lib/compact-guest.sh, which `make bench` runs as well.
#
# args: KERNEL REGION_MIB BUILD NO_COMPACTION
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=$1 MIB=$2 BUILD=$3 NOCOMPACT=$4
cd "$ROOT"
if ((BUILD)); then
	make --no-print-directory module KERNEL="$KERNEL" >/dev/null
	make --no-print-directory -C selftests/guest/tools >/dev/null
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
START=0x40000000
# the kernel's own RAM: more free than the region after boot (the balloon
# takes the excess), and RAM above the region, which must end below the
# firmware's tables at the top (Documentation/testing.rst)
MEM=$((1024 + MIB + 256))
ARGS=
((NOCOMPACT)) && ARGS=compaction=0
cat >"$WORK/compare.sh" <<EOS
. /host/compact-guest.sh
RMM_COMPACT_REGION=${MIB}M@$START RMM_COMPACT_ARGS=$ARGS compact_bench
EOS
scripts/vm-run --no-build --quiet --kernel "$KERNEL" --mem "${MEM}M" \
	--append "memmap=${MIB}M\$$START" --add "$WORK:/host" \
	--add scripts/lib/compact-guest.sh \
	--add build/guest-tools:/usr/local/bin -- sh /host/compare.sh >"$WORK/out" ||
	{ cat "$WORK/out"; echo "compare-zones: the guest run failed" >&2; exit 1; }

awk -v kernel="$KERNEL" -v mib="$MIB" -v args="$ARGS" '
function kv(from,   i, a) {
	delete v
	for (i = from; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
}
/^INFO compact regionmm region/ { setup = $0; sub(/^INFO compact /, "", setup) }
/^INFO compact kernel:/ { ksetup = $0; sub(/^INFO compact kernel: /, "", ksetup) }
/^INFO compact_order9 / { kv(3); s = v["side"]; ok[s] = v["ok"]; n[s] = v["n"]; t9[s] = v["ns"] / 1e6 }
/^INFO compact order9 / { s = $4; kv(5); for (k in v) o9[s, k] = v[k] }
/^INFO compact frag / { s = $4; kv(5); frag[s, v["for"]] = v["big"] }
/^INFO compact_memory / { s = $3; kv(4); for (k in v) cm[s, k] = v[k] }
/^INFO compact memory / { s = $4; kv(5); for (k in v) cmv[s, k] = v[k] }
/^ERROR / { err = err "  " $0 "\n" }
/^(BENCH|SKIP) compact/ { tail = tail "  " $0 "\n" }
function pm(x) { return x == "" ? "  n/a" : sprintf("%5.1f%%", x / 10) }
function row(label, r, k) { printf "  %-44s %12s %12s\n", label, r, k }
END {
	printf "compare-zones: %s, compaction workload, %s\n", kernel, setup
	printf "kernel: %s\n\n", ksetup
	printf "  %-44s %12s %12s\n", "", "regionmm", "kernel"
	print "order-9 allocations (hugetlb mask, direct compaction):"
	row("free memory in >= 2 MiB blocks after churn", pm(frag["rmm", "order9"]), pm(frag["kernel", "order9"]))
	row("succeeded", ok["rmm"] "/" n["rmm"], ok["kernel"] "/" n["kernel"])
	row("time (ms)", sprintf("%.1f", t9["rmm"]), sprintf("%.1f", t9["kernel"]))
	row("compact_stall", o9["rmm", "compact_stall"], o9["kernel", "compact_stall"])
	row("compact_success", o9["rmm", "compact_success"], o9["kernel", "compact_success"])
	row("compact_fail", o9["rmm", "compact_fail"], o9["kernel", "compact_fail"])
	row("compact_migrate_scanned", o9["rmm", "compact_migrate_scanned"], o9["kernel", "compact_migrate_scanned"])
	row("compact_free_scanned", o9["rmm", "compact_free_scanned"], o9["kernel", "compact_free_scanned"])
	row("pgmigrate_success", o9["rmm", "pgmigrate_success"], o9["kernel", "pgmigrate_success"])
	print "compact_memory (after the same churn again):"
	row("free memory in >= 2 MiB blocks before", pm(cm["rmm", "big_before"]), pm(cm["kernel", "big_before"]))
	row("free memory in >= 2 MiB blocks after", pm(cm["rmm", "big_after"]), pm(cm["kernel", "big_after"]))
	row("time (ms)", cm["rmm", "ms"], cm["kernel", "ms"])
	row("compact_migrate_scanned", cmv["rmm", "compact_migrate_scanned"], cmv["kernel", "compact_migrate_scanned"])
	row("compact_free_scanned", cmv["rmm", "compact_free_scanned"], cmv["kernel", "compact_free_scanned"])
	row("pgmigrate_success", cmv["rmm", "pgmigrate_success"], cmv["kernel", "pgmigrate_success"])
	row("ns per page migrated", cm["rmm", "ns_per_page"], cm["kernel", "ns_per_page"])
	printf "%s", tail
	if (err != "")
		printf "errors:\n%s", err
	print "(the kernel compacts the whole guest, its balloon included; regionmm its region."
	print " Pages on per-CPU lists are free but not in buddyinfo, on both sides: 6.12 lets"
	print " the kernel lists grow to hold much of what the churn frees)"
}' "$WORK/out"
