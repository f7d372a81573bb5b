// SPDX-License-Identifier: GPL-2.0
/*
 * test_compact_engine.c - the compaction engine (compaction.c's migrate
 * scanner, compact_zone(), compact_node()) over movable LRU pages of a
 * memory object, with every value worked by hand from mm/compaction.c of
 * 6.12.117 (never read back from the function under test).
 *
 * The zone: one node of 8192 pages (16 pageblocks of 512) at 4 GiB, all
 * Normal; 8160 pages are managed (the top 32 hold the descriptors), so
 * pageblock 15 has 480 usable pages.  Fragmented by hand: every usable
 * page is taken by a filler, then in each of pageblocks 0..14 the pages at
 * offsets 0, 64, .., 448 are given back and a private object's 120 pages
 * are faulted into exactly those; one filler page (offset 1 of block 3) is
 * kept: a page nobody can migrate.  Every other filler goes back: no
 * pageblock is free, block 15 is (480 = 256 + 128 + 64 + 32).
 *
 * compact_node() (whole zone, sync, order -1, skip hints ignored):
 *   migrate scanner: blocks 0..14, one block per pass (8 pages each,
 *     below COMPACT_CLUSTER_MAX), every pfn counted once: 15 * 512 = 7680
 *     scanned; 120 isolated; the pinned page is not isolated (skipped).
 *   free scanner: from block 15's start: the order-8 block at 7680 is
 *     isolated whole (256 scanned, 256 isolated) and covers all 120
 *     targets, handed out in ascending pfn order: the object's page i
 *     (ascending source pfn) moves to 7680 + i.
 *   the rest (136) is released; the scanners meet at block 15: COMPLETE.
 *   After a pcp drain: blocks 0-2, 4-14 free, 3 holds the pinned page:
 *   order 10: (0,1) (4,5) (6,7) (8,9) (10,11) (12,13) = 6, order 9: 2
 *   and 14 = 2: 6 * 1024 + 2 * 512 = 7168 pages in >= pageblock blocks;
 *   compact_isolated +376 (120 + 256), compact_migrate_scanned +7680,
 *   compact_free_scanned +256, pgmigrate_success +120; no skip bit (the
 *   hints are ignored), the cached migrate pfns at the zone start and
 *   the cached free pfn at block 15 (reset when the scanners met).
 * A second compact_zone() (order -1, sync, hints used, not whole zone):
 *   nothing to isolate; every block 0..14 is marked skip (3 at its first
 *   non-free page, test_and_set_skip(); the others scanned to their end
 *   with nothing isolated), the scanners meet: PARTIAL_SKIPPED (not a
 *   whole-zone run), cached positions reset again.
 */
#include "rmm_test.h"
#include "compaction.h"
#include "internal.h"
#include "memobj.h"
#include "memobj_test.h"
#include "lru.h"
#include "migrate.h"
#include "pcp.h"

#define START_PFN	0x100000UL
#define NR_PAGES	8192UL
#define PB		512UL
#define NR_OBJ		120

static struct rmm_mm mm;
static struct rmm_zone *zone;
static const rmm_gfp_t gfp = RMM_GFP_HIGHUSER_MOVABLE | RMM___GFP_MEMALLOC |
			     RMM___GFP_NOWARN;

static void t_unmap_obj(struct rmm_mm *m, u64 cookie, u64 pgoff, u64 nr)
{
}

static const struct rmm_mm_ops t_ops = {
	.unmap_obj	= t_unmap_obj,
};

static struct rmm_page *filler[NR_PAGES];
static u8 keep[NR_OBJ][4096];

static unsigned long pfn_of(struct rmm_page *p)
{
	return rmm_mm_page_to_pfn(&mm, p) - START_PFN;
}

static unsigned long ev(enum rmm_vm_event_item i)
{
	return rmm_vm_event_state(&mm, i);
}

static void fill(struct rmm_page *p, u8 *k, u64 seed)
{
	rmm_test_fill_random(&mm, p, k, seed);
}

static struct rmm_page *fault(struct rmm_memview *v, u64 pgoff)
{
	struct rmm_page *p;

	return rmm_test_fault(v, pgoff, true, &p) ? NULL : p;
}


static void nr_free(unsigned long *nr)
{
	rmm_drain_all_pages(&mm);
	rmm_zone_nr_free_snapshot(zone, nr);
}

static int nr_skipped(void)
{
	unsigned long b;
	int n = 0;

	for (b = 0; b < NR_PAGES / PB; b++)
		n += rmm_get_pageblock_skip(&mm, rmm_mm_pfn_to_page(&mm,
					    START_PFN + b * PB));
	return n;
}

static void test_engine(void)
{
	unsigned long nr[RMM_NR_ORDERS], pfn, b;
	unsigned long iso0, mscan0, fscan0, succ0;
	struct rmm_compact_control cc;
	struct rmm_memobj *obj;
	struct rmm_memview *v;
	struct rmm_page *p, *pinned = NULL;
	int i, n = 0, bad = 0, placed = 0;

	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, gfp);
	rmm_memobj_set_host(obj, 0x77);
	v = rmm_memview_get(obj, 1);

	/* take every usable page */
	while ((p = rmm_mm_alloc_pages(&mm, 0, 0, gfp)))
		filler[pfn_of(p)] = p;
	for (pfn = 0; pfn < 8160; pfn++)
		n += !!filler[pfn];
	is_long(n, 8160, "every usable page taken by a filler");

	/* the object's pages at offsets 0, 64, .. of blocks 0..14 */
	for (b = 0; b < 15; b++)
		for (pfn = b * PB; pfn < (b + 1) * PB; pfn += 64) {
			rmm_mm_free_pages(&mm, filler[pfn], 0);
			filler[pfn] = NULL;
		}
	for (i = 0; i < NR_OBJ; i++) {
		p = fault(v, i);
		if (!p)
			break;
		fill(p, keep[i], 1000 + i);
		placed += pfn_of(p) < 15 * PB && !(pfn_of(p) % 64);
	}
	is_long(placed, NR_OBJ, "120 object pages, at offsets 0 mod 64 of blocks 0..14");

	/* keep offset 1 of block 3, give the rest back */
	pinned = filler[3 * PB + 1];
	filler[3 * PB + 1] = NULL;
	for (pfn = 0; pfn < 8160; pfn++)
		if (filler[pfn])
			rmm_mm_free_pages(&mm, filler[pfn], 0);
	nr_free(nr);
	is_long(nr[9] + nr[10], 0, "before: no free pageblock-order block");
	is_long(nr[8], 1, "before: one order-8 block (block 15)");

	iso0 = ev(RMM_COMPACTISOLATED);
	mscan0 = ev(RMM_COMPACTMIGRATE_SCANNED);
	fscan0 = ev(RMM_COMPACTFREE_SCANNED);
	succ0 = ev(RMM_PGMIGRATE_SUCCESS);
	is_long(rmm_compact_nodes(&mm), 0, "compact_nodes: 0");

	for (i = 0; i < NR_OBJ; i++) {
		p = rmm_test_lookup(v, i);
		if (!p || memcmp(rmm_mm_page_address(&mm, p), keep[i], 4096))
			bad++;
	}
	is_long(bad, 0, "every byte of the 120 pages reads back through the view");
	n = 0;
	for (i = 0; i < NR_OBJ; i++) {
		p = rmm_test_lookup(v, i);
		n += p && pfn_of(p) >= 15 * PB && pfn_of(p) < 15 * PB + NR_OBJ;
	}
	is_long(n, NR_OBJ, "all moved to pfns 7680..7799 (block 15)");
	is_long(rmm_memobj_validate(obj), 0, "memobj validator clean");
	is_long(rmm_lru_validate(&mm), 0, "LRU validator clean");
	is_long(rmm_validate_mm(&mm), 0, "mm validator clean");

	nr_free(nr);
	is_long(nr[10], 6, "after: 6 order-10 blocks");
	is_long(nr[9], 2, "after: 2 order-9 blocks (2 and 14)");
	is_long(rmm_zone_page_state(zone, RMM_NR_FREE_PAGES), 8160 - NR_OBJ - 1,
		"free pages: 8160 - 120 - 1");
	is_long(ev(RMM_COMPACTISOLATED) - iso0, 376, "compact_isolated +376");
	is_long(ev(RMM_COMPACTMIGRATE_SCANNED) - mscan0, 7680,
		"compact_migrate_scanned +7680");
	is_long(ev(RMM_COMPACTFREE_SCANNED) - fscan0, 256,
		"compact_free_scanned +256");
	is_long(ev(RMM_PGMIGRATE_SUCCESS) - succ0, NR_OBJ, "pgmigrate_success +120");
	is_long(nr_skipped(), 0, "no skip bit (hints ignored)");
	is_long(zone->compact_cached_migrate_pfn[0] - START_PFN, 0,
		"cached async migrate pfn: zone start");
	is_long(zone->compact_cached_migrate_pfn[1] - START_PFN, 0,
		"cached sync migrate pfn: zone start");
	is_long(zone->compact_cached_free_pfn - START_PFN, 15 * PB,
		"cached free pfn: block 15");

	/* a second run using the hints, not the whole zone */
	rmm_compact_control_init(&cc, zone, -1);
	cc.mode = RMM_MIGRATE_SYNC;
	cc.gfp_mask = RMM_GFP_KERNEL;
	is_long(rmm_compact_zone(&cc), RMM_COMPACT_PARTIAL_SKIPPED,
		"second run: PARTIAL_SKIPPED");
	is_long(nr_skipped(), 15, "blocks 0..14 marked skip");
	ok(!rmm_get_pageblock_skip(&mm, rmm_mm_pfn_to_page(&mm, START_PFN + 15 * PB)),
	   "block 15 (the free scanner's) not marked");
	is_long(zone->compact_cached_migrate_pfn[1] - START_PFN, 0,
		"cached positions reset when the scanners met");
	nr_free(nr);
	is_long(nr[10] * 1024 + nr[9] * 512, 7168, "nothing moved: 7168 still");

	/* the pinned page goes: compact_node() frees block 3 too */
	rmm_mm_free_pages(&mm, pinned, 0);
	is_long(rmm_compact_node(&mm.nodes[0], false), 0, "compact_node: 0");
	nr_free(nr);
	is_long(nr[10], 7, "without the pinned page: 7 order-10 blocks");
	is_long(nr[9], 1, "and block 14 of order 9");

	for (i = 0; i < NR_OBJ; i++) {
		p = rmm_test_lookup(v, i);
		if (!p || memcmp(rmm_mm_page_address(&mm, p), keep[i], 4096))
			bad++;
	}
	is_long(bad, 0, "the bytes still read back");
	rmm_memview_put(v);
	rmm_memobj_put(obj);
	is_long(rmm_lru_validate(&mm), 0, "LRU validator clean");
	is_long(rmm_validate_mm(&mm), 0, "mm validator clean");
}

int main(void)
{
	is_long(rmm_test_mm_simple(&mm, 1, NR_PAGES, START_PFN), 0, "init");
	mm.ops = &t_ops;
	is_long(rmm_lru_init(&mm), 0, "LRU and page exts");
	zone = &mm.nodes[0].node_zones[mm.layout.zone_normal];
	is_long(rmm_zone_managed_pages(zone), 8160, "Normal: 8160 managed");
	test_engine();
	rmm_lru_fini(&mm);
	is_long(rmm_mm_fini(&mm), 0, "fini: nothing left allocated");
	return done_testing();
}
