// SPDX-License-Identifier: GPL-2.0
/*
 * test_compaction.c - compaction's state and arithmetic (compaction.c)
 * against values worked by hand from mm/compaction.c and mm/vmstat.c of
 * 6.12.117: unusable and fragmentation indices, extfrag_for_order and the
 * fragmentation score of a zone filled by a known pattern, suitability at
 * the watermark boundaries, the deferral sequence, the skip-bit reset
 * walk (and the persistent skip of a pageblock-order compound page), and
 * the three tunables.
 *
 * The zone: one node of 8192 pages (32 MiB, 16 pageblocks) at 4 GiB, so
 * everything is in Normal.  Its 8 sections' descriptors (4 pages each)
 * are carved from the top: 8160 pages are managed and free at start, as
 * 7 order-10 blocks and 992 = 512 + 256 + 128 + 64 + 32 pages.
 */
#include "rmm_test.h"
#include "compaction.h"
#include "internal.h"

#define START_PFN	0x100000UL
#define NR_PAGES	8192UL
#define NR_BLOCKS4	510		/* 8160 / 16 */

static struct rmm_mm mm;
static struct rmm_zone *zone;
static struct rmm_page *blk[NR_BLOCKS4];	/* order-4 blocks, pfn order */
static bool blk_free[NR_BLOCKS4];
static const rmm_gfp_t gfp = RMM_GFP_HIGHUSER_MOVABLE | RMM___GFP_MEMALLOC |
			     RMM___GFP_NOWARN;

static void nr_free_of(unsigned long *nr)
{
	rmm_zone_nr_free_snapshot(zone, nr);
}

static int unusable(unsigned int order)
{
	unsigned long nr[RMM_NR_ORDERS];
	struct rmm_contig_page_info info;

	nr_free_of(nr);
	rmm_contig_page_info_from(nr, order, &info);
	return rmm_unusable_free_index(order, &info);
}

static void test_fresh_zone(void)
{
	/*
	 * nr_free = {0,0,0,0,0,1,1,1,1,1,7}: free_pages 8160, 12 blocks.
	 * unusable_free_index(o) = pages in blocks below o * 1000 / 8160:
	 *   o <= 5: 0;  o 6: 32000/8160 = 3;  o 7: 96000/8160 = 11;
	 *   o 8: 224000/8160 = 27;  o 9: 480000/8160 = 58;
	 *   o 10: 992000/8160 = 121
	 * __fragmentation_index: a suitable block exists at every order:
	 * -1000.  extfrag_for_order(9) = 480 * 100 / 8160 = 5; weighted by
	 * present 8192 / (node present 8192 + 1): 40960 / 8193 = 4.
	 */
	static const int want_unusable[RMM_NR_ORDERS] = {
		0, 0, 0, 0, 0, 0, 3, 11, 27, 58, 121 };
	unsigned long nr[RMM_NR_ORDERS];
	int o, bad = 0;

	nr_free_of(nr);
	ok(nr[10] == 7 && nr[9] == 1 && nr[5] == 1 && nr[4] == 0 && !nr[0],
	   "fresh zone: 7 order-10 blocks and one each of orders 5..9");
	for (o = 0; o < RMM_NR_ORDERS; o++)
		if (unusable(o) != want_unusable[o]) {
			diag("order %d: unusable %d, expected %d", o,
			     unusable(o), want_unusable[o]);
			bad++;
		}
	ok(!bad, "fresh zone: unusable_index 0 0 0 0 0 0 3 11 27 58 121");
	for (o = 0, bad = 0; o < RMM_NR_ORDERS; o++)
		bad += rmm_fragmentation_index(zone, o) != -1000;
	ok(!bad, "fresh zone: fragmentation_index -1000 at every order");
	is_long(rmm_extfrag_for_order(zone, 9), 5, "extfrag_for_order(9) = 5");
	is_long(rmm_fragmentation_score_zone_weighted(zone), 4,
		"weighted score 8192 * 5 / 8193 = 4");
	is_long(rmm_fragmentation_score_node(&mm.nodes[0]), 4, "node score 4");
	ok(!rmm_should_proactive_compact_node(&mm.nodes[0], false),
	   "score 4 is below the high mark 90: no proactive compaction");
}

static int cmp_page(const void *a, const void *b)
{
	unsigned long x = rmm_mm_page_to_pfn(&mm, *(struct rmm_page * const *)a);
	unsigned long y = rmm_mm_page_to_pfn(&mm, *(struct rmm_page * const *)b);

	return x < y ? -1 : x > y;
}

/* allocate all 510 order-4 blocks, then free those at even 16-page slots */
static void make_fragmented(void)
{
	int i, got = 0;

	for (i = 0; i < NR_BLOCKS4; i++) {
		blk[i] = rmm_mm_alloc_pages(&mm, 0, 4, gfp);
		got += blk[i] != NULL;
	}
	is_long(got, NR_BLOCKS4, "all 510 order-4 blocks allocated");
	is_long(rmm_zone_page_state(zone, RMM_NR_FREE_PAGES), 0,
		"zone empty");
	/* by pfn: the sections' memmaps need not be in pfn order */
	qsort(blk, NR_BLOCKS4, sizeof(blk[0]), cmp_page);
}

static void free_even_blocks(void)
{
	int i;

	for (i = 0; i < NR_BLOCKS4; i++) {
		unsigned long pfn = rmm_mm_page_to_pfn(&mm, blk[i]);

		if (!((pfn >> 4) & 1)) {
			rmm_mm_free_pages(&mm, blk[i], 4);
			blk_free[i] = true;
		}
	}
}

static void test_fragmented_zone(void)
{
	/*
	 * 255 free order-4 blocks, none mergeable (each buddy allocated):
	 * free_pages 4080, free_blocks_total 255.
	 * unusable: o <= 4: 0; o >= 5: everything unusable: 1000.
	 * fragindex(o) for o >= 5 = 1000 - (1000 + 4080000 / 2^o) / 255:
	 *   o 5: 4080000/32 = 127500; 128500/255 = 503 -> 497
	 *   o 6: 63750;  64750/255 = 253 -> 747
	 *   o 7: 31875;  32875/255 = 128 -> 872
	 *   o 8: 15937;  16937/255 = 66  -> 934
	 *   o 9: 7968;   8968/255 = 35   -> 965
	 *   o 10: 3984;  4984/255 = 19   -> 981
	 * extfrag_for_order(9) = 100; weighted 819200 / 8193 = 99.
	 */
	static const int want_frag[RMM_NR_ORDERS] = {
		-1000, -1000, -1000, -1000, -1000, 497, 747, 872, 934, 965,
		981 };
	unsigned long nr[RMM_NR_ORDERS];
	int o, bad = 0;

	nr_free_of(nr);
	ok(nr[4] == 255 && !nr[5] && !nr[3] && !nr[10],
	   "255 free order-4 blocks, nothing else");
	for (o = 0; o < RMM_NR_ORDERS; o++)
		if (rmm_fragmentation_index(zone, o) != want_frag[o]) {
			diag("order %d: fragindex %d, expected %d", o,
			     rmm_fragmentation_index(zone, o), want_frag[o]);
			bad++;
		}
	ok(!bad, "fragmentation_index -1000 x5, 497 747 872 934 965 981");
	for (o = 0, bad = 0; o < RMM_NR_ORDERS; o++)
		bad += unusable(o) != (o <= 4 ? 0 : 1000);
	ok(!bad, "unusable_index 0 up to order 4, 1000 above");
	is_long(rmm_extfrag_for_order(zone, 9), 100, "extfrag_for_order(9) = 100");
	is_long(rmm_extfrag_for_order(zone, 4), 0, "extfrag_for_order(4) = 0");
	is_long(rmm_fragmentation_score_node(&mm.nodes[0]), 99,
		"node score 819200 / 8193 = 99");
	/* proactiveness 20: low 80, high 90; 100: low max(0, 5) = 5, high 15 */
	is_long(rmm_fragmentation_score_wmark(&mm, true), 80, "low mark 80");
	is_long(rmm_fragmentation_score_wmark(&mm, false), 90, "high mark 90");
	ok(rmm_should_proactive_compact_node(&mm.nodes[0], false),
	   "score 99 > 90: proactive compaction wanted");
	ok(!rmm_should_proactive_compact_node(&mm.nodes[0], true),
	   "... but not while kswapd runs");
	{
		long v = 100;

		rmm_set_tunable(&mm, RMM_TUNE_COMPACTION_PROACTIVENESS, &v, 1);
		is_long(rmm_fragmentation_score_wmark(&mm, true), 5,
			"proactiveness 100: low mark capped at 5");
		is_long(rmm_fragmentation_score_wmark(&mm, false), 15,
			"proactiveness 100: high mark 15");
		v = 0;
		rmm_set_tunable(&mm, RMM_TUNE_COMPACTION_PROACTIVENESS, &v, 1);
		ok(!rmm_should_proactive_compact_node(&mm.nodes[0], false),
		   "proactiveness 0: never");
		v = 20;
		rmm_set_tunable(&mm, RMM_TUNE_COMPACTION_PROACTIVENESS, &v, 1);
	}
	/* order > MAX_PAGE_ORDER: WARN_ON_ONCE and 0 */
	{
		struct rmm_contig_page_info info = { 16, 1, 0 };

		is_long(__rmm_fragmentation_index(RMM_NR_ORDERS, &info), 0,
			"fragindex of order 11 is 0 ...");
		expect_warnings(1, "... with one WARNING");
		info.free_blocks_total = 0;
		is_long(__rmm_fragmentation_index(3, &info), 0,
			"fragindex with no free block: 0");
		info.free_pages = 0;
		is_long(rmm_unusable_free_index(3, &info), 1000,
			"unusable index with nothing free: 1000");
	}
}

/* allocate free blocks back until @free pages are left (multiple of 16) */
static void shrink_free_to(unsigned long free)
{
	int i;

	for (i = 0; i < NR_BLOCKS4 &&
	     rmm_zone_page_state(zone, RMM_NR_FREE_PAGES) > (long)free; i++) {
		if (!blk_free[i])
			continue;
		blk[i] = rmm_mm_alloc_pages(&mm, 0, 4, gfp);
		blk_free[i] = false;
	}
}

static void test_suitable(void)
{
	struct rmm_alloc_context ac = {
		.zonelist = &mm.nodes[0].node_zonelists[RMM_ZONELIST_FALLBACK],
		.highest_zoneidx = zone->idx,
	};
	long v;
	int zi = zone->idx;

	/*
	 * min_free_kbytes 1024 on one zone: min = 256 pages; tmp =
	 * max(256 / 4, 8160 * 10 / 10000) = 64: low 320, high 384
	 */
	v = 1024;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_MIN_FREE_KBYTES, &v, 1), 0,
		"min_free_kbytes 1024");
	ok(zone->_watermark[RMM_WMARK_MIN] == 256 &&
	   zone->_watermark[RMM_WMARK_LOW] == 320 && !zone->watermark_boost &&
	   !zone->lowmem_reserve[zi] && !zone->nr_reserved_highatomic,
	   "min 256, low 320, no boost, reserve or highatomic");

	/* 4080 free: costly orders need > low + 2 << order */
	ok(rmm_compaction_suitable(zone, 9, zi),
	   "order 9: 4080 > 320 + 1024, fragindex 965 > 500: suitable");
	ok(!rmm_compaction_suitable(zone, 5, zi),
	   "order 5: fragindex 497 <= 500: lack of memory, not suitable");
	v = 496;
	rmm_set_tunable(&mm, RMM_TUNE_EXTFRAG_THRESHOLD, &v, 1);
	ok(rmm_compaction_suitable(zone, 5, zi),
	   "order 5 with extfrag_threshold 496: suitable");
	v = 965;
	rmm_set_tunable(&mm, RMM_TUNE_EXTFRAG_THRESHOLD, &v, 1);
	ok(!rmm_compaction_suitable(zone, 9, zi),
	   "order 9 with threshold 965: not suitable (fragindex <= threshold)");
	is_long(rmm_compaction_suit_allocation_order(zone, 9, zi,
						     RMM_ALLOC_WMARK_LOW),
		RMM_COMPACT_SKIPPED, "suit_allocation_order(9): SKIPPED");
	v = 964;
	rmm_set_tunable(&mm, RMM_TUNE_EXTFRAG_THRESHOLD, &v, 1);
	ok(rmm_compaction_suitable(zone, 9, zi), "threshold 964: suitable");
	is_long(rmm_compaction_suit_allocation_order(zone, 9, zi,
						     RMM_ALLOC_WMARK_LOW),
		RMM_COMPACT_CONTINUE, "suit_allocation_order(9): CONTINUE");
	is_long(rmm_compaction_suit_allocation_order(zone, 4, zi,
						     RMM_ALLOC_WMARK_LOW),
		RMM_COMPACT_SUCCESS,
		"suit_allocation_order(4): free order-4 blocks: SUCCESS");
	v = 500;
	rmm_set_tunable(&mm, RMM_TUNE_EXTFRAG_THRESHOLD, &v, 1);

	/* compaction_zonelist_suitable: 6.12 vs 6.1 for an order already met */
	ok(rmm_compaction_zonelist_suitable(&mm, &ac, 4, RMM_ALLOC_WMARK_LOW),
	   "zonelist_suitable(4), 6.12: 4080 > 320 + 32");
	mm.layout.kver = RMM_KVER(6, 1);
	ok(!rmm_compaction_zonelist_suitable(&mm, &ac, 4, RMM_ALLOC_WMARK_LOW),
	   "zonelist_suitable(4), 6.1: watermark met at order 4 (SUCCESS)");
	mm.layout.kver = RMM_KVER(6, 12);

	/* order 9: mark 320 + 1024 = 1344, free must exceed it */
	shrink_free_to(1360);
	is_long(rmm_zone_page_state(zone, RMM_NR_FREE_PAGES), 1360, "1360 free");
	ok(rmm_compaction_suitable(zone, 9, zi),
	   "order 9, 1360 free > 1344 (fragindex 1000 - 3656 / 85 = 957)");
	ok(rmm_compaction_zonelist_suitable(&mm, &ac, 9, RMM_ALLOC_WMARK_LOW),
	   "zonelist_suitable(9) at 1360 free");
	shrink_free_to(1344);
	ok(!rmm_compaction_suitable(zone, 9, zi), "order 9, 1344 free: no");
	ok(!rmm_compaction_zonelist_suitable(&mm, &ac, 9, RMM_ALLOC_WMARK_LOW),
	   "zonelist_suitable(9) at 1344 free: no (nothing reclaimable)");
	is_long(rmm_compaction_suit_allocation_order(zone, 9, zi,
						     RMM_ALLOC_WMARK_LOW),
		RMM_COMPACT_SKIPPED, "suit_allocation_order(9): SKIPPED");
	/* non-costly orders: min + 2 << order, no fragindex test */
	shrink_free_to(288);
	ok(rmm_compaction_suitable(zone, 3, zi), "order 3, 288 > 256 + 16");
	shrink_free_to(272);
	ok(!rmm_compaction_suitable(zone, 3, zi), "order 3, 272 free: no");
}

static void test_defer(void)
{
	struct rmm_zone *z = zone;
	int i, n;

	ok(!z->compact_considered && !z->compact_defer_shift &&
	   !z->compact_order_failed, "new zone: considered 0, shift 0, failed 0");
	ok(!rmm_compaction_deferred(z, 9) && z->compact_considered == 1,
	   "not deferred: considered 1 = limit 1");
	rmm_defer_compaction(z, 9);
	ok(!z->compact_considered && z->compact_defer_shift == 1 &&
	   !z->compact_order_failed, "defer(9): considered 0, shift 1, failed 0");
	ok(rmm_compaction_deferred(z, 9) && z->compact_considered == 1,
	   "deferred once (1 < 2)");
	ok(!rmm_compaction_deferred(z, 9) && z->compact_considered == 2,
	   "then not (2 >= 2)");
	rmm_defer_compaction(z, 9);
	for (i = 0, n = 0; i < 4; i++)
		n += rmm_compaction_deferred(z, 9);
	ok(n == 3 && z->compact_considered == 4,
	   "shift 2: deferred 3 times, the 4th runs (considered 4)");
	for (i = 0; i < 6; i++)
		rmm_defer_compaction(z, 9);
	is_long(z->compact_defer_shift, RMM_COMPACT_MAX_DEFER_SHIFT,
		"shift capped at 6 after 8 defers");
	ok(!rmm_compaction_restarting(z, 9), "not restarting: considered 0");
	for (i = 0, n = 0; i < 64; i++)
		n += rmm_compaction_deferred(z, 9);
	ok(n == 63 && z->compact_considered == 64,
	   "shift 6: 63 deferred, the 64th runs");
	ok(rmm_compaction_restarting(z, 9), "restarting at shift 6, 64 considered");
	ok(!rmm_compaction_deferred(z, 9) && z->compact_considered == 64,
	   "considered stays at the limit");
	rmm_compaction_defer_reset(z, 9, true);
	ok(!z->compact_considered && !z->compact_defer_shift &&
	   z->compact_order_failed == 10, "reset(9, success): 0, 0, failed 10");
	ok(!rmm_compaction_deferred(z, 9) && !z->compact_considered,
	   "order 9 < failed 10: never deferred, nothing counted");
	ok(!rmm_compaction_restarting(z, 9), "not restarting below failed");
	rmm_defer_compaction(z, 5);
	ok(z->compact_order_failed == 5 && z->compact_defer_shift == 1,
	   "defer(5): failed 5, shift 1");
	ok(!rmm_compaction_deferred(z, 4) && !z->compact_considered,
	   "order 4 < 5: not deferred");
	ok(rmm_compaction_deferred(z, 5) && z->compact_considered == 1,
	   "order 5: deferred");
	rmm_compaction_defer_reset(z, 7, false);
	ok(z->compact_considered == 1 && z->compact_defer_shift == 1 &&
	   z->compact_order_failed == 8,
	   "reset(7, expected success): counters kept, failed 8");
	rmm_compaction_defer_reset(z, 3, false);
	is_long(z->compact_order_failed, 8, "reset(3) below failed: failed stays 8");
}

static unsigned long pb_pfn(int n)
{
	return START_PFN + n * RMM_PAGEBLOCK_NR_PAGES;
}

static struct rmm_page *pfn_page(unsigned long pfn)
{
	return rmm_mm_pfn_to_page(&mm, pfn);
}

static void skip_all(void)
{
	int n;

	for (n = 0; n < 16; n++)
		rmm_set_pageblock_skip(&mm, pfn_page(pb_pfn(n) + 100));
}

static void test_skip_full_zone(void)
{
	int n, set = 0;

	/* every page allocated: nothing to sample, "leave no distance" */
	skip_all();
	for (n = 0; n < 16; n++)
		set += rmm_get_pageblock_skip(&mm, pfn_page(pb_pfn(n)));
	is_long(set, 16, "skip set on 16 pageblocks (via any page inside)");
	__rmm_reset_isolation_suitable(zone);
	is_long(rmm_get_pageblock_skip(&mm, pfn_page(pb_pfn(3))), 1,
		"no flush pending: reset does nothing");
	zone->compact_blockskip_flush = true;
	__rmm_reset_isolation_suitable(zone);
	/* 8 steps: migrate pb 0..7, free pb 15..8; stop at pb 8 / pb 7 end */
	ok(!zone->compact_blockskip_flush &&
	   zone->compact_cached_migrate_pfn[0] == pb_pfn(8) &&
	   zone->compact_cached_migrate_pfn[1] == pb_pfn(8) &&
	   zone->compact_cached_free_pfn == pb_pfn(8) - 1,
	   "full zone: scanners cached where they met (0x%lx, 0x%lx)",
	   zone->compact_cached_migrate_pfn[0], zone->compact_cached_free_pfn);
	for (n = 0, set = 0; n < 16; n++)
		set += rmm_get_pageblock_skip(&mm, pfn_page(pb_pfn(n)));
	is_long(set, 16, "no free or LRU page: every skip bit kept");
	rmm_reset_cached_positions(zone);
	ok(zone->compact_cached_migrate_pfn[0] == START_PFN &&
	   zone->compact_cached_migrate_pfn[1] == START_PFN &&
	   zone->compact_cached_free_pfn == pb_pfn(15),
	   "reset_cached_positions: zone start, last pageblock's start");
}

static void test_skip_fragmented(void)
{
	struct rmm_page *lru = pfn_page(pb_pfn(3) + 16);
	int n, bad = 0;

	/*
	 * Free order-4 blocks at every pageblock's start, one LRU page in
	 * pageblock 3 (16 pages in, allocated).  Walk: step k checks
	 * migrate pb k (LRU only until the first is found) and free pb
	 * 15 - k (Movable and a free page; after the first, LRU or free).
	 * pb 0..2: no LRU page, kept; pb 3: LRU: migrate positions = pb 3;
	 * pb 4..7 (free page, both checked now) and 8..15: cleared; the
	 * free position is the first free-side pfn, the zone's last.
	 */
	skip_all();
	RmmSetPageLru(lru);
	zone->compact_blockskip_flush = true;
	rmm_reset_isolation_suitable(&mm.nodes[0]);
	RmmClearPageLru(lru);
	for (n = 0; n < 16; n++)
		bad += rmm_get_pageblock_skip(&mm, pfn_page(pb_pfn(n))) !=
		       (n < 3);
	ok(!bad, "skip kept on pageblocks 0..2, cleared on 3..15");
	ok(zone->compact_init_migrate_pfn == pb_pfn(3) &&
	   zone->compact_cached_migrate_pfn[0] == pb_pfn(3) &&
	   zone->compact_cached_migrate_pfn[1] == pb_pfn(3),
	   "migrate scanner restarts at pageblock 3");
	ok(zone->compact_init_free_pfn == START_PFN + NR_PAGES - 1 &&
	   zone->compact_cached_free_pfn == START_PFN + NR_PAGES - 1,
	   "free scanner restarts at the zone's last pfn");
	rmm_clear_pageblock_skip(&mm, pfn_page(pb_pfn(0) + 511));
	ok(!rmm_get_pageblock_skip(&mm, pfn_page(pb_pfn(0))),
	   "clear_pageblock_skip through the block's last page");
}

/*
 * pageblock_skip_persistent(): a compound page of pageblock order keeps
 * its block's skip bit through a reset, even with its head on the LRU
 * (which would clear the bit of any other block)
 */
static void test_skip_persistent(void)
{
	struct rmm_page *thp, *lru;
	unsigned long pfn;

	thp = rmm_mm_alloc_pages(&mm, 0, 9, gfp | RMM___GFP_COMP);
	lru = rmm_mm_alloc_pages(&mm, 0, 9, gfp);
	if (!ok(thp && lru, "two order-9 blocks, one compound")) {
		if (thp)
			rmm_mm_free_pages(&mm, thp, 9);
		if (lru)
			rmm_mm_free_pages(&mm, lru, 9);
		return;
	}
	skip_all();
	RmmSetPageLru(thp);
	RmmSetPageLru(lru);
	zone->compact_blockskip_flush = true;
	__rmm_reset_isolation_suitable(zone);
	RmmClearPageLru(thp);
	RmmClearPageLru(lru);
	pfn = rmm_mm_page_to_pfn(&mm, thp);
	ok(rmm_get_pageblock_skip(&mm, thp) &&
	   rmm_get_pageblock_skip(&mm, pfn_page(pfn + 511)),
	   "compound order-9 page: skip kept (pfn 0x%lx)", pfn);
	ok(!rmm_get_pageblock_skip(&mm, lru),
	   "plain order-9 block with an LRU head: skip cleared");
	rmm_mm_free_pages(&mm, thp, 9);
	rmm_mm_free_pages(&mm, lru, 9);
}

static void test_tunables(void)
{
	static const struct {
		enum rmm_tunable t;
		long def, max;
	} tun[] = {
		{ RMM_TUNE_COMPACTION_PROACTIVENESS, 20, 100 },
		{ RMM_TUNE_EXTFRAG_THRESHOLD, 500, 1000 },
		{ RMM_TUNE_COMPACT_UNEVICTABLE_ALLOWED, 1, 1 },
	};
	long v, got;
	int i, bad = 0;

	for (i = 0; i < 3; i++) {
		rmm_get_tunable(&mm, tun[i].t, &got, 1);
		bad += got != tun[i].def;
		v = tun[i].max + 1;
		bad += rmm_set_tunable(&mm, tun[i].t, &v, 1) != -EINVAL;
		v = -1;
		bad += rmm_set_tunable(&mm, tun[i].t, &v, 1) != -EINVAL;
		rmm_get_tunable(&mm, tun[i].t, &got, 1);
		bad += got != tun[i].def;
		v = tun[i].max;
		bad += rmm_set_tunable(&mm, tun[i].t, &v, 1) != 0;
		v = 0;
		bad += rmm_set_tunable(&mm, tun[i].t, &v, 1) != 0;
		rmm_get_tunable(&mm, tun[i].t, &got, 1);
		bad += got != 0;
		v = tun[i].def;
		rmm_set_tunable(&mm, tun[i].t, &v, 1);
	}
	ok(!bad, "tunables: defaults 20/500/1, 0..max taken, max+1 and -1 refused");
}

/* ---- the free scanner ---- */

static struct rmm_page *pb_page(int n, unsigned long off)
{
	return pfn_page(pb_pfn(n) + off);
}

/* free the allocated order-4 block at offset @off of pageblock @n */
static void free_blk(int n, unsigned long off)
{
	int i = (n * RMM_PAGEBLOCK_NR_PAGES + off) / 16;

	rmm_mm_free_pages(&mm, blk[i], 4);
	blk_free[i] = true;
}

static long nr_free_pages(void)
{
	return rmm_zone_page_state(zone, RMM_NR_FREE_PAGES);
}

static unsigned long ev(enum rmm_vm_event_item i)
{
	return rmm_vm_event_state(&mm, i);
}

static void set_pb_mt(int n, int mt)
{
	unsigned long flags;

	rmm_spin_lock_irqsave(&zone->lock, flags);
	rmm_pb_set_mt_locked(zone, (pb_pfn(n) - mm.base_pfn) >>
			     RMM_PAGEBLOCK_ORDER, mt);
	rmm_spin_unlock_irqrestore(&zone->lock, flags);
}

static bool same_nr_free(const unsigned long *a, const unsigned long *b)
{
	return !memcmp(a, b, RMM_NR_ORDERS * sizeof(*a));
}

/*
 * The zone for the free scanner: every order-4 block allocated, then
 * these freed (offsets in pages, each a 16-page buddy that cannot merge):
 *   pb 15: 0, 32          pb 13: 0, 32, 64, 96
 *   pb 12: 0, 32, then the block made Unmovable
 *   pb 11: 0, skip bit set
 *   pb 10: 0, 32, ... 480 (16 blocks)
 * 2 + 4 + 2 + 1 + 16 = 25 blocks, 400 free pages; no other skip bit.
 */
static void make_scanner_zone(void)
{
	unsigned long off;
	int i, at = 0;

	rmm_drain_all_pages(&mm);
	make_fragmented();
	memset(blk_free, 0, sizeof(blk_free));
	for (i = 0; i < NR_BLOCKS4; i++)
		at += rmm_mm_page_to_pfn(&mm, blk[i]) == START_PFN + 16UL * i;
	is_long(at, NR_BLOCKS4, "order-4 block i starts at pfn 0x100000 + 16 i");
	free_blk(15, 0);
	free_blk(15, 32);
	for (off = 0; off < 128; off += 32)
		free_blk(13, off);
	free_blk(12, 0);
	free_blk(12, 32);
	set_pb_mt(12, RMM_MIGRATE_UNMOVABLE);
	free_blk(11, 0);
	for (off = 0; off < RMM_PAGEBLOCK_NR_PAGES; off += 32)
		free_blk(10, off);
	for (i = 0; i < 16; i++)
		rmm_clear_pageblock_skip(&mm, pb_page(i, 0));
	rmm_set_pageblock_skip(&mm, pb_page(11, 0));
	is_long(nr_free_pages(), 400, "scanner zone: 400 free pages");
	ok(rmm_min_wmark_pages(zone) + 16 < 400,
	   "min watermark %lu: isolation is allowed",
	   rmm_min_wmark_pages(zone));
}

static void test_scanner_sync(void)
{
	struct rmm_compact_control cc;
	struct rmm_page *got[64], *p;
	unsigned long iso0 = ev(RMM_COMPACTISOLATED);
	unsigned long scan0 = ev(RMM_COMPACTFREE_SCANNED);
	unsigned long nr0[RMM_NR_ORDERS], nr[RMM_NR_ORDERS];
	struct rmm_page src2[2] = { { 0 } };
	int i, n = 0, bad = 0, o;

	nr_free_of(nr0);
	rmm_compact_control_init(&cc, zone, -1);
	cc.mode = RMM_MIGRATE_SYNC;
	cc.nr_migratepages = 40;
	cc.migrate_pfn = START_PFN;
	cc.free_pfn = pb_pfn(15);
	zone->compact_cached_free_pfn = pb_pfn(15);
	ok(!rmm_compact_scanners_met(&cc), "scanners apart (pb 15 / pb 0)");
	/*
	 * Sync: stride 1, from pb 15 down to pb 1 (the end of the migrate
	 * scanner's pageblock), until 40 pages are isolated.
	 * pb 15: blocks at 0 and 32 isolated (16 + 16 pages scanned for
	 *   them, each pfn in between scanned: 512 in all, the reserved
	 *   descriptor pages at 480..511 included); fully scanned: skip
	 *   set, cached free pfn pulled down to pb 14; 32 < 40 go on;
	 *   something isolated: stride 1.
	 * pb 14: nothing free, 512 scanned, skip set, cached pfn pb 13;
	 *   stride 2.
	 * pb 13: pfn 0 is free: 16 isolated, 48 >= 40: stop at pfn 16
	 *   (16 scanned), not fully scanned: no skip bit; free_pfn = pb13+16.
	 * Scanned 512 + 512 + 16 = 1040, isolated 48.
	 */
	rmm_isolate_freepages(&cc);
	is_long(cc.nr_freepages, 48, "48 free pages isolated");
	is_long(cc.total_free_scanned, 1040, "1040 pfns scanned");
	is_long(cc.free_pfn, pb_pfn(13) + 16, "free scanner resumes at pb13 + 16");
	is_long(zone->compact_cached_free_pfn, pb_pfn(13),
		"cached free pfn: pb 13 (below the last fully scanned block)");
	ok(rmm_get_pageblock_skip(&mm, pb_page(15, 0)) &&
	   rmm_get_pageblock_skip(&mm, pb_page(14, 0)) &&
	   !rmm_get_pageblock_skip(&mm, pb_page(13, 0)),
	   "skip set on pb 15 and 14, not on the partly scanned pb 13");
	ok(cc.freepages[4].nr == 3 && cc.freepages[4].first == pb_page(15, 0) &&
	   rmm_plist_next(&mm, pb_page(15, 0)) == pb_page(15, 32) &&
	   cc.freepages[4].last == pb_page(13, 0),
	   "freepages[4]: pb15+0, pb15+32, pb13+0 in scan order");
	for (o = 0; o < RMM_NR_ORDERS; o++)
		bad += o != 4 && !rmm_plist_empty(&cc.freepages[o]);
	ok(!bad && !RmmPageBuddy(pb_page(15, 0)) &&
	   pb_page(15, 0)->private == 4, "isolated heads: not buddy, private 4");
	is_long(ev(RMM_COMPACTISOLATED) - iso0, 48, "compact_isolated += 48");
	is_long(nr_free_pages(), 400 - 48, "NR_FREE_PAGES 352");
	is_long(rmm_validate_mm(&mm), 0, "validator clean while isolated");

	/*
	 * compaction_alloc() for order-0 sources: the first list block
	 * (pb15+0) split, halves at the list heads: 8 on [3], 4 on [2], 2
	 * on [1], 1 on [0], so pfns come out ascending: pb15+0..15, then
	 * pb15+32 splits the same way.
	 */
	cc.nr_migratepages = 64;
	for (i = 0; i < 17; i++) {
		got[n] = rmm_compaction_alloc(blk[0], (unsigned long)&cc);
		bad += got[n] != pb_page(15, i < 16 ? i : 32);
		n++;
	}
	ok(!bad, "17 order-0 targets: pb15+0..15, pb15+32");
	ok(cc.nr_freepages == 31 && cc.nr_migratepages == 47,
	   "nr_freepages 31, nr_migratepages 47");
	ok(cc.freepages[3].first == pb_page(15, 40) &&
	   cc.freepages[2].first == pb_page(15, 36) &&
	   cc.freepages[1].first == pb_page(15, 34) &&
	   cc.freepages[0].first == pb_page(15, 33) &&
	   pb_page(15, 40)->private == 3 && pb_page(15, 33)->private == 0,
	   "split halves of pb15+32 on [3] [2] [1] [0] with their orders");
	/* an order-2 (compound) source: only its order is read */
	RmmSetPageHead(&src2[0]);
	src2[1].next = 2;
	p = rmm_compaction_alloc(src2, (unsigned long)&cc);
	ok(p == pb_page(15, 36) && RmmPageHead(p) &&
	   rmm_compound_order(p) == 2 && RmmPageTail(p + 3),
	   "order-2 source: pb15+36 as a compound order-2 page");
	ok(cc.nr_freepages == 27 && cc.nr_migratepages == 43,
	   "nr_freepages 27, nr_migratepages 43");
	rmm_compaction_free(p, (unsigned long)&cc);
	ok(cc.freepages[2].first == p && !RmmPageHead(p) &&
	   !RmmPageTail(p + 1) && cc.nr_freepages == 31 &&
	   cc.nr_migratepages == 47,
	   "compaction_free: back on [2], no longer compound, counts back");
	rmm_compaction_free(got[--n], (unsigned long)&cc);
	ok(cc.freepages[0].first == pb_page(15, 32) && cc.nr_freepages == 32 &&
	   cc.nr_migratepages == 48, "order-0 target back on [0]");
	/* 32 more: everything on the lists, then one isolation */
	for (i = 0; i < 32; i++)
		got[n++] = rmm_compaction_alloc(blk[0], (unsigned long)&cc);
	for (o = 0, bad = 0; o < RMM_NR_ORDERS; o++)
		bad += !rmm_plist_empty(&cc.freepages[o]);
	ok(!bad && cc.nr_freepages == 0 && cc.nr_migratepages == 16,
	   "lists empty after 32 more; 16 pages still to migrate");
	ok(got[n - 1] == pb_page(13, 15), "the last one: pb13+15");
	/*
	 * Lists empty: isolate_freepages() from pb13+16 (stride 1 again):
	 * 16..31 scanned, 32 isolated (16 >= 16: stop at 48): 32 scanned;
	 * the target is pb13+32
	 */
	p = rmm_compaction_alloc(blk[0], (unsigned long)&cc);
	got[n++] = p;
	ok(p == pb_page(13, 32) && cc.free_pfn == pb_pfn(13) + 48 &&
	   cc.total_free_scanned == 1072 && cc.nr_freepages == 15 &&
	   cc.nr_migratepages == 15,
	   "empty lists: one more isolation from pb13+16, target pb13+32");
	is_long(ev(RMM_COMPACTISOLATED) - iso0, 64, "compact_isolated += 64");
	/* release: 15 pages of pb13+32; the cached pfn only goes back up */
	zone->compact_cached_free_pfn = pb_pfn(5);
	rmm_compact_finish_free(&cc);
	ok(cc.nr_freepages == 0 && rmm_plist_empty(&cc.freepages[0]) &&
	   zone->compact_cached_free_pfn == pb_pfn(13),
	   "finish: lists released, cached free pfn back up to pb 13");
	is_long(ev(RMM_COMPACTFREE_SCANNED) - scan0, 1072,
		"compact_free_scanned += 1072");
	rmm_compact_finish_free(&cc);
	is_long(zone->compact_cached_free_pfn, pb_pfn(13),
		"finish with nothing isolated: cached pfn unchanged");
	for (i = 0; i < n; i++)
		rmm_mm_free_pages(&mm, got[i], 0);
	rmm_drain_all_pages(&mm);
	nr_free_of(nr);
	ok(nr_free_pages() == 400 && same_nr_free(nr, nr0),
	   "targets freed: 400 free pages as 25 order-4 blocks again");
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
}

static void test_scanner_async(void)
{
	struct rmm_compact_control cc;
	struct rmm_page *pb10 = pb_page(10, 0);

	rmm_compact_control_init(&cc, zone, 4);
	ok(!rmm_suitable_migration_target(&cc, pb10),
	   "order 4: a block starting with a free order-4 block: no target");
	cc.order = 5;
	ok(rmm_suitable_migration_target(&cc, pb10), "order 5: target");
	cc.order = -1;
	ok(rmm_suitable_migration_target(&cc, pb10),
	   "whole zone (pageblock order): target");
	ok(!rmm_suitable_migration_target(&cc, pb_page(12, 0)),
	   "Unmovable pageblock: no target");
	cc.ignore_block_suitable = true;
	ok(rmm_suitable_migration_target(&cc, pb_page(12, 0)),
	   "... unless ignore_block_suitable");
	cc.ignore_block_suitable = false;
	ok(!rmm_isolation_suitable(&cc, pb_page(11, 5)),
	   "pb 11 marked skip: not isolation_suitable");
	cc.ignore_skip_hint = true;
	ok(rmm_isolation_suitable(&cc, pb_page(11, 5)), "... unless ignored");
	cc.ignore_skip_hint = false;

	/*
	 * Async, from pb 12 to the end of the migrate scanner's pb 9:
	 * pb 12 Unmovable and pb 11 skipped untouched; pb 10 with stride
	 * 32: pfn 0 isolated (16 scanned), then 47, 79, ... 495 (15 pfns,
	 * each the last page of a free block, not its head): 31 scanned,
	 * 16 isolated, fully scanned: skip, cached pfn pb 9.  Next block pb
	 * 9 is below low_pfn pb 10: free_pfn = pb 9, the scanners met.
	 */
	cc.mode = RMM_MIGRATE_ASYNC;
	cc.nr_migratepages = 1000;
	cc.migrate_pfn = pb_pfn(9);
	cc.free_pfn = pb_pfn(12);
	zone->compact_cached_free_pfn = pb_pfn(15);
	rmm_isolate_freepages(&cc);
	ok(cc.nr_freepages == 16 && cc.freepages[4].first == pb10 &&
	   cc.freepages[4].nr == 1, "async: only pb10+0 isolated");
	is_long(cc.total_free_scanned, 31, "31 pfns scanned");
	ok(cc.free_pfn == pb_pfn(9) && rmm_compact_scanners_met(&cc),
	   "free_pfn pb 9: scanners met");
	ok(rmm_get_pageblock_skip(&mm, pb10) &&
	   !rmm_get_pageblock_skip(&mm, pb_page(12, 0)) &&
	   zone->compact_cached_free_pfn == pb_pfn(9),
	   "skip set on pb 10 only, cached free pfn pb 9");
	ok(RmmPageBuddy(pb_page(12, 0)) && RmmPageBuddy(pb_page(11, 0)) &&
	   RmmPageBuddy(pb_page(10, 32)), "pb 12, pb 11, pb10+32 still free");
	rmm_compact_finish_free(&cc);
	ok(nr_free_pages() == 400 && zone->compact_cached_free_pfn == pb_pfn(10),
	   "released: 400 free, cached free pfn pb 10");
}

static void test_scanner_strict(void)
{
	struct rmm_compact_control cc;
	unsigned long min = zone->_watermark[RMM_WMARK_MIN];
	unsigned long pfn, got;

	rmm_compact_control_init(&cc, zone, -1);
	got = rmm_isolate_freepages_range(&cc, pb_pfn(13), pb_pfn(13) + 16);
	ok(got == pb_pfn(13) + 16 && cc.freepages[4].first == pb_page(13, 0) &&
	   cc.nr_freepages == 16, "strict range of one free block: isolated");
	rmm_release_free_list(&mm, cc.freepages);
	rmm_compact_control_init(&cc, zone, -1);
	got = rmm_isolate_freepages_range(&cc, pb_pfn(13), pb_pfn(13) + 32);
	ok(!got && rmm_plist_empty(&cc.freepages[4]) && nr_free_pages() == 400,
	   "strict range over an allocated page: 0, nothing kept");

	/*
	 * __isolate_free_page() obeys min + 16 as an order-0 watermark:
	 * 400 free pages pass min 383 (400 > 399), not min 384
	 */
	rmm_compact_control_init(&cc, zone, -1);
	zone->_watermark[RMM_WMARK_MIN] = 384;
	pfn = pb_pfn(13);
	got = rmm_isolate_freepages_block(&cc, &pfn, pb_pfn(14), cc.freepages,
					  1, false);
	ok(!got && pfn == pb_pfn(13) && cc.total_free_scanned == 1 &&
	   RmmPageBuddy(pb_page(13, 0)),
	   "min 384: 400 free is not above 384 + 16: nothing isolated");
	zone->_watermark[RMM_WMARK_MIN] = 383;
	got = rmm_isolate_freepages_block(&cc, &pfn, pb_pfn(14), cc.freepages,
					  1, false);
	ok(got == 16 && pfn == pb_pfn(13) + 16,
	   "min 383: one block, then enough (nr_migratepages 0)");
	zone->_watermark[RMM_WMARK_MIN] = min;
	rmm_release_free_list(&mm, cc.freepages);
	is_long(nr_free_pages(), 400, "released: 400 free");
}

/*
 * On the whole free zone: a free pageblock made Unmovable and isolated
 * as one order-9 block turns Movable (__isolate_free_page(), at least
 * half a pageblock); released, it merges back into its order-10 block.
 */
static void test_isolate_pageblock(void)
{
	struct rmm_compact_control cc;
	unsigned long nr0[RMM_NR_ORDERS], nr[RMM_NR_ORDERS];
	unsigned long unmov = zone->nr_pageblocks_mt[RMM_MIGRATE_UNMOVABLE];
	long free0;

	rmm_drain_all_pages(&mm);
	nr_free_of(nr0);
	free0 = nr_free_pages();
	set_pb_mt(5, RMM_MIGRATE_UNMOVABLE);
	ok(rmm_pageblock_mt(&mm, pb_page(5, 0)) == RMM_MIGRATE_UNMOVABLE &&
	   zone->nr_pageblocks_mt[RMM_MIGRATE_UNMOVABLE] == unmov + 1,
	   "pb 5 Unmovable");
	rmm_compact_control_init(&cc, zone, -1);
	ok(rmm_isolate_freepages_range(&cc, pb_pfn(5), pb_pfn(6)) == pb_pfn(6) &&
	   cc.freepages[9].first == pb_page(5, 0) && cc.nr_freepages == 512,
	   "strict: pb 5 isolated as one order-9 block");
	ok(rmm_pageblock_mt(&mm, pb_page(5, 0)) == RMM_MIGRATE_MOVABLE &&
	   zone->nr_pageblocks_mt[RMM_MIGRATE_UNMOVABLE] == unmov,
	   "... and made Movable");
	is_long(nr_free_pages(), free0 - 512, "512 pages less free");
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_release_free_list(&mm, cc.freepages), pb_pfn(5),
		"release_free_list: highest pfn pb 5");
	rmm_drain_all_pages(&mm);
	nr_free_of(nr);
	ok(nr_free_pages() == free0 && same_nr_free(nr, nr0),
	   "released: free counts and orders as before");
}

int main(void)
{
	int i;

	is_long(rmm_test_mm_simple(&mm, 1, NR_PAGES, START_PFN), 0, "init");
	zone = &mm.nodes[0].node_zones[mm.layout.zone_normal];
	is_long(rmm_zone_managed_pages(zone), 8160, "Normal: 8160 managed");
	test_tunables();
	test_defer();
	test_fresh_zone();
	make_fragmented();
	test_skip_full_zone();
	free_even_blocks();
	test_fragmented_zone();
	test_skip_fragmented();
	test_suitable();
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	for (i = 0; i < NR_BLOCKS4; i++)
		if (!blk_free[i])
			rmm_mm_free_pages(&mm, blk[i], 4);
	test_skip_persistent();
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	make_scanner_zone();
	test_scanner_sync();
	test_scanner_async();
	test_scanner_strict();
	for (i = 0; i < NR_BLOCKS4; i++)
		if (!blk_free[i])
			rmm_mm_free_pages(&mm, blk[i], 4);
	test_isolate_pageblock();
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
	return done_testing();
}
