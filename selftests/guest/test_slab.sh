#!/bin/sh
# test_slab.sh: regionmm's slab caches in a guest.
#  - /proc/regionmm/slabinfo: mode 0400, the kernel's two header lines
#    byte for byte, every line (theirs and ours, one parser) 16 fields that
#    print back identically with cache_show()'s format, numeric fields,
#    all 13 kmalloc caches by their kernel names;
#  - caches of assorted sizes/alignments/flags: objects aligned and
#    pairwise disjoint (RMM_IOC_SLAB_VALIDATE), destroy refused while
#    objects live, every page back after destroy;
#  - kmalloc classes and large sizes; every bad ioctl argument refused;
#  - a user cache shows in slabinfo while a file holds it, and is gone
#    after close;
#  - debugging: double free, write past an object's end (red zone) and a
#    wrong-cache free are reported in dmesg naming cache and offset, with
#    no raw kernel address;
#  - stress: 4 processes on 2 CPUs alloc/free/shrink concurrently;
#  - no leak: unload succeeds with nothing reported.
#
# vm-run: --mem 1G --cpus 2 --append memmap=128M$0x30000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

command -v slab_ctl >/dev/null || ktap_skip_all "slab_ctl not built (make -C selftests/guest/tools)"

ktap_plan 29

rmm_load_slab region=128M@0x30000000

SI=/proc/regionmm/slabinfo
[ "$(stat -c %a $SI 2>/dev/null)" = 400 ] &&
	ktap_ok "slabinfo mode 0400 like the kernel's" ||
	ktap_fail "slabinfo mode 0400 like the kernel's" "$(ls -l $SI)"

H1='slabinfo - version: 2.1'
H2='# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>'
if [ -r /proc/slabinfo ]; then
	head -2 /proc/slabinfo > /tmp/kh
	ref="the kernel's /proc/slabinfo"
else
	printf '%s\n%s\n' "$H1" "$H2" > /tmp/kh
	ref="mm/slab_common.c (no /proc/slabinfo here)"
fi
head -2 $SI > /tmp/rh
cmp -s /tmp/kh /tmp/rh && ktap_ok "header lines identical to $ref" ||
	ktap_fail "header lines identical to $ref" "$(cat /tmp/rh)"

# One parser for both files: prints the offending lines, nothing if good.
slabinfo_bad() {
	awk -v h1="$H1" -v h2="$H2" '
	NR == 1 { if ($0 != h1) print "line 1: " $0; next }
	NR == 2 { if ($0 != h2) print "line 2: " $0; next }
	{
		n++
		if (NF != 16 || $7 != ":" || $8 != "tunables" || $12 != ":" ||
		    $13 != "slabdata") { print "shape: " $0; next }
		for (i = 2; i <= 16; i++)
			if (i != 7 && i != 8 && i != 12 && i != 13 && $i !~ /^[0-9]+$/) {
				print "not numeric: " $0; next
			}
		s = sprintf("%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d",
			    $1, $2, $3, $4, $5, $6, $9, $10, $11, $14, $15, $16)
		if (s != $0) print "format: [" $0 "]"
		if ($2 > $3) print "active > total: " $0
	}
	END { if (!n) print "no cache line" }' "$1"
}
if [ -r /proc/slabinfo ]; then
	bad=$(slabinfo_bad /proc/slabinfo | head -3)
	[ -z "$bad" ] && ktap_ok "parser accepts the kernel's own /proc/slabinfo" ||
		ktap_fail "parser accepts the kernel's own /proc/slabinfo" "$bad"
else
	ktap_skip "parser accepts the kernel's own /proc/slabinfo" "no /proc/slabinfo"
fi
bad=$(slabinfo_bad $SI | head -3)
[ -z "$bad" ] && ktap_ok "every regionmm slabinfo line: 16 fields, numeric, cache_show() format" ||
	ktap_fail "every regionmm slabinfo line: 16 fields, numeric, cache_show() format" "$bad"
ktap_diag "$(grep -E '^kmalloc-(64|1k) ' $SI | tr '\n' '|')"

missing=
for c in 8 16 32 64 96 128 192 256 512 1k 2k 4k 8k; do
	grep -q "^kmalloc-$c " $SI || missing="$missing kmalloc-$c"
done
[ -z "$missing" ] && ktap_ok "all 13 kmalloc caches listed" ||
	ktap_fail "all 13 kmalloc caches listed" "missing:$missing"

# pages the buddy has free + pages in kmalloc slabs (off-slab headers of
# large-object caches are kmalloc-64 objects, and kmalloc keeps a few empty
# slabs like SLUB's min_partial): constant across create/use/destroy.
pages_accounted() {
	f=$(slab_ctl info | awk '{ print $2 }')
	k=$(awk '/^kmalloc-/ { s += $15 * $6 } END { print s + 0 }' $SI)
	echo $((f + k))
}
free0=$(pages_accounted)
for args in "8 0 - 5000" "13 0 - 3000" "100 64 h 2000" "1000 256 r 700" \
	    "3000 4096 - 200" "60 32 zpd 1000" "5000 0 - 100" "192 0 u 1000"; do
	# shellcheck disable=SC2086
	ktap_check "cache size/align/flags/count $args: aligned, disjoint, destroy" \
		slab_ctl basic $args
done
free1=$(pages_accounted)
[ -n "$free0" ] && [ "$free0" = "$free1" ] &&
	ktap_ok "free + kmalloc slab pages back to $free0 after the caches were destroyed" ||
	ktap_fail "free + kmalloc slab pages back after the caches were destroyed" "$free0 -> $free1"

ktap_check "kmalloc: every class and large sizes, aligned, disjoint" slab_ctl kmalloc
ktap_check "every bad slab ioctl argument refused" slab_ctl badargs

slab_ctl hold 300 3 > /tmp/hold.out &
hpid=$!
i=0
while [ $i -lt 50 ] && ! grep -q held /tmp/hold.out; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done
line=$(grep '^slabctl-hold ' $SI)
ktap_diag "$line"
act=$(echo "$line" | awk '{ print $2 }')
[ -n "$act" ] && [ "$act" -ge 300 ] &&
	ktap_ok "a held cache shows in slabinfo with its objects" ||
	ktap_fail "a held cache shows in slabinfo with its objects" "line: $line"
wait $hpid
grep -q '^slabctl-hold ' $SI &&
	ktap_fail "close destroys the file's cache" "$(grep '^slabctl-hold ' $SI)" ||
	ktap_ok "close frees the objects and destroys the file's cache"

# One test point: `slab_ctl CMD` succeeds and dmesg gets a line matching
# PATTERN (the first new lines shown as diagnostics; all of them in $log).
slab_reported() {
	_n=$(rmm_dmesg_lines)
	slab_ctl "$1"
	_rc=$?
	log=$(rmm_dmesg_since "$_n")
	echo "$log" | sed 's/^/# dmesg: /' | head -5
	[ $_rc = 0 ] && echo "$log" | grep -q "$2" &&
		ktap_ok "$3" ||
		ktap_fail "$3" "rc $_rc"
}

slab_reported double-free \
	'BUG slabctl-dfree: Double free: object at offset [0-9]* in slab' \
	"double free reported (cache, offset) and refused"
slab_reported redzone \
	'BUG slabctl-redzone: Right Redzone overwritten at free: object at offset [0-9]* in slab, size 100 (byte +0 past the end is 0x42' \
	"write past an object's end reported at free (red zone)"
echo "$log" | grep -q 'slabctl-redzone: Object at offset [0-9]* not freed (quarantined)' &&
	ktap_ok "the damaged object is quarantined, not freed" ||
	ktap_fail "the damaged object is quarantined, not freed"

slab_reported wrong-cache \
	'BUG slabctl-wc-b: Wrong cache: object at offset [0-9]* in a slab of cache slabctl-wc-a' \
	"free into the wrong cache reported and refused"

addr=$(dmesg | grep 'regionmm: slab: ' | grep -cE '(0x)?ffff[0-9a-f]{12}')
[ "$addr" = 0 ] && ktap_ok "slab reports carry no raw kernel address" ||
	ktap_fail "slab reports carry no raw kernel address" "$addr lines"

pids=
for s in 1 2 3 4; do
	slab_ctl stress 20000 $s > /tmp/stress.$s 2>&1 &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
[ $fails = 0 ] && ktap_ok "4 processes x 20000 random ops on 2 CPUs" ||
	ktap_fail "4 processes x 20000 random ops on 2 CPUs" "$fails failed: $(cat /tmp/stress.* | head -5)"
ktap_check "all caches validate after the stress" slab_ctl validate
grep -q '^slabctl-' $SI &&
	ktap_fail "no user cache left after the files closed" "$(grep '^slabctl-' $SI)" ||
	ktap_ok "no user cache left after the files closed"

n=$(rmm_dmesg_lines)
rmm_unload
rc=$?
log=$(rmm_dmesg_since "$n")
[ $rc = 0 ] && ! echo "$log" | grep -q 'still allocated\|still exists\|refused' &&
	ktap_ok "rmmod: every slab object and page given back" ||
	ktap_fail "rmmod: every slab object and page given back" "$RMM_OUT $log"
[ ! -e /proc/regionmm ] && ktap_ok "/proc/regionmm gone" || ktap_fail "/proc/regionmm gone"

ktap_finished
