// SPDX-License-Identifier: GPL-2.0
/*
 * test_buddy.c - buddy split/merge, migratetype fallback and stealing,
 * zone placement by physical address, compound pages, bad frees,
 * highatomic reserves.  Validator after every step.
 */
#include "rmm_test.h"

static struct rmm_mm mm;

static unsigned long zfree(int nid, int z)
{
	return rmm_zone_page_state(&mm.nodes[nid].node_zones[z],
				   RMM_NR_FREE_PAGES);
}

static void test_init_and_zones(void)
{
	struct rmm_zone *dma, *dma32, *normal;
	unsigned long managed;

	/* 8 MiB below 16 MiB, then up to 4 GiB + 64 MiB above: pfn 1024.. */
	struct rmm_layout l;
	struct rmm_range r[2];

	rmm_port_set_nr_cpus(4);
	rmm_layout_default(&l, 1, 4);
	r[0].start_pfn = 0x1000 - 2048;		/* 8 MiB at 8 MiB: DMA */
	r[0].nr_pages = 2048 + 4096;		/* ... through 32 MiB: DMA32 */
	r[0].nid = 0;
	r[0].vaddr = rmm_test_mem(r[0].nr_pages << RMM_PAGE_SHIFT);
	r[1].start_pfn = 0x100000;		/* 4 GiB: Normal */
	r[1].nr_pages = 16384;			/* 64 MiB */
	r[1].nid = 0;
	r[1].vaddr = rmm_test_mem(r[1].nr_pages << RMM_PAGE_SHIFT);
	is_long(rmm_mm_init(&mm, &l, r, 2), 0, "init with DMA/DMA32/Normal ranges");
	dma = &mm.nodes[0].node_zones[0];
	dma32 = &mm.nodes[0].node_zones[1];
	normal = &mm.nodes[0].node_zones[2];
	is_long(dma->present_pages, 2048, "DMA present = 8 MiB");
	is_long(dma32->present_pages, 4096, "DMA32 present = 16 MiB");
	is_long(normal->present_pages, 16384, "Normal present = 64 MiB");
	is_long(dma->zone_start_pfn, 0x800, "DMA start_pfn");
	is_long(normal->zone_start_pfn, 0x100000, "Normal start_pfn");
	is_long(mm.nodes[0].node_zones[3].present_pages, 0, "Movable empty");
	managed = rmm_mm_total_managed(&mm);
	is_long(managed + mm.memmap_pages, 2048 + 4096 + 16384,
		"present - managed = memmap pages (%lu)", mm.memmap_pages);
	is_long(mm.memmap_pages, (2 + 4 + 16) * 4,
		"16 B descriptors: 4 pages per 4 MiB section");
	is_long(rmm_mm_total_free(&mm), managed, "all managed pages free");
	is_long(rmm_validate_mm(&mm), 0, "validator clean after init");
	/* zonelist: Normal, DMA32, DMA */
	ok(mm.nodes[0].node_zonelists[0]._zonerefs[0].zone == normal &&
	   mm.nodes[0].node_zonelists[0]._zonerefs[1].zone == dma32 &&
	   mm.nodes[0].node_zonelists[0]._zonerefs[2].zone == dma &&
	   !mm.nodes[0].node_zonelists[0]._zonerefs[3].zone,
	   "zonelist Normal > DMA32 > DMA");
	{
		struct rmm_page *p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
		struct rmm_page *d = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_DMA);
		struct rmm_page *d32 = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_DMA32);

		ok(p && rmm_mm_page_zone(&mm, p) == normal, "GFP_KERNEL from Normal");
		ok(d && rmm_mm_page_zone(&mm, d) == dma, "GFP_DMA from DMA");
		ok(d32 && rmm_mm_page_zone(&mm, d32) == dma32, "GFP_DMA32 from DMA32");
		ok(rmm_mm_pfn_to_page(&mm, rmm_mm_page_to_pfn(&mm, p)) == p,
		   "pfn <-> page round trip");
		ok(rmm_mm_virt_to_page(&mm, (char *)rmm_mm_page_address(&mm, p) + 100) == p,
		   "virt -> page");
		ok(rmm_mm_page_address(&mm, p) ==
		   (char *)r[1].vaddr + ((rmm_mm_page_to_pfn(&mm, p) - 0x100000) << 12),
		   "page_address matches the range mapping");
		ok(!rmm_mm_pfn_to_page(&mm, 0x2000 + 1) && !rmm_mm_pfn_to_page(&mm, 5),
		   "pfn_to_page NULL in holes and outside");
		rmm_mm_free_pages(&mm, p, 0);
		rmm_mm_free_pages(&mm, d, 0);
		rmm_mm_free_pages(&mm, d32, 0);
	}
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

static void test_split_merge(void)
{
	struct rmm_page *p[RMM_NR_ORDERS];
	unsigned long free0;
	int o;

	is_long(rmm_test_mm_simple(&mm, 1, 8192, 0x100000), 0,
		"init 32 MiB Normal");
	free0 = zfree(0, 2);
	/* order-10 blocks: 8 sections - memmap (32 pages) */
	diag("free_area: o9=%lu o10=%lu", mm.nodes[0].node_zones[2].free_area[9].nr_free,
	     mm.nodes[0].node_zones[2].free_area[10].nr_free);
	for (o = 0; o < RMM_NR_ORDERS; o++) {
		p[o] = rmm_mm_alloc_pages(&mm, 0, o, RMM_GFP_KERNEL | RMM___GFP_NOWARN);
		ok(p[o] != NULL, "alloc order %d", o);
		if (p[o])
			ok(!(rmm_mm_page_to_pfn(&mm, p[o]) & ((1UL << o) - 1)),
			   "order %d naturally aligned", o);
	}
	is_long(rmm_validate_mm(&mm), 0, "validator clean after splits");
	for (o = 0; o < RMM_NR_ORDERS; o++)
		rmm_mm_free_pages(&mm, p[o], o);
	rmm_drain_all_pages(&mm);
	is_long(zfree(0, 2), free0, "all pages back after frees + drain");
	is_long(rmm_validate_mm(&mm), 0, "validator clean after merges");
	is_long(mm.nodes[0].node_zones[2].free_area[10].nr_free, 7,
		"merged back to 7 order-10 blocks");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

static void test_bad_free(void)
{
	struct rmm_page *p;

	rmm_test_mm_simple(&mm, 1, 4096, 0x100000);
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	rmm_mm_free_pages(&mm, p, 0);
	expect_warnings(0, "no WARNING before the bad frees");
	rmm_port_quiet = 1;
	rmm_mm_free_pages(&mm, p, 0);		/* double free: on pcp */
	rmm_port_quiet = 0;
	expect_warnings(1, "double free detected: one WARNING");
	is_long(rmm_validate_mm(&mm), 0, "lists intact after double free");
	p = rmm_mm_alloc_pages(&mm, 0, 2, RMM_GFP_KERNEL | RMM___GFP_COMP);
	ok(p && RmmPageHead(p) && RmmPageTail(p + 3) &&
	   rmm_compound_head(p + 3) == p && rmm_compound_order(p) == 2,
	   "compound page: head, tails, order");
	rmm_port_quiet = 1;
	rmm_mm_free_pages(&mm, p, 1);		/* wrong order */
	rmm_port_quiet = 0;
	expect_warnings(1, "wrong-order free of a compound page: one WARNING");
	is_long(rmm_validate_mm(&mm), 0, "wrong-order free refused");
	rmm_mm_free_pages(&mm, p, 2);
	rmm_drain_all_pages(&mm);
	is_long(rmm_mm_fini(&mm), 0, "fini after everything freed");
}

/* order-0 pages with @gfp into pages[n], pages[n + 1] ... until one fails */
static unsigned long alloc_until_fail(rmm_gfp_t gfp, struct rmm_page **pages,
				      unsigned long n)
{
	struct rmm_page *p;

	while ((p = rmm_mm_alloc_pages(&mm, 0, 0, gfp)))
		pages[n++] = p;
	return n;
}

static void test_fallback(void)
{
	struct rmm_zone *z;
	struct rmm_page **pages;
	unsigned long i, n = 0, unmov_blocks;

	rmm_test_mm_simple(&mm, 1, 16384, 0x100000);
	z = &mm.nodes[0].node_zones[2];
	is_long(z->nr_pageblocks_mt[RMM_MIGRATE_MOVABLE], 32,
		"all pageblocks start Movable (memmap_init)");
	pages = calloc(16384, sizeof(*pages));
	/*
	 * unmovable allocation must steal a whole block; without
	 * __GFP_KSWAPD_RECLAIM, so that no kswapd stand-in clears a boost
	 */
	pages[n++] = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL &
					~RMM___GFP_KSWAPD_RECLAIM);
	unmov_blocks = z->nr_pageblocks_mt[RMM_MIGRATE_UNMOVABLE];
	ok(unmov_blocks >= 1, "unmovable alloc claimed a pageblock (%lu)", unmov_blocks);
	ok(rmm_vm_event_state(&mm, RMM_PGSTEAL_FALLBACK) >= 1, "fallback counted");
	/* try_to_steal_block(): blocks >= pageblock order change type unboosted */
	ok(z->watermark_boost == 0 && !z->flag_boosted_watermark,
	   "taking a whole free pageblock does not boost (boost %lu)",
	   z->watermark_boost);
	/* more unmovable allocations stay in the claimed block */
	for (i = 0; i < 300; i++)
		pages[n++] = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	is_long(z->nr_pageblocks_mt[RMM_MIGRATE_UNMOVABLE], unmov_blocks,
		"300 more unmovable pages did not claim another block");
	/* movable and reclaimable */
	for (i = 0; i < 100; i++)
		pages[n++] = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_HIGHUSER_MOVABLE);
	for (i = 0; i < 100; i++)
		pages[n++] = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL | RMM___GFP_RECLAIMABLE);
	ok(z->nr_pageblocks_mt[RMM_MIGRATE_RECLAIMABLE] >= 1, "reclaimable claimed a block");
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	/* exhaust the zone: fallbacks everywhere, then failure */
	rmm_port_quiet = 1;
	n = alloc_until_fail(RMM_GFP_KERNEL | RMM___GFP_NOWARN, pages, n);
	rmm_port_quiet = 0;
	diag("allocated %lu of %lu managed before failing; free %ld min %lu",
	     n, rmm_zone_managed_pages(z), rmm_zone_page_state(z, RMM_NR_FREE_PAGES),
	     rmm_min_wmark_pages(z));
	ok(rmm_zone_page_state(z, RMM_NR_FREE_PAGES) <= (long)rmm_min_wmark_pages(z) + 1,
	   "GFP_KERNEL stops at the min watermark");
	{
		unsigned long before = n;

		n = alloc_until_fail(RMM_GFP_ATOMIC | RMM___GFP_NOWARN, pages, n);
		ok(n > before, "GFP_ATOMIC dips into the min reserve (%lu more)", n - before);
	}
	is_long(rmm_validate_mm(&mm), 0, "validator clean when full");
	for (i = 0; i < n; i++)
		rmm_mm_free_pages(&mm, pages[i], 0);
	rmm_drain_all_pages(&mm);
	is_long(rmm_validate_mm(&mm), 0, "validator clean after freeing all");
	is_long(rmm_mm_fini(&mm), 0, "fini");
	free(pages);
}

int main(void)
{
	test_init_and_zones();
	test_split_merge();
	test_bad_free();
	test_fallback();
	return done_testing();
}
