#!/bin/sh
# test_module_formats.sh: /proc/regionmm files have the running kernel's
# formats.  Two parsers: a "shape" comparison (numbers replaced, line
# lengths, key order) of each file against the kernel's own /proc file,
# and the real thing, Debian's prometheus-node-exporter pointed with
# --path.procfs at a directory holding regionmm's files, scraped over
# loopback with busybox wget.  regionmm's own files (stats, compat) have
# no kernel counterpart: their documented formats are checked, and compat
# against uname.
#
# vm-run: --mem 1G --cpus 2 --append memmap=128M$0x30000000 --bin /usr/bin/prometheus-node-exporter
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 16

if ! rmm_load region=128M@0x30000000; then
	ktap_fail "insmod region=128M@0x30000000" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod region=128M@0x30000000"
R=/proc/regionmm
T=/tmp/fmt
mkdir -p $T

# shape: numbers -> #, runs of blanks before a number folded
shape() { sed -E 's/ +-?[0-9]+/ #/g; s/[0-9]+/#/g' "$@"; }

# vmstat: the same item names in the same order
awk '{ print $1 }' /proc/vmstat > $T/k.vmstat
awk '{ print $1 }' $R/vmstat > $T/r.vmstat
if cmp -s $T/k.vmstat $T/r.vmstat; then
	ktap_ok "vmstat: the kernel's $(wc -l < $T/k.vmstat) item names in the kernel's order"
else
	ktap_fail "vmstat: item names" "$(diff $T/k.vmstat $T/r.vmstat | head -10)"
fi
ktap_check "vmstat: every line is 'name value'" \
	sh -c "awk 'NF != 2 || \$2 !~ /^[0-9]+\$/ { exit 1 }' $R/vmstat"

# zoneinfo: node 0's zone names and order
grep '^Node 0, zone' /proc/zoneinfo > $T/k.zones
grep '^Node 0, zone' $R/zoneinfo > $T/r.zones
cmp -s $T/k.zones $T/r.zones && ktap_ok "zoneinfo: every zone of the node, in the kernel's order (populated or not)" ||
	ktap_fail "zoneinfo: zone list" "$(diff $T/k.zones $T/r.zones)"

# zoneinfo: block of the first populated zone (with per-node stats)
first_block() {	# from "per-node stats" to the next "Node" line
	awk '/per-node stats/ { on = 1 } on && /^Node/ { exit } on' "$1"
}
first_block /proc/zoneinfo | shape > $T/k.zblock
first_block $R/zoneinfo | shape > $T/r.zblock
if cmp -s $T/k.zblock $T/r.zblock; then
	ktap_ok "zoneinfo: populated zone block line for line like the kernel's ($(wc -l < $T/k.zblock) lines)"
else
	ktap_fail "zoneinfo: populated zone block" "$(diff $T/k.zblock $T/r.zblock | head -20)"
fi

# zoneinfo: an unpopulated zone (Movable is empty in both)
mblock() { awk '/^Node 0, zone +Movable/ { on = 1 } on && /^Node/ && !/Movable/ { exit } on' "$1" | shape; }
mblock /proc/zoneinfo > $T/k.mblock
mblock $R/zoneinfo > $T/r.mblock
if [ -s $T/k.mblock ] && cmp -s $T/k.mblock $T/r.mblock; then
	ktap_ok "zoneinfo: unpopulated zone block like the kernel's"
else
	ktap_fail "zoneinfo: unpopulated zone block" "$(diff $T/k.mblock $T/r.mblock | head)"
fi

# buddyinfo: same shape and line length
line_len_shape() { awk '{ s = $0; gsub(/[0-9]+/, "#", s); print length($0) " " NF }' "$@"; }
k=$(grep 'zone    DMA32' /proc/buddyinfo | line_len_shape)
r=$(grep 'zone    DMA32' $R/buddyinfo | line_len_shape)
[ -n "$k" ] && [ "$k" = "$r" ] && ktap_ok "buddyinfo: same fields and widths ('$(grep DMA32 $R/buddyinfo)')" ||
	ktap_fail "buddyinfo: same fields and widths" "kernel '$k' regionmm '$r'"

# pagetypeinfo: headers identical, lines the same length and fields
grep -E '^(Page block order|Pages per block|Free pages count|Number of blocks type)' /proc/pagetypeinfo | sort -u > $T/k.pth
grep -E '^(Page block order|Pages per block|Free pages count|Number of blocks type)' $R/pagetypeinfo | sort -u > $T/r.pth
cmp -s $T/k.pth $T/r.pth && ktap_ok "pagetypeinfo: the kernel's headers" ||
	ktap_fail "pagetypeinfo: headers" "$(diff $T/k.pth $T/r.pth)"
k=$(grep -E '^Node +0, zone +DMA32, type' /proc/pagetypeinfo | awk '{ print $6 " " length($0) " " NF }' | sort -u)
r=$(grep -E '^Node +0, zone +DMA32, type' $R/pagetypeinfo | awk '{ print $6 " " length($0) " " NF }' | sort -u)
[ -n "$k" ] && [ "$k" = "$r" ] && ktap_ok "pagetypeinfo: every migratetype line like the kernel's" ||
	ktap_fail "pagetypeinfo: migratetype lines" "kernel: $k / regionmm: $r"

# meminfo: the kernel's keys in order, plus Metadata; same line lengths
awk -F: '{ print $1 }' /proc/meminfo > $T/k.mkeys
awk -F: '$1 != "Metadata" { print $1 }' $R/meminfo > $T/r.mkeys
cmp -s $T/k.mkeys $T/r.mkeys && grep -q '^Metadata: ' $R/meminfo &&
	ktap_ok "meminfo: the kernel's keys in its order, plus Metadata" ||
	ktap_fail "meminfo: keys" "$(diff $T/k.mkeys $T/r.mkeys)"
# (a kernel number wider than the field, e.g. VmallocTotal, widens its line)
awk '{ print (length($2) > 8 ? "wide" : length($0)) }' /proc/meminfo > $T/k.mlen
awk '!/^Metadata/ { print length($0) }' $R/meminfo |
	paste $T/k.mlen - | awk '{ print ($1 == "wide" ? "wide" : $2) }' > $T/r.mlen
cmp -s $T/k.mlen $T/r.mlen && ktap_ok "meminfo: same line widths" ||
	ktap_fail "meminfo: same line widths" "$(paste $T/k.mkeys $T/k.mlen $T/r.mlen | awk '$2 != $3' | head)"

# stats: "name value", the documented names in order (module.rst)
printf 'pgalloc_fail\npgsteal_fallback\ndrain_all\nnr_pcp_sparse\n' > $T/s.names
awk '{ print $1 }' $R/stats > $T/r.snames
if cmp -s $T/s.names $T/r.snames &&
   awk 'NF != 2 || $2 !~ /^[0-9]+$/ { exit 1 }' $R/stats; then
	ktap_ok "stats: 'name value' lines: $(awk '{ print $1 }' $R/stats | tr '\n' ' ')"
else
	ktap_fail "stats: 'name value' lines" "$(cat $R/stats)"
fi

# compat: "key: value" lines, the documented keys in order, then an
# optional warning line
ckey() { awk -v k="$1:" '$1 == k { sub(/^[^:]*: /, ""); print; exit }' $R/compat; }
printf 'release\nkernel\npackage\nfamily\nverified\npcp\nfallback\nwatermarks\nmin_free_kbytes\nlru\n' > $T/c.keys
awk -F': ' '$1 != "warning" { print $1 }' $R/compat > $T/r.ckeys
rel=$(uname -r)
case $rel in
6.12.*) fam=6.12 ;;
6.1.*) fam=6.1 ;;
*) fam=unknown ;;
esac
if cmp -s $T/c.keys $T/r.ckeys && [ "$(ckey release)" = "$rel" ] &&
   [ "$(ckey family)" = "$fam" ] &&
   case $(ckey kernel) in "$fam".*) true ;; *) false ;; esac; then
	ktap_ok "compat: the documented keys; release $rel, family $fam, kernel $(ckey kernel)"
else
	ktap_fail "compat: keys, release and family" "$(cat $R/compat)"
fi
# the package in uname -v ("... Debian 6.12.117-1~deb12u1 ...") is the one
# regionmm was verified against, else compat must warn; a kernel that is
# not a Debian build says "unknown"
pkg=$(uname -v | sed -n 's/.*Debian \([^ ]*\).*/\1/p')
ver=$(ckey verified)
sub=$(ckey kernel | cut -d. -f3)
vsub=$(echo "$ver" | cut -d. -f3 | cut -d- -f1)
ktap_diag "compat: $(tr '\n' '|' < $R/compat)"
if [ -z "$pkg" ]; then
	[ "$sub" -gt "$vsub" ] && want=yes || want=no
	grep -q '^warning: ' $R/compat && has=yes || has=no
	[ "$(ckey package)" = unknown ] && [ $has = $want ] &&
		ktap_ok "compat: not a Debian build: package unknown, warning $has (kernel $(ckey kernel), verified $ver)" ||
		ktap_fail "compat: not a Debian build" "$(cat $R/compat)"
elif [ "$pkg" = "$ver" ]; then
	[ "$(ckey package)" = "$pkg" ] && ! grep -q '^warning: ' $R/compat &&
		ktap_ok "compat: running package $pkg is the verified one, no warning" ||
		ktap_fail "compat: running package $pkg is the verified one" "$(cat $R/compat)"
else
	# a kernel the behaviour was not verified on: the point fails on
	# purpose, with what to do, and compat must say so itself
	grep -q '^warning: ' $R/compat && w="compat warns" || w="compat does NOT warn"
	ktap_fail "compat: running package $pkg is not $ver, the one regionmm was verified against ($w): re-run the comparison tests on it and update the table in src/core/show_mem.c"
fi

# the real parser
NE=/usr/bin/prometheus-node-exporter
if [ -x $NE ]; then
	P=/tmp/rmmproc
	mkdir -p $P
	for f in buddyinfo zoneinfo meminfo vmstat; do cat $R/$f > $P/$f; done
	$NE --path.procfs=$P --collector.disable-defaults --collector.buddyinfo \
		--collector.zoneinfo --collector.meminfo --collector.vmstat \
		--collector.vmstat.fields='.*' \
		--web.listen-address=127.0.0.1:9100 > /tmp/ne.log 2>&1 &
	ne=$!
	i=0
	while ! wget -q -O $T/metrics http://127.0.0.1:9100/metrics 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 60 ] && break
		sleep 1
	done
	kill $ne 2>/dev/null
	grep -E '^node_scrape_collector_success' $T/metrics | sed 's/^/# /'
	managed=$(awk '/^Node 0, zone +DMA32/ { z = 1 } z && /managed/ { print $2; exit }' $R/zoneinfo)
	if [ "$(grep -c '^node_scrape_collector_success.* 1$' $T/metrics)" = 4 ] &&
	   grep -q '^node_buddyinfo_blocks{node="0",size="10",zone="DMA32"}' $T/metrics &&
	   grep -q '^node_memory_Metadata_bytes' $T/metrics &&
	   grep -q '^node_vmstat_nr_free_pages' $T/metrics &&
	   { ! grep -q '^pgfree' /proc/vmstat || grep -q '^node_vmstat_pgfree' $T/metrics; }; then
		ktap_ok "node_exporter parses buddyinfo, zoneinfo, meminfo, vmstat of regionmm"
	else
		ktap_fail "node_exporter parses regionmm's files" "$(head -c 2000 /tmp/ne.log)"
	fi
	got=$(awk -F'} ' '/^node_zoneinfo_managed_pages\{node="0",zone="DMA32"\}/ { print $2 }' $T/metrics)
	ktap_diag "node_zoneinfo_managed_pages DMA32 = $got, zoneinfo managed = $managed"
	[ -n "$got" ] && awk -v a="$got" -v b="$managed" 'BEGIN { exit !(a + 0 == b + 0) }' &&
		ktap_ok "node_zoneinfo_managed_pages is regionmm's managed count" ||
		ktap_fail "node_zoneinfo_managed_pages is regionmm's managed count"
else
	ktap_skip "node_exporter parses regionmm's files" "no $NE in the guest"
	ktap_skip "node_zoneinfo_managed_pages is regionmm's managed count" "no $NE"
fi
rmm_unload
ktap_finished
