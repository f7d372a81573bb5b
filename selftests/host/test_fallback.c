// SPDX-License-Identifier: GPL-2.0
/*
 * test_fallback.c - migratetype fallback as 6.12.117 does it
 * (__rmqueue_claim / __rmqueue_steal / try_to_steal_block) and as 6.1 does
 * it, worked by hand on small zones; the order-10 race that let an order-9
 * fallback block be handed out as order 10 (an injected "other CPU" empties
 * the free list between the watermark check and the zone lock).
 */
#include "rmm_test.h"

static struct rmm_mm mm;
static struct rmm_range rng;

/*
 * One node, one range of @pages at 4 GiB: a Normal zone on a layout that
 * has DMA32, so the first attempt runs with ALLOC_NOFRAGMENT, as a
 * region above 4 GiB does in the module.
 */
static struct rmm_zone *setup(unsigned long pages, unsigned int kver)
{
	struct rmm_layout l;

	rmm_port_set_nr_cpus(1);
	rmm_port_set_cpu(0);
	rmm_layout_default(&l, 1, 1);
	l.kver = kver;
	rng.start_pfn = 0x100000;
	rng.nr_pages = pages;
	rng.nid = 0;
	rng.vaddr = rmm_test_mem(pages << RMM_PAGE_SHIFT);
	if (rmm_mm_init(&mm, &l, &rng, 1))
		return NULL;
	return &mm.nodes[0].node_zones[mm.layout.zone_normal];
}

static void teardown(void)
{
	rmm_mm_fini(&mm);
	rmm_test_unmem(rng.vaddr, rng.nr_pages << RMM_PAGE_SHIFT);
}

static unsigned long nr_free_mt(struct rmm_zone *z, unsigned int o, int mt)
{
	return z->free_area[o].nr_free_mt[mt];
}

static unsigned long fallbacks(void)
{
	return rmm_vm_event_state(&mm, RMM_PGSTEAL_FALLBACK);
}

/* the "other CPU": takes the zone's last order-10 block, once */
static int inject_armed;
static struct rmm_page *inject_page;

static void take_order10(int point, void *arg)
{
	if (point != RMM_INJECT_BEFORE_RMQUEUE || !inject_armed)
		return;
	inject_armed = 0;
	inject_page = rmm_mm_alloc_pages(&mm, 0, 10,
					 RMM_GFP_KERNEL | RMM___GFP_MOVABLE);
}

/*
 * 16 MiB Normal zone: 4 order-10 blocks, the top one holding the 16
 * memmap pages.  An unmovable order-9 allocation claims a whole order-10
 * block (both pageblocks become Unmovable) and leaves its other half free
 * as Unmovable order 9.  A movable order-10 allocation leaves one
 * order-10 block; the injected CPU takes it after the watermark check.
 * The zone then has no order-10 block of any type: the allocation must
 * fail, not hand out the Unmovable order-9 block as order 10.
 */
static void test_order10_race(unsigned int kver, const char *name)
{
	struct rmm_zone *z = setup(4096, kver);
	struct rmm_page *x, *b0, *p;
	unsigned long free_before;

	if (!ok(z != NULL, "%s: init 16 MiB Normal zone", name))
		return;
	is_long(z->free_area[10].nr_free, 3, "%s: three free order-10 blocks",
		name);
	x = rmm_mm_alloc_pages(&mm, 0, 9, RMM_GFP_KERNEL);
	rmm_drain_local_pages(&mm);	/* the pcp refill's second block */
	ok(x != NULL, "%s: unmovable order-9 allocation", name);
	is_long(nr_free_mt(z, 9, RMM_MIGRATE_UNMOVABLE), 1,
		"%s: its buddy is a free Unmovable order-9 block", name);
	is_long(z->free_area[10].nr_free, 2, "%s: the claim took one order-10",
		name);
	b0 = rmm_mm_alloc_pages(&mm, 0, 10, RMM_GFP_KERNEL | RMM___GFP_MOVABLE);
	ok(b0 != NULL, "%s: a movable order-10 allocation", name);
	is_long(z->free_area[10].nr_free, 1, "%s: one order-10 block left",
		name);

	free_before = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	inject_armed = 1;
	inject_page = NULL;
	rmm_port_inject_hook = take_order10;
	p = rmm_mm_alloc_pages(&mm, 0, 10, RMM_GFP_KERNEL | RMM___GFP_MOVABLE |
			       RMM___GFP_NOWARN);
	rmm_port_inject_hook = NULL;
	ok(inject_page != NULL, "%s: the other CPU took the last order-10 block",
	   name);
	ok(p == NULL, "%s: the racing order-10 allocation fails", name);
	is_long(rmm_zone_page_state(z, RMM_NR_FREE_PAGES), free_before - 1024,
		"%s: NR_FREE_PAGES dropped by the other CPU's 1024 only", name);
	is_long(nr_free_mt(z, 9, RMM_MIGRATE_UNMOVABLE) +
		nr_free_mt(z, 9, RMM_MIGRATE_MOVABLE), 1 + 1,
		"%s: the order-9 blocks are still free", name);
	is_long(rmm_validate_mm(&mm), 0, "%s: validator clean", name);

	if (p)
		rmm_mm_free_pages(&mm, p, 10);
	if (inject_page)
		rmm_mm_free_pages(&mm, inject_page, 10);
	rmm_mm_free_pages(&mm, b0, 10);
	rmm_mm_free_pages(&mm, x, 9);
	rmm_drain_local_pages(&mm);
	is_long(rmm_validate_mm(&mm), 0, "%s: validator clean after frees",
		name);
	teardown();
}

/*
 * Steals in a 16 MiB zone (8 pageblocks, boost allowed: managed >=
 * 4 * pageblock_nr_pages) where every page is Unmovable-allocated, then
 * @holes order-0 pages of pageblock 0 (every other page: no merging) and,
 * if @with_o5, the order-5 block at pages 32..63 of pageblock 2 are freed.
 * A movable order-0 request then cannot claim any pageblock (each has
 * far less than half free).  The request carries no __GFP_KSWAPD_RECLAIM,
 * so a boost stays visible, and __GFP_MEMALLOC, so the watermarks of this
 * tiny zone do not matter.
 */
static struct rmm_page **all;

/* a page's offset in the range (page pointers differ across sections) */
static unsigned long off_of(const struct rmm_page *p)
{
	return rmm_mm_page_to_pfn(&mm, p) - rng.start_pfn;
}

static struct rmm_page *at(unsigned long off)
{
	return rmm_mm_pfn_to_page(&mm, rng.start_pfn + off);
}

/* a 4096-page zone, every page allocated order-0 with @gfp */
static struct rmm_zone *setup_full(unsigned int kver, rmm_gfp_t gfp)
{
	struct rmm_zone *z = setup(4096, kver);
	unsigned long n = 0;
	int i;

	if (!z)
		return NULL;
	all = calloc(4096, sizeof(*all));
	for (i = 0; i < 2; i++) {	/* the pcp lists' pages too */
		while ((all[n] = rmm_mm_alloc_pages(&mm, 0, 0, gfp)))
			n++;
		rmm_drain_local_pages(&mm);
	}
	return z;
}

/* free what setup_full() took, except the holes already freed */
static void teardown_full(bool (*is_hole)(unsigned long off))
{
	unsigned long i;

	for (i = 0; i < 4096 && all[i]; i++)
		if (!is_hole(off_of(all[i])))
			rmm_mm_free_pages(&mm, all[i], 0);
	free(all);
	rmm_drain_local_pages(&mm);
	is_long(rmm_mm_total_free(&mm), rmm_mm_total_managed(&mm),
		"every page free again");
	teardown();
}

static int holes0, holes1;	/* even offsets from 0 and from 512 */
static bool with_o5;		/* 32 pages at 1024 + 32: one order-5 block */

static void free_holes(void)
{
	int i;

	for (i = 0; i < holes0; i++)
		rmm_mm_free_pages(&mm, at(2 * i), 0);
	for (i = 0; i < holes1; i++)
		rmm_mm_free_pages(&mm, at(512 + 2 * i), 0);
	if (with_o5)
		for (i = 0; i < 32; i++)
			rmm_mm_free_pages(&mm, at(1024 + 32 + i), 0);
	rmm_drain_local_pages(&mm);
}

static bool is_hole(unsigned long off)
{
	if (with_o5 && off >= 1024 + 32 && off < 1024 + 64)
		return true;
	if (off & 1)
		return false;
	return off < 2UL * holes0 ||
	       (off >= 512 && off < 512 + 2UL * holes1);
}

static struct rmm_zone *setup_unmovable_holes(unsigned int kver, int holes,
					      bool o5)
{
	struct rmm_zone *z = setup_full(kver, RMM_GFP_KERNEL |
					RMM___GFP_MEMALLOC | RMM___GFP_NOWARN);

	holes0 = holes;
	holes1 = 0;
	with_o5 = o5;
	if (z)
		free_holes();
	return z;
}

static void teardown_holes(void)
{
	teardown_full(is_hole);
}

static const rmm_gfp_t movable_memalloc = RMM___GFP_MOVABLE |
	RMM___GFP_MEMALLOC | RMM___GFP_NOWARN;

/* only order-0 holes: 6.12.117 steals without boosting, 6.1 boosts */
static void test_steal_boost(unsigned int kver, const char *name,
			     unsigned long want_boost)
{
	struct rmm_zone *z = setup_unmovable_holes(kver, 64, false);
	struct rmm_page *m;
	unsigned long steals;

	if (!ok(z != NULL, "%s: zone with 64 Unmovable order-0 holes", name))
		return;
	is_long(z->watermark_boost, 0, "%s: no boost before", name);
	steals = fallbacks();
	m = rmm_mm_alloc_pages(&mm, 0, 0, movable_memalloc);
	ok(m && off_of(m) < 128 && !(off_of(m) & 1),
	   "%s: movable order-0 served from an Unmovable hole", name);
	ok(fallbacks() > steals, "%s: counted as a fallback", name);
	is_long(z->watermark_boost, want_boost,
		"%s: boost after a single-page steal", name);
	is_long(rmm_validate_mm(&mm), 0, "%s: validator clean", name);
	if (m)
		rmm_mm_free_pages(&mm, m, 0);
	teardown_holes();
}

/*
 * order-0 holes and one order-5 hole: 6.12.117 steals the smallest block
 * (an order-0 hole; the order-5 block stays whole), 6.1 splits the
 * largest (the order-5 block).
 */
static void test_steal_smallest(unsigned int kver, const char *name,
				bool o5_split)
{
	struct rmm_zone *z = setup_unmovable_holes(kver, 64, true);
	struct rmm_page *m;

	if (!ok(z != NULL, "%s: zone with order-0 and order-5 holes", name))
		return;
	is_long(nr_free_mt(z, 5, RMM_MIGRATE_UNMOVABLE), 1,
		"%s: one free Unmovable order-5 block", name);
	m = rmm_mm_alloc_pages(&mm, 0, 0, movable_memalloc);
	ok(m != NULL, "%s: movable order-0 allocated", name);
	if (o5_split)
		ok(m && off_of(m) >= 1024 + 32 && off_of(m) < 1024 + 64,
		   "%s: taken from the largest (order-5) block", name);
	else
		ok(m && off_of(m) < 128,
		   "%s: taken from the smallest (order-0) block", name);
	is_long(nr_free_mt(z, 5, RMM_MIGRATE_UNMOVABLE), o5_split ? 0 : 1,
		"%s: order-5 block %s", name, o5_split ? "split" : "whole");
	is_long(rmm_validate_mm(&mm), 0, "%s: validator clean", name);
	if (m)
		rmm_mm_free_pages(&mm, m, 0);
	teardown_holes();
}

/*
 * Which pageblock a fallback takes from, among several of the fallback
 * type whose largest free block has the needed order: regionmm's
 * anti-fragmentation choice (Documentation/kernel-compat.rst, the kernel
 * takes the head of its free list).  A claim takes the block with the
 * most free pages (the most to win by changing its type); a steal that
 * leaves the type alone takes the fullest (it pollutes the pageblock
 * with the fewest free pages left to keep clean).
 *   pageblock 0: @holes0 free order-0 pages (even offsets, no merging)
 *   pageblock 1: @holes1 free order-0 pages (even offsets from 512)
 * everything else allocated with @fill.
 */
static struct rmm_zone *setup_two_blocks(unsigned int kver, rmm_gfp_t fill,
					 int h0, int h1)
{
	struct rmm_zone *z = setup_full(kver, fill);

	holes0 = h0;
	holes1 = h1;
	with_o5 = false;
	if (z)
		free_holes();
	return z;
}

static const rmm_gfp_t unmovable_memalloc = RMM___GFP_MEMALLOC |
	RMM___GFP_NOWARN;

/* an Unmovable request claims a Movable pageblock: the emptier one */
static void test_claim_emptiest(unsigned int kver, const char *name)
{
	struct rmm_zone *z = setup_two_blocks(kver, movable_memalloc, 200, 10);
	struct rmm_page *u;

	if (!ok(z != NULL, "%s: Movable blocks with 200 and 10 holes", name))
		return;
	u = rmm_mm_alloc_pages(&mm, 0, 0, unmovable_memalloc);
	ok(u && off_of(u) < 512,
	   "%s: claim takes the pageblock with 200 free pages", name);
	is_long(rmm_pb_of_idx(&mm, rmm_mm_page_idx(&mm, at(0)))->mt,
		RMM_MIGRATE_UNMOVABLE, "%s: that pageblock is Unmovable now",
		name);
	is_long(rmm_pb_of_idx(&mm, rmm_mm_page_idx(&mm, at(512)))->mt,
		RMM_MIGRATE_MOVABLE, "%s: the other stays Movable", name);
	is_long(rmm_validate_mm(&mm), 0, "%s: validator clean", name);
	if (u)
		rmm_mm_free_pages(&mm, u, 0);
	teardown_holes();
}

/* a Movable order-0 request steals from Unmovable blocks: the fuller one */
static void test_steal_fullest(unsigned int kver, const char *name)
{
	struct rmm_zone *z = setup_two_blocks(kver, RMM_GFP_KERNEL |
					      unmovable_memalloc, 64, 8);
	struct rmm_page *m;

	if (!ok(z != NULL, "%s: Unmovable blocks with 64 and 8 holes", name))
		return;
	m = rmm_mm_alloc_pages(&mm, 0, 0, movable_memalloc);
	ok(m && off_of(m) >= 512 && off_of(m) < 512 + 16,
	   "%s: steal takes the pageblock with 8 free pages", name);
	is_long(rmm_pb_of_idx(&mm, rmm_mm_page_idx(&mm, at(512)))->mt,
		RMM_MIGRATE_UNMOVABLE, "%s: its type stays Unmovable", name);
	is_long(rmm_validate_mm(&mm), 0, "%s: validator clean", name);
	if (m)
		rmm_mm_free_pages(&mm, m, 0);
	teardown_holes();
}

int main(void)
{
	test_order10_race(RMM_KVER(6, 12), "6.12");
	test_order10_race(RMM_KVER(6, 1), "6.1");
	test_steal_boost(RMM_KVER(6, 12), "6.12 steal", 0);
	test_steal_boost(RMM_KVER(6, 1), "6.1 steal", RMM_PAGEBLOCK_NR_PAGES);
	test_steal_smallest(RMM_KVER(6, 12), "6.12 smallest", false);
	test_steal_smallest(RMM_KVER(6, 1), "6.1 largest", true);
	test_claim_emptiest(RMM_KVER(6, 12), "6.12 claim");
	test_claim_emptiest(RMM_KVER(6, 1), "6.1 claim");
	test_steal_fullest(RMM_KVER(6, 12), "6.12 steal");
	test_steal_fullest(RMM_KVER(6, 1), "6.1 steal");
	return done_testing();
}
