#!/bin/sh
# test_bench_smoke.sh: the benchmark module runs and its output parses.
# A tiny-iteration run of rmm_bench.ko (every benchmark, regionmm and the
# kernel side by side); asserts that every BENCH line has the documented
# format and that every figure is positive (percentages of frag: 0..100,
# a fully fragmented side may legitimately keep 0 % in 2 MiB blocks).
# NOT a timed test: the figures themselves are never compared with anything.
# init_on_alloc=0 as in make bench: the kernel side skips zeroing pages.
#
# vm-run: --mem 1536M --append memmap=256M$0x40000000 --append init_on_alloc=0
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"

REGION=256M@0x40000000
ARGS="iters=50 runs=1 bulk_n=64 rand_n=32 order9_iters=4 frag_rounds=2 frag_max_pages=4096 ga_iters=20 ga_max_pages=4096"
OUT=/tmp/rmm_bench.out

[ -f /mod/regionmm.ko ] || ktap_skip_all "regionmm.ko not built"
[ -f /mod/rmm_bench.ko ] || ktap_skip_all "rmm_bench.ko not built"

ktap_plan 6

if grep -q '^regionmm ' /proc/modules || insmod /mod/regionmm.ko region=$REGION; then
	ktap_ok "insmod regionmm.ko region=$REGION"
else
	ktap_fail "insmod regionmm.ko region=$REGION"
	ktap_finished
fi

# shellcheck disable=SC2086
if insmod /mod/rmm_bench.ko $ARGS && cat /proc/rmm_bench >$OUT; then
	ktap_ok "insmod rmm_bench.ko (tiny run)"
else
	ktap_fail "insmod rmm_bench.ko (tiny run)"
fi
sed 's/^/# /' $OUT

# Every BENCH line: a known shape, every number positive (frag: 0..100).
bad=$(awk '
function num(v) { return v ~ /^[0-9]+(\.[0-9]+)?$/ }
/^BENCH / {
	n++
	ok = 1
	if ($2 == "frag") {
		ok = NF == 4 && $3 ~ /^rmm_pct=/ && $4 ~ /^kernel_pct=/
		for (i = 3; i <= 4; i++) { split($i, kv, "="); ok = ok && num(kv[2]) && kv[2] + 0 <= 100 }
	} else if ($2 == "meta") {
		ok = NF == 4 && $3 ~ /^rmm_bytes_per_page=/ && $4 ~ /^kernel_bytes_per_page=/
		for (i = 3; i <= 4; i++) { split($i, kv, "="); ok = ok && num(kv[2]) && kv[2] + 0 > 0 }
	} else {
		other = $2 == "genalloc_90" ? "genalloc_ns=" : "kernel_ns="
		ok = NF == 5 && $3 ~ /^rmm_ns=/ && index($4, other) == 1 && $5 ~ /^ratio=/
		for (i = 3; i <= 5; i++) { split($i, kv, "="); ok = ok && num(kv[2]) && kv[2] + 0 > 0 }
	}
	if (!ok) print "bad line: " $0
}
END { if (!n) print "no BENCH line" }' $OUT)
if [ -z "$bad" ]; then
	ktap_ok "every BENCH line parses, every figure positive"
else
	ktap_fail "every BENCH line parses, every figure positive" "$bad"
fi

# Every benchmark of the SPEC table produced its line (genalloc_90 may be
# SKIPped on a kernel without CONFIG_GENERIC_ALLOCATOR, e.g. debug).
missing=
for n in order0_pair bulk_alloc bulk_free random_free_1cpu order9_pair \
	frag meta; do
	grep -q "^BENCH $n " $OUT || missing="$missing $n"
done
grep -q '^BENCH genalloc_90 \|^SKIP genalloc_90 kernel built without' $OUT ||
	missing="$missing genalloc_90"
if [ -z "$missing" ]; then
	ktap_ok "every benchmark reported"
else
	ktap_fail "every benchmark reported" "missing:$missing"
fi

# The slab lines need regionmm's slab state (rmm_slab_init() in the glue):
# without it rmm_cache_create() fails and the module says so with SKIP.
missing=
for n in slab_64_pair slab_64_bulk slab_1024_pair slab_1024_bulk; do
	grep -q "^BENCH $n " $OUT || missing="$missing $n"
done
if [ -z "$missing" ]; then
	ktap_ok "slab benchmarks reported"
elif grep -q '^SKIP slab_.* could not create the caches' $OUT; then
	ktap_skip "slab benchmarks reported" "regionmm has no slab state (rmm_cache_create failed)"
else
	ktap_fail "slab benchmarks reported" "missing:$missing"
fi

if rmmod rmm_bench && rmmod regionmm; then
	ktap_ok "both modules unload (no page left held)"
else
	ktap_fail "both modules unload (no page left held)"
fi
ktap_finished
