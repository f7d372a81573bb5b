// SPDX-License-Identifier: GPL-2.0
/*
 * test_reserve.c - highatomic reserves (reserve_highatomic_pageblock /
 * unreserve_highatomic_pageblock), watermark boost on fallback
 * (boost_watermark() in try_to_steal_block(), the block-claiming path of
 * 6.12.117's __rmqueue_claim) with hand-worked values, reserve levels of
 * gfp (min, __GFP_HIGH, GFP_ATOMIC, __GFP_MEMALLOC) and lowmem_reserve on
 * zone fallback.
 */
#include "rmm_test.h"

static struct rmm_mm mm;

/* allocate movable order-0 pages until the zone is at its low watermark */
static unsigned long fill_to_low(struct rmm_zone *z, struct rmm_page **held,
				 unsigned long n)
{
	while (rmm_zone_page_state(z, RMM_NR_FREE_PAGES) >
	       (long)rmm_low_wmark_pages(z)) {
		struct rmm_page *p = rmm_mm_alloc_pages(&mm, 0, 0,
							RMM_GFP_HIGHUSER_MOVABLE);
		if (!p)
			break;
		held[n++] = p;
	}
	return n;
}

static struct rmm_page *held[70000];
static unsigned int held_ord[70000];

static unsigned long hold(unsigned long n, struct rmm_page *p, unsigned int o)
{
	if (p) {
		held[n] = p;
		held_ord[n++] = o;
	}
	return n;
}

static void release(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (held[i])
			rmm_mm_free_pages(&mm, held[i], held_ord[i]);
}

static void test_highatomic(void)
{
	struct rmm_zone *z;
	struct rmm_page *p;
	unsigned long n, i, max_res, before;

	/* 256 MiB: managed / 100 >= a pageblock, so reserves are allowed */
	is_long(rmm_test_mm_simple(&mm, 1, 65536, 0x100000), 0, "init 256 MiB");
	z = &mm.nodes[0].node_zones[2];
	max_res = ALIGN(rmm_zone_managed_pages(z) / 100, RMM_PAGEBLOCK_NR_PAGES);
	p = rmm_mm_alloc_pages(&mm, 0, 2, RMM_GFP_ATOMIC);
	is_long(z->nr_reserved_highatomic, 0,
		"no reserve while the fast path succeeds (ALLOC_HIGHATOMIC is slow-path only)");
	rmm_mm_free_pages(&mm, p, 2);
	n = fill_to_low(z, held, 0);
	for (i = 0; i < n; i++)
		held_ord[i] = 0;
	p = rmm_mm_alloc_pages(&mm, 0, 2, RMM_GFP_ATOMIC);
	ok(p != NULL, "GFP_ATOMIC order-2 below the low watermark");
	is_long(z->nr_reserved_highatomic, RMM_PAGEBLOCK_NR_PAGES,
		"the slow-path high-order atomic allocation reserved its pageblock");
	is_long(rmm_pageblock_mt(&mm, p), RMM_MIGRATE_HIGHATOMIC, "pageblock is HighAtomic");
	is_long(z->nr_pageblocks_mt[RMM_MIGRATE_HIGHATOMIC], 1, "pagetypeinfo block count");
	n = hold(n, p, 2);
	/* non-blocking requests never give reserves back (no direct reclaim) */
	for (i = 0; i < 300; i++)
		n = hold(n, rmm_mm_alloc_pages(&mm, 0, 3, RMM_GFP_ATOMIC |
					       RMM___GFP_NOWARN), 3);
	before = z->nr_reserved_highatomic;
	ok(before >= RMM_PAGEBLOCK_NR_PAGES && before <= max_res,
	   "reserves kept and capped at ~1%% of the zone (%lu <= %lu)",
	   before, max_res);
	is_long(rmm_validate_mm(&mm), 0, "validator clean");

	/* a failing normal allocation gives reserves back */
	rmm_port_quiet = 1;
	while ((p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL | RMM___GFP_NOWARN)))
		n = hold(n, p, 0);
	rmm_port_quiet = 0;
	ok(z->nr_reserved_highatomic < before,
	   "pressure gave reserves back (%lu -> %lu)", before,
	   z->nr_reserved_highatomic);
	is_long(rmm_validate_mm(&mm), 0, "validator clean at failure");
	release(n);
	is_long(rmm_mm_fini(&mm), 0, "fini after freeing everything");
}

/* ------------------------------------------------------------------ */
/* Watermark boost                                                    */
/* ------------------------------------------------------------------ */

#define NO_KSWAPD(gfp)	((gfp) & ~RMM___GFP_KSWAPD_RECLAIM)
/* GFP_KERNEL without __GFP_KSWAPD_RECLAIM: unmovable, no kswapd wakeup */
#define GFP_UNMOV	(NO_KSWAPD(RMM_GFP_KERNEL) | RMM___GFP_NOWARN)
#define GFP_MOV		(NO_KSWAPD(RMM_GFP_HIGHUSER_MOVABLE) | RMM___GFP_NOWARN)
#define GFP_FILL	(RMM_GFP_HIGHUSER_MOVABLE | RMM___GFP_MEMALLOC | \
			 RMM___GFP_NOWARN)

static long set_tunable(enum rmm_tunable t, long v)
{
	return rmm_set_tunable(&mm, t, &v, 1);
}

static unsigned long zone_free(struct rmm_zone *z)
{
	rmm_drain_all_pages(&mm);
	return rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
}

/*
 * Allocate every page of the zone Movable (order-8 blocks, then order 0
 * for what is left around the descriptors), then free the first half of
 * each pageblock whose both halves are held as order-8 blocks (at most
 * @max_free of them).  Afterwards the zone's free memory is order-8 blocks
 * in Movable pageblocks that are half free: a fallback must claim a
 * pageblock below pageblock order (the path that boosts), never take a
 * free pageblock whole.  Returns the number of held entries.
 */
static unsigned long fragment_zone(struct rmm_zone *z, unsigned long max_free,
				   unsigned long *nr_freed)
{
	struct rmm_page *p;
	unsigned long n = 0, i, j, freed = 0;

	rmm_port_quiet = 1;
	while ((p = rmm_mm_alloc_pages(&mm, 0, 8, GFP_FILL)))
		n = hold(n, p, 8);
	while ((p = rmm_mm_alloc_pages(&mm, 0, 0, GFP_FILL)))
		n = hold(n, p, 0);
	rmm_port_quiet = 0;
	is_long(zone_free(z), 0, "zone filled with Movable pages");
	for (i = 0; i < n && freed < max_free; i++) {
		unsigned long pfn = rmm_mm_page_to_pfn(&mm, held[i]);

		if (held_ord[i] != 8 || pfn % RMM_PAGEBLOCK_NR_PAGES)
			continue;
		for (j = 0; j < n; j++)
			if (held[j] && held_ord[j] == 8 &&
			    rmm_mm_page_to_pfn(&mm, held[j]) == pfn + 256)
				break;
		if (j == n)
			continue;
		rmm_mm_free_pages(&mm, held[i], 8);
		held[i] = NULL;
		freed++;
	}
	*nr_freed = freed;
	return n;
}

/* an unmovable order-8 request: claims one half-free Movable pageblock */
static struct rmm_page *claim(struct rmm_zone *z, rmm_gfp_t gfp)
{
	unsigned long before = z->nr_pageblocks_mt[RMM_MIGRATE_UNMOVABLE];
	struct rmm_page *p = rmm_mm_alloc_pages(&mm, 0, 8, gfp);

	ok(p && rmm_pageblock_mt(&mm, p) == RMM_MIGRATE_UNMOVABLE &&
	   z->nr_pageblocks_mt[RMM_MIGRATE_UNMOVABLE] == before + 1,
	   "  unmovable order-8 request claimed a half-free Movable pageblock");
	return p;
}

/*
 * 64 MiB zone, min_free_kbytes = 1024 (set: the automatic value is a
 * policy of its own).  By hand, as __setup_per_zone_wmarks() computes it
 * for the only zone: min = 1024 kB / 4 kB = 256 pages; managed = 16384 -
 * 64 descriptor pages = 16320, so low = min + max(min / 4 = 64,
 * 16320 * 10 / 10000 = 16) = 320 and high = 384.  boost_watermark():
 * max_boost = max(pageblock_nr_pages = 512, mult_frac(384, 15000, 10000)
 * = 576) = 576; each claim adds 512 up to that: 512, then 576.
 */
static void test_boost(void)
{
	struct rmm_zone *z;
	struct rmm_page *p;
	unsigned long n, freed, f, b;

	is_long(rmm_test_mm_simple(&mm, 1, 16384, 0x100000), 0, "init 64 MiB");
	z = &mm.nodes[0].node_zones[2];
	is_long(set_tunable(RMM_TUNE_MIN_FREE_KBYTES, 1024), 0,
		"min_free_kbytes = 1024");
	is_long(z->_watermark[RMM_WMARK_HIGH], 384, "high = 384 (by hand)");
	n = fragment_zone(z, 64, &freed);
	ok(freed >= 8, "%lu half-free Movable pageblocks, nothing of order >= 9",
	   freed);
	is_long(z->watermark_boost, 0, "no boost before a fallback");

	n = hold(n, claim(z, GFP_UNMOV), 8);
	is_long(z->watermark_boost, 512,
		"first claim: boost = min(0 + 512, 576) = 512");
	is_long(z->flag_boosted_watermark, 0,
		"without __GFP_KSWAPD_RECLAIM: ZONE_BOOSTED_WATERMARK not set");
	n = hold(n, claim(z, GFP_UNMOV), 8);
	is_long(z->watermark_boost, 576,
		"second claim: boost = min(512 + 512, 576) = 576 (the cap)");

	/*
	 * The boost raises every watermark: movable order-0 requests now stop
	 * at min + boost = 832 free pages instead of min = 256.
	 */
	b = n;
	rmm_port_quiet = 1;
	while ((p = rmm_mm_alloc_pages(&mm, 0, 0, GFP_MOV)))
		n = hold(n, p, 0);
	rmm_port_quiet = 0;
	f = zone_free(z);
	diag("movable requests stopped at %lu free pages (min 256, boost %lu)",
	     f, z->watermark_boost);
	ok(f > 256 + 576 / 2 && f <= 256 + 576,
	   "the boosted min watermark stopped the requests (%lu free)", f);
	is_long(z->watermark_boost, 576, "  without any further fallback");
	WRITE_ONCE(z->watermark_boost, 0);	/* what kswapd's pass does */
	p = rmm_mm_alloc_pages(&mm, 0, 0, GFP_MOV);
	ok(p != NULL, "the same request succeeds once the boost is gone");
	n = hold(n, p, 0);
	while (n > b) {
		n--;
		rmm_mm_free_pages(&mm, held[n], held_ord[n]);
	}

	/* with __GFP_KSWAPD_RECLAIM the steal wakes the kswapd stand-in */
	n = hold(n, claim(z, RMM_GFP_KERNEL | RMM___GFP_NOWARN), 8);
	ok((z->flag_boosted_watermark && z->watermark_boost == 512) ||
	   (!z->flag_boosted_watermark && z->watermark_boost == 0),
	   "with __GFP_KSWAPD_RECLAIM: kswapd woken (boost %lu, flag %d)",
	   z->watermark_boost, z->flag_boosted_watermark);

	/* watermark_boost_factor = 0: no boost */
	is_long(set_tunable(RMM_TUNE_WATERMARK_BOOST_FACTOR, 0), 0,
		"watermark_boost_factor = 0");
	b = z->watermark_boost;
	n = hold(n, claim(z, GFP_UNMOV), 8);
	is_long(z->watermark_boost, b, "factor 0: the claim does not boost");
	is_long(set_tunable(RMM_TUNE_WATERMARK_BOOST_FACTOR, 5000), 0,
		"watermark_boost_factor = 5000");
	WRITE_ONCE(z->watermark_boost, 0);
	n = hold(n, claim(z, GFP_UNMOV), 8);
	n = hold(n, claim(z, GFP_UNMOV), 8);
	is_long(z->watermark_boost, 512,
		"factor 5000: max(512, mult_frac(384, 5000, 10000) = 192) caps at 512");

	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	release(n);
	is_long(rmm_mm_fini(&mm), 0, "fini");

	/*
	 * 1536 pages: managed (1528) < 4 * pageblock_nr_pages (2048), so
	 * boost_watermark() leaves the zone alone.
	 */
	is_long(rmm_test_mm_simple(&mm, 1, 1536, 0x100000), 0, "init 6 MiB");
	z = &mm.nodes[0].node_zones[2];
	set_tunable(RMM_TUNE_MIN_FREE_KBYTES, 128);
	n = fragment_zone(z, 1, &freed);
	is_long(freed, 1, "one half-free Movable pageblock");
	/* 256 free pages fail order 8's watermark check: take them anyway */
	n = hold(n, claim(z, GFP_UNMOV | RMM___GFP_MEMALLOC), 8);
	is_long(z->watermark_boost, 0,
		"managed < 4 pageblocks: the claim does not boost");
	release(n);
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

/*
 * A movable order-0 request when the only free pages are order-0 pages of
 * an Unmovable pageblock: it cannot claim the block (order < pageblock_order
 * / 2), so it steals one page: 6.12.117's __rmqueue_steal(), which does not
 * boost.  (6.12's older __rmqueue_fallback() boosted here too.)
 */
static void test_steal_no_boost(void)
{
	struct rmm_zone *z;
	struct rmm_page *p, *um[256];
	unsigned long n, freed, b, unmov, i, k = 0;

	rmm_test_mm_simple(&mm, 1, 16384, 0x100000);
	z = &mm.nodes[0].node_zones[2];
	set_tunable(RMM_TUNE_MIN_FREE_KBYTES, 1024);
	n = fragment_zone(z, 1, &freed);
	is_long(freed, 1, "one half-free Movable pageblock is all that is free");
	/* unmovable order-0 pages: the first claims the block, all 256 taken */
	rmm_port_quiet = 1;
	while (k < 256 && (p = rmm_mm_alloc_pages(&mm, 0, 0, GFP_UNMOV |
						   RMM___GFP_MEMALLOC)))
		um[k++] = p;
	rmm_port_quiet = 0;
	is_long(k, 256, "256 unmovable pages from the claimed block");
	is_long(zone_free(z), 0, "  the zone is full again");
	/* every other one back: 128 order-0 pages of an Unmovable block */
	for (i = 0; i < k; i++) {
		if (rmm_mm_page_to_pfn(&mm, um[i]) & 1)
			n = hold(n, um[i], 0);
		else
			rmm_mm_free_pages(&mm, um[i], 0);
	}
	is_long(zone_free(z), 128, "128 free order-0 pages, all Unmovable");
	b = z->watermark_boost;
	unmov = z->nr_pageblocks_mt[RMM_MIGRATE_UNMOVABLE];
	p = rmm_mm_alloc_pages(&mm, 0, 0, GFP_MOV | RMM___GFP_MEMALLOC);
	ok(p && rmm_pageblock_mt(&mm, p) == RMM_MIGRATE_UNMOVABLE &&
	   z->nr_pageblocks_mt[RMM_MIGRATE_UNMOVABLE] == unmov,
	   "movable order-0 request stole a page, the block stays Unmovable");
	n = hold(n, p, 0);
	is_long(z->watermark_boost, b,
		"a single-page steal does not boost (6.12.117)");
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	release(n);
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

static void test_reserve_levels(void)
{
	struct rmm_zone *z;
	struct rmm_page *p, **held;
	unsigned long n = 0, i, min;
	long f_kernel, f_high, f_atomic, f_memalloc;

	rmm_test_mm_simple(&mm, 1, 16384, 0x100000);
	z = &mm.nodes[0].node_zones[2];
	min = z->_watermark[RMM_WMARK_MIN];
	held = calloc(20000, sizeof(*held));
	rmm_port_quiet = 1;
#define FILL(gfp) do {							\
	while ((p = rmm_mm_alloc_pages(&mm, 0, 0, (gfp) | RMM___GFP_NOWARN))) \
		held[n++] = p;						\
	} while (0)
	FILL(RMM_GFP_KERNEL);
	f_kernel = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	FILL(RMM_GFP_KERNEL | RMM___GFP_HIGH);
	f_high = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	FILL(RMM_GFP_ATOMIC);
	f_atomic = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	FILL(RMM_GFP_ATOMIC | RMM___GFP_MEMALLOC);
	f_memalloc = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	rmm_port_quiet = 0;
	diag("min %lu: free at failure kernel %ld, __GFP_HIGH %ld, ATOMIC %ld, MEMALLOC %ld",
	     min, f_kernel, f_high, f_atomic, f_memalloc);
	ok(f_kernel <= (long)min && f_kernel >= (long)min - 1, "GFP_KERNEL stops at min");
	ok(f_high <= (long)(min - min / 2) && f_high >= (long)(min - min / 2) - 1,
	   "__GFP_HIGH stops at min/2");
	ok(f_atomic <= (long)(min - min / 2 - (min - min / 2) / 4) &&
	   f_atomic >= (long)(min - min / 2 - (min - min / 2) / 4) - 1,
	   "GFP_ATOMIC (non-blocking) stops at min/2 - min/8");
	is_long(f_memalloc, 0, "__GFP_MEMALLOC ignores watermarks");
	is_long(rmm_validate_mm(&mm), 0, "validator clean when empty");
	for (i = 0; i < n; i++)
		rmm_mm_free_pages(&mm, held[i], 0);
	is_long(rmm_mm_fini(&mm), 0, "fini");
	free(held);
#undef FILL
}

static void test_lowmem_reserve(void)
{
	struct rmm_layout l;
	struct rmm_range r[2];
	struct rmm_zone *dma32, *normal;
	struct rmm_page *p, **held;
	unsigned long n = 0, i;

	rmm_layout_default(&l, 1, 4);
	r[0] = (struct rmm_range){ 0x1000, 8192, 0, rmm_test_mem(32UL << 20) };
	r[1] = (struct rmm_range){ 0x100000, 16384, 0, rmm_test_mem(64UL << 20) };
	is_long(rmm_mm_init(&mm, &l, r, 2), 0, "DMA32 + Normal");
	dma32 = &mm.nodes[0].node_zones[1];
	normal = &mm.nodes[0].node_zones[2];
	is_long(dma32->lowmem_reserve[2], rmm_zone_managed_pages(normal) / 256,
		"DMA32 protection against Normal = managed(Normal) / 256");
	held = calloc(30000, sizeof(*held));
	rmm_port_quiet = 1;
	while ((p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL | RMM___GFP_NOWARN)))
		held[n++] = p;
	rmm_port_quiet = 0;
	ok(rmm_zone_page_state(dma32, RMM_NR_FREE_PAGES) >
	   (long)(dma32->_watermark[RMM_WMARK_MIN] + dma32->lowmem_reserve[2] - 2),
	   "GFP_KERNEL falling back to DMA32 leaves min + protection (%ld free, %lu + %ld)",
	   rmm_zone_page_state(dma32, RMM_NR_FREE_PAGES),
	   dma32->_watermark[RMM_WMARK_MIN], dma32->lowmem_reserve[2]);
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_DMA32);
	ok(p && rmm_mm_page_zone(&mm, p) == dma32,
	   "GFP_DMA32 still gets DMA32 pages (protection does not apply)");
	if (p)
		held[n++] = p;
	for (i = 0; i < n; i++)
		rmm_mm_free_pages(&mm, held[i], 0);
	is_long(rmm_mm_fini(&mm), 0, "fini");
	free(held);
}

int main(void)
{
	test_highatomic();
	test_boost();
	test_steal_no_boost();
	test_reserve_levels();
	test_lowmem_reserve();
	return done_testing();
}
