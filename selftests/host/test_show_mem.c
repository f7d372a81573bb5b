// SPDX-License-Identifier: GPL-2.0
/*
 * test_show_mem.c - MemAvailable (rmm_mm_si_mem_available) against
 * numbers worked out by hand from si_mem_available() of mm/show_mem.c
 * (6.12) / mm/page_alloc.c (6.1), and the counters of /proc/regionmm/stats.
 *
 * Part 1 fills a hand-made instance (no rmm_mm_init: only the fields the
 * formula and the zone iterator read) so every input is a literal:
 *   node 0: DMA low 10, DMA32 low 100, Normal low 1000 + boost 200,
 *           Movable low 32 (unpopulated), Device 0
 *   node 1: Normal low 500, Movable low 32
 *   wmark_low = 10 + 100 + 1200 + 32 + 500 + 32 = 1874 (boost and the
 *     unpopulated zones count: for_each_zone(), low_wmark_pages())
 *   NR_FREE_PAGES = 3000 + 40000 + 100000 + 50000 = 193000
 *   totalreserve_pages = 7000
 *
 * Part 2 uses a real 1 GiB instance (Normal only) with min_free_kbytes
 * set by hand to 4096 (so the automatic rule does not matter):
 *   managed = 262144 - 1024 (descriptors) = 261120
 *   pages_min = 1024; Normal min 1024, tmp = max(256, mult_frac(261120,
 *   10, 10000) = 26 * 10 + 1120 * 10 / 10000 = 261) -> low 1285, high 1546
 *   empty Movable (6.12): 32/32/32, reserve min(32, managed 0) = 0
 *   wmark_low = 1285 + 32 = 1317, totalreserve = 1546
 */
#include "rmm_test.h"
#include "show_mem.h"

static struct rmm_mm fake;

/* what rmm_mm_init() sets and rmm_for_each_zone() follows */
static void fake_layout(int nr_nodes, int nr_zones)
{
	int n, z;

	fake.nr_nodes = nr_nodes;
	fake.nr_zones = nr_zones;
	for (n = 0; n < nr_nodes; n++) {
		fake.nodes[n].node_id = n;
		for (z = 0; z < nr_zones; z++) {
			struct rmm_zone *zone = &fake.nodes[n].node_zones[z];

			zone->mm = &fake;
			zone->zone_pgdat = &fake.nodes[n];
			zone->nid = n;
			zone->idx = z;
		}
	}
}

static void fake_zone(int nid, int z, unsigned long low, unsigned long boost,
		      long free)
{
	struct rmm_zone *zone = &fake.nodes[nid].node_zones[z];

	zone->_watermark[RMM_WMARK_LOW] = low;
	zone->watermark_boost = boost;
	rmm_atomic_long_set(&zone->vm_stat[RMM_NR_FREE_PAGES], free);
}

static void fake_node(int nid, long active_file, long inactive_file,
		      long slab_recl, long misc_recl)
{
	struct rmm_node *n = &fake.nodes[nid];

	rmm_atomic_long_set(&n->vm_stat[RMM_NR_ACTIVE_FILE], active_file);
	rmm_atomic_long_set(&n->vm_stat[RMM_NR_INACTIVE_FILE], inactive_file);
	rmm_atomic_long_set(&n->vm_stat[RMM_NR_SLAB_RECLAIMABLE_B], slab_recl);
	rmm_atomic_long_set(&n->vm_stat[RMM_NR_KERNEL_MISC_RECLAIMABLE],
			    misc_recl);
}

static void test_formula(void)
{
	fake_layout(2, 5);
	fake_zone(0, 0, 10, 0, 3000);
	fake_zone(0, 1, 100, 0, 40000);
	fake_zone(0, 2, 1000, 200, 100000);
	fake_zone(0, 3, 32, 0, 0);
	fake_zone(1, 2, 500, 0, 50000);
	fake_zone(1, 3, 32, 0, 0);
	fake.totalreserve_pages = 7000;

	is_long(rmm_mm_wmark_low_sum(&fake), 1874,
		"wmark_low: every zone, boost included");
	/* 193000 - 7000 */
	is_long(rmm_mm_si_mem_available(&fake), 186000,
		"no cache, no slab: free - totalreserve");

	/*
	 * pagecache 3000 + 1000 + 2000 = 6000 - min(3000, 1874) = 4126;
	 * reclaimable 1000 + 500 = 1500 - min(750, 1874) = 750
	 */
	fake_node(0, 3000, 1000, 1000, 0);
	fake_node(1, 0, 2000, 0, 500);
	is_long(rmm_mm_si_mem_available(&fake), 186000 + 4126 + 750,
		"cache capped by wmark_low, slab by half");

	/* the boost counts: without it wmark_low 1674, cache 6000 - 1674 */
	fake.nodes[0].node_zones[2].watermark_boost = 0;
	is_long(rmm_mm_si_mem_available(&fake), 186000 + 4326 + 750,
		"watermark_boost is part of low_wmark_pages()");
	fake.nodes[0].node_zones[2].watermark_boost = 200;

	/*
	 * pagecache 2000 - min(1000, 1874) = 1000;
	 * reclaimable 9000 - min(4500, 1874) = 7126
	 */
	fake_node(0, 2000, 0, 6000, 1000);
	fake_node(1, 0, 0, 2000, 0);
	is_long(rmm_mm_si_mem_available(&fake), 186000 + 1000 + 7126,
		"cache by half, slab+misc capped by wmark_low");

	/* odd counts round the kept half down: 7 - 3 = 4, 1 - 0 = 1 */
	fake_node(0, 1, 0, 7, 0);
	fake_node(1, 0, 0, 0, 0);
	is_long(rmm_mm_si_mem_available(&fake), 186000 + 1 + 4,
		"integer halves as the kernel's");

	/* 193000 - 300000 + 1 + 4 < 0 */
	fake.totalreserve_pages = 300000;
	is_long(rmm_mm_si_mem_available(&fake), 0, "clamped at 0");
}

static unsigned long stat(struct rmm_mm *mm, enum rmm_stat_item i)
{
	return rmm_mm_stat(mm, i);
}

#define NR_HELD 1000
#define NR_BIG 300

static void test_instance(void)
{
	static struct rmm_page *held[NR_HELD];
	static struct rmm_page *big[NR_BIG];
	struct rmm_page *p;
	struct rmm_mm mm;
	struct rmm_zone *z;
	unsigned long fb;
	long v;
	int i, nbig;

	is_long(rmm_test_mm_simple(&mm, 1, 262144, 0x100000), 0,
		"init 1 GiB Normal node");
	z = &mm.nodes[0].node_zones[2];
	v = 4096;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_MIN_FREE_KBYTES, &v, 1), 0,
		"min_free_kbytes 4096");
	/* preconditions of the hand-worked numbers (see the top comment) */
	is_long(rmm_zone_managed_pages(z), 261120, "managed 261120");
	ok(z->_watermark[RMM_WMARK_LOW] == 1285 &&
	   z->_watermark[RMM_WMARK_HIGH] == 1546 && !z->watermark_boost,
	   "Normal low 1285 high 1546, no boost");
	is_long(mm.totalreserve_pages, 1546, "totalreserve 1546");
	is_long(rmm_mm_wmark_low_sum(&mm), 1317, "wmark_low 1285 + 32");

	is_long(stat(&mm, RMM_STAT_DRAIN_ALL), 0, "stats: no drain yet");
	is_long(stat(&mm, RMM_STAT_PGSTEAL_FALLBACK), 0,
		"stats: no fallback yet");
	is_long(stat(&mm, RMM_STAT_PGALLOC_FAIL), 0, "stats: no failure yet");
	is_long(rmm_mm_si_mem_available(&mm), 261120 - 1546,
		"fresh: managed - totalreserve");

	/* movable pages from Movable pageblocks: no fallback, no boost */
	for (i = 0; i < NR_HELD; i++)
		held[i] = rmm_mm_alloc_pages(&mm, 0, 0, RMM___GFP_MOVABLE);
	ok(held[NR_HELD - 1] != NULL, "%d movable pages", NR_HELD);
	is_long(stat(&mm, RMM_STAT_PGSTEAL_FALLBACK), 0,
		"stats: movable allocations do not fall back");
	rmm_drain_all_pages(&mm);
	is_long(stat(&mm, RMM_STAT_DRAIN_ALL), 1, "stats: drain_all 1");
	is_long(stat(&mm, RMM_STAT_NR_PCP_SPARSE), 0, "stats: sparse 0");
	/* 261120 - 1000 - 1546 */
	is_long(rmm_mm_si_mem_available(&mm), 258574,
		"%d pages held, pcp drained", NR_HELD);

	/* cache 5000 - min(2500, 1317) = 3683; slab 100 - 50 = 50 */
	rmm_mod_node_page_state(&mm.nodes[0], RMM_NR_INACTIVE_FILE, 5000);
	rmm_mod_node_page_state(&mm.nodes[0], RMM_NR_SLAB_RECLAIMABLE_B, 100);
	is_long(rmm_mm_si_mem_available(&mm), 258574 + 3683 + 50,
		"with page cache and reclaimable slab");
	/* a boost raises wmark_low (1517) but not totalreserve */
	WRITE_ONCE(z->watermark_boost, 200);
	is_long(rmm_mm_si_mem_available(&mm), 258574 + 3483 + 50,
		"boost counts in wmark_low only");
	WRITE_ONCE(z->watermark_boost, 0);
	rmm_mod_node_page_state(&mm.nodes[0], RMM_NR_INACTIVE_FILE, -5000);
	rmm_mod_node_page_state(&mm.nodes[0], RMM_NR_SLAB_RECLAIMABLE_B, -100);

	/* the first unmovable page must come from a Movable pageblock */
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	fb = stat(&mm, RMM_STAT_PGSTEAL_FALLBACK);
	ok(p && fb >= 1, "stats: unmovable allocation fell back (%lu)", fb);
	rmm_mm_free_pages(&mm, p, 0);

	/* order-10 until the watermark refuses: exactly one failure */
	for (nbig = 0; nbig < NR_BIG; nbig++) {
		big[nbig] = rmm_mm_alloc_pages(&mm, 0, 10, RMM___GFP_MOVABLE |
					       RMM___GFP_NOWARN);
		if (!big[nbig])
			break;
	}
	ok(nbig > 200 && nbig < NR_BIG, "order-10 until refused: %d blocks",
	   nbig);
	is_long(stat(&mm, RMM_STAT_PGALLOC_FAIL), 1, "stats: pgalloc_fail 1");

	for (i = 0; i < NR_HELD; i++)
		rmm_mm_free_pages(&mm, held[i], 0);
	for (i = 0; i < nbig; i++)
		rmm_mm_free_pages(&mm, big[i], 10);
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

int main(void)
{
	test_formula();
	test_instance();
	return done_testing();
}
