// SPDX-License-Identifier: GPL-2.0
/*
 * test_reserve.c - highatomic reserves (reserve_highatomic_pageblock /
 * unreserve_highatomic_pageblock), watermark boost on fallback steals
 * (boost_watermark) and its reset, reserve levels of gfp (min, __GFP_HIGH,
 * GFP_ATOMIC, __GFP_MEMALLOC) and lowmem_reserve on zone fallback.
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
	test_reserve_levels();
	test_lowmem_reserve();
	return done_testing();
}
