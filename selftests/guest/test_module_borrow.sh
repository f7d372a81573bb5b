#!/bin/sh
# test_module_borrow.sh: the two ways borrow= takes memory from the running
# kernel, on every kernel:
#  - borrow_method= is checked before anything is claimed (bad values,
#    given without borrow=);
#  - borrow_method=blocks: 4 MiB alloc_pages() blocks, a region with holes:
#    zoneinfo spanned > present when the blocks are not all adjacent,
#    managed = present - descriptors = meminfo MemTotal = RMM_IOC_INFO,
#    buddyinfo adds up to MemFree, adjacent blocks reach the core as one
#    range, data integrity and the invariant checker, and every page back
#    on unload;
#  - the fallback as it happens without being asked for: a size above half
#    of the node has only one 4 MiB-aligned candidate range, the top of
#    the node, where boot-time memblock allocations (page tables, struct
#    pages) sit as reserved pages, so no contiguous range can be isolated:
#    borrow_method=contig is refused with ENOMEM and auto falls back to
#    blocks;
#  - borrow_method=contig for a small size: one range, no holes.
#
# vm-run: --mem 1536M --cpus 2 --append memmap=64M$0x40000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 23

# sum of a zoneinfo field over regionmm's zones
rmm_zsum() {
	awk -v f="$1" '$1 == f { s += $2 } END { print s + 0 }' /proc/regionmm/zoneinfo
}

# free pages in buddyinfo (all zones, all orders)
rmm_buddy_pages() {
	# (busybox awk has no ^)
	awk '/^Node/ { m = 1; for (i = 5; i <= NF; i++) { s += $i * m; m *= 2 } }
	     END { printf "%d\n", s }' /proc/regionmm/buddyinfo
}

# "present spanned managed" sane for a borrow of $1 pages in $2 ranges
rmm_check_zones() {
	_pages=$1 _ranges=$2
	_present=$(rmm_zsum present)
	_spanned=$(rmm_zsum spanned)
	_managed=$(rmm_zsum managed)
	_total=$(awk '/^MemTotal:/ { print $2 }' /proc/regionmm/meminfo)
	_info=$(rmmctl info | sed -n 's/^managed_pages=//p')
	ktap_diag "spanned $_spanned present $_present managed $_managed pages; meminfo MemTotal $_total kB; INFO managed $_info"
	[ "$_present" = "$_pages" ] || { echo "present $_present != $_pages"; return 1; }
	if [ "$_ranges" -gt 1 ]; then
		[ "$_spanned" -gt "$_present" ] || { echo "holes but spanned $_spanned <= present"; return 1; }
	else
		[ "$_spanned" = "$_present" ] || { echo "one range but spanned $_spanned != present"; return 1; }
	fi
	# descriptors: some pages, less than 2 %
	[ "$_managed" -lt "$_present" ] && [ $((_managed * 50)) -gt $((_present * 49)) ] ||
		{ echo "managed $_managed vs present $_present"; return 1; }
	[ $((_managed * 4)) = "$_total" ] || { echo "MemTotal $_total kB != managed"; return 1; }
	[ "$_info" = "$_managed" ] || { echo "RMM_IOC_INFO managed $_info != $_managed"; return 1; }
}

# "N range(s)" of the last "borrow: ... blocks" line, and the core's count
borrow_ranges() {
	dmesg | sed -n 's/.*regionmm: borrow: .* blocks, \([0-9]*\) range(s).*/\1/p' | tail -1
}
core_ranges() {
	dmesg | sed -n 's/.*regionmm: managing \([0-9]*\) range(s).*/\1/p' | tail -1
}

# load_logged NAME ARGS: one test point for insmod ARGS (the test ends if
# it fails); $log gets the module's new dmesg lines, also shown as a comment
load_logged() {
	_name=$1
	shift
	_n=$(rmm_dmesg_lines)
	if rmm_load "$@"; then
		ktap_ok "$_name"
	else
		ktap_fail "$_name" "$RMM_OUT"
		dmesg | tail
		ktap_finished
	fi
	log=$(rmm_dmesg_since "$_n" | grep 'regionmm:')
	ktap_diag "$(echo "$log" | sed 's/^\[[^]]*\] //' | tr '\n' ' ')"
}

# unload_returns NAME: rmmod, then one point: the kernel's free memory is
# back within 8 MiB of $free0 and nothing of regionmm is left
unload_returns() {
	ktap_check "rmmod" rmm_unload
	_free1=$(rmm_memfree_kb)
	ktap_diag "kernel free $free0 -> $_free1 kB"
	[ $((free0 - _free1)) -lt 8192 ] && rmm_untouched &&
		ktap_ok "$1 (free back within 8 MiB), nothing left" ||
		ktap_fail "$1" "free $free0 -> $_free1 kB"
}

# --- bad input, before anything is claimed ---
rmm_refused "borrow_method unknown" "Invalid argument" \
	"borrow_method: 'fast' is not auto, contig or blocks" borrow=32M borrow_method=fast
rmm_refused "borrow_method empty" "Invalid argument" \
	"borrow_method: .*not auto, contig or blocks" borrow_method=
rmm_refused "borrow_method without borrow=" "Invalid argument" \
	"borrow_method: .*without borrow=" region=64M@0x40000000 borrow_method=blocks

# --- blocks, asked for ---
free0=$(rmm_memfree_kb)
load_logged "insmod borrow=128M borrow_method=blocks" borrow=128M borrow_method=blocks
ranges=$(borrow_ranges)
if echo "$log" | grep -q 'borrow: 128 MiB in 32 blocks' &&
   ! echo "$log" | grep -q 'contiguous'; then
	ktap_ok "blocks without trying contig: 32 blocks in $ranges range(s)"
else
	ktap_fail "blocks without trying contig" "$log"
fi
[ "$(core_ranges)" = "$ranges" ] &&
	ktap_ok "adjacent blocks reach the core as one range ($ranges)" ||
	ktap_fail "adjacent blocks reach the core as one range" "core $(core_ranges), borrow $ranges"
why=$(rmm_check_zones 32768 "$ranges") &&
	ktap_ok "zoneinfo/meminfo/INFO: present 32768, spanned vs present for $ranges range(s), managed" ||
	ktap_fail "zoneinfo/meminfo/INFO for a region with holes" "$why"
bp=$(rmm_buddy_pages)
mf=$(awk '/^MemFree:/ { print $2 }' /proc/regionmm/meminfo)
ktap_diag "$(grep '^Node' /proc/regionmm/buddyinfo | tr -s ' ')"
[ $((bp * 4)) = "$mf" ] && [ "$mf" -gt 0 ] &&
	ktap_ok "buddyinfo adds up to MemFree ($mf kB)" ||
	ktap_fail "buddyinfo adds up to MemFree" "buddyinfo $bp pages, MemFree $mf kB"
ktap_check "data integrity (256 order-2, 16 order-6 blocks) and the checker" sh -c '
	rmmctl pattern 256 2 >/dev/null && rmmctl pattern 16 6 >/dev/null &&
	rmmctl wmtest >/dev/null'
unload_returns "unload returns every block"

# --- blocks, as the fallback: more than half of the node ---
end_pfn=$(awk '$1 == "spanned" { sp = $2 }
	       $1 == "start_pfn:" && $2 + sp > e { e = $2 + sp }
	       END { print e + 0 }' /proc/zoneinfo)
memfree=$(awk '/^MemFree:/ { print $2 }' /proc/meminfo)
# MiB: one 4 MiB block more than the smallest multiple of 4 MiB above half
# of the node (the debug kernel's KASAN shadow leaves little above that)
big=$(((end_pfn / 2 / 1024 + 2) * 4))
ktap_diag "kernel node ends at pfn $end_pfn; MemFree $memfree kB; fallback size ${big}M"
if [ $((big * 1024)) -gt $((memfree * 3 / 4 - 16384)) ]; then
	ktap_skip_all "${big} MiB is too close to 3/4 of free memory ($memfree kB)"
fi
rmm_refused "borrow_method=contig when no range can be isolated" "Cannot allocate memory" \
	"borrow: no contiguous ${big} MiB range" borrow=${big}M borrow_method=contig
free0=$(rmm_memfree_kb)
load_logged "insmod borrow=${big}M (auto)" borrow=${big}M
ranges=$(borrow_ranges)
echo "$log" | grep -q "borrow: no contiguous ${big} MiB range, taking order-10 blocks" &&
echo "$log" | grep -q "borrow: ${big} MiB in $((big / 4)) blocks" &&
	ktap_ok "auto falls back to $((big / 4)) blocks in $ranges range(s)" ||
	ktap_fail "auto falls back to blocks" "$log"
why=$(rmm_check_zones $((big * 256)) "$ranges") &&
	ktap_ok "zoneinfo/meminfo/INFO of the fallback region" ||
	ktap_fail "zoneinfo/meminfo/INFO of the fallback region" "$why"
# (whether the blocks leave holes is the kernel's buddy's choice: as many
# core ranges as runs of adjacent blocks is what regionmm decides)
[ -n "$ranges" ] && [ "$(core_ranges)" = "$ranges" ] &&
	ktap_ok "the core got one range per run of adjacent blocks ($ranges)" ||
	ktap_fail "the core got one range per run of adjacent blocks" "blocks: $ranges range(s), core: $(core_ranges)"
ktap_check "data integrity (64 order-9 blocks) and the checker" \
	sh -c 'rmmctl pattern 64 9 >/dev/null'
unload_returns "unload returns all ${big} MiB"

# --- contig, asked for ---
n=$(rmm_dmesg_lines)
if rmm_load borrow=32M borrow_method=contig &&
   rmm_dmesg_since "$n" | grep -q 'regionmm: borrow: 32 MiB contiguous'; then
	ktap_ok "borrow=32M borrow_method=contig: one contiguous range"
else
	ktap_fail "borrow=32M borrow_method=contig" "$RMM_OUT $(rmm_dmesg_since "$n" | tr '\n' ' ')"
fi
why=$(rmm_check_zones 8192 1) &&
	ktap_ok "zoneinfo: spanned = present = 8192, no holes" ||
	ktap_fail "zoneinfo: spanned = present = 8192" "$why"
ktap_check "data integrity and rmmod" sh -c 'rmmctl pattern 32 4 >/dev/null && rmmod regionmm'
ktap_check "dmesg has no regionmm warnings" sh -c '! dmesg | grep -q "regionmm.*WARN"'
ktap_finished
