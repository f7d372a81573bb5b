// SPDX-License-Identifier: GPL-2.0
/*
 * test_numa.c - nodes and zonelists (2 and 3 nodes, distances), THISNODE,
 * NUMA counters, Movable carve-out, holes and scattered 4 MiB blocks
 * (borrow mode), and every init/teardown failure path (the ENOMEM ones are
 * in test_init_fail.c).
 */
#include "rmm_test.h"

static struct rmm_mm mm;

static int zl_node(int nid, int i)
{
	struct rmm_zone *z = mm.nodes[nid].node_zonelists[0]._zonerefs[i].zone;

	return z ? z->nid : -1;
}

/* one range of @pages for each of @nodes nodes, 0x10000 pfns apart */
static void node_ranges(struct rmm_range *r, int nodes, unsigned long pages)
{
	int k;

	for (k = 0; k < nodes; k++) {
		r[k].start_pfn = 0x100000 + k * 0x10000UL;
		r[k].nr_pages = pages;
		r[k].nid = k;
		r[k].vaddr = rmm_test_mem(pages << RMM_PAGE_SHIFT);
	}
}

static void test_three_nodes(void)
{
	struct rmm_layout l;
	struct rmm_range r[3];
	struct rmm_page *p, **held;
	unsigned long n = 0, i;

	rmm_port_set_nr_cpus(4);
	rmm_layout_default(&l, 3, 4);
	/* 0 - 1: 20, 0 - 2: 30, 1 - 2: 20 */
	l.node_distance[0][2] = l.node_distance[2][0] = 30;
	node_ranges(r, 3, 8192);
	is_long(rmm_mm_init(&mm, &l, r, 3), 0, "3-node init");
	ok(zl_node(0, 0) == 0 && zl_node(0, 1) == 1 && zl_node(0, 2) == 2 &&
	   zl_node(0, 3) == -1, "node 0 zonelist: 0, 1, 2");
	ok(zl_node(2, 0) == 2 && zl_node(2, 1) == 1 && zl_node(2, 2) == 0,
	   "node 2 zonelist: 2, 1, 0 (by distance)");
	/* find_next_best_node(): at equal distance, nodes below us get +1 */
	ok(zl_node(1, 0) == 1 && zl_node(1, 1) == 2 && zl_node(1, 2) == 0,
	   "node 1 zonelist: 1, 2, 0 (ties: the kernel prefers the next node)");
	ok(!mm.nodes[0].node_zonelists[RMM_ZONELIST_NOFALLBACK]._zonerefs[1].zone,
	   "NOFALLBACK zonelist holds only the local node");
	is_long(mm.nodes[1].node_start_pfn, 0x110000, "node 1 start_pfn");

	held = calloc(3 * 8192, sizeof(*held));
	rmm_port_quiet = 1;
	while ((p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL | RMM___GFP_THISNODE |
				       RMM___GFP_NOWARN)))
		held[n++] = p;
	rmm_port_quiet = 0;
	for (i = 0; i < n && rmm_mm_page_nid(&mm, held[i]) == 0; i++)
		;
	is_long(i, n, "THISNODE allocations all on node 0 (%lu)", n);
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	ok(p && rmm_mm_page_nid(&mm, p) == 1, "without THISNODE: falls back to node 1");
	held[n++] = p;
	ok(rmm_zone_numa_event_state(&mm.nodes[1].node_zones[2], RMM_NUMA_MISS) >= 1 &&
	   rmm_zone_numa_event_state(&mm.nodes[0].node_zones[2], RMM_NUMA_FOREIGN) >= 1,
	   "numa_miss on node 1, numa_foreign on node 0");
	p = rmm_mm_alloc_pages(&mm, 2, 0, RMM_GFP_KERNEL);
	ok(p && rmm_mm_page_nid(&mm, p) == 2, "nid 2 served locally");
	held[n++] = p;
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	rmm_port_quiet = 1;
	is_long(rmm_mm_fini(&mm), -EBUSY, "fini refuses while pages are held");
	rmm_port_quiet = 0;
	for (i = 0; i < n; i++)
		rmm_mm_free_pages(&mm, held[i], 0);
	is_long(rmm_mm_fini(&mm), 0, "fini after freeing");
	ok(mm.sections == NULL, "instance zeroed");
	free(held);
}

/*
 * 4 nodes, all 20 apart: the kernel's find_next_best_node() + node_load
 * round robin gives 0: 0 1 2 3, 1: 1 2 3 0, 2: 2 3 0 1, 3: 3 0 1 2.
 */
static void test_four_nodes(void)
{
	static const int want[4][4] = {
		{ 0, 1, 2, 3 }, { 1, 2, 3, 0 }, { 2, 3, 0, 1 }, { 3, 0, 1, 2 },
	};
	struct rmm_layout l;
	struct rmm_range r[4];
	int k, i, good = 1;

	rmm_layout_default(&l, 4, 4);
	node_ranges(r, 4, 2048);
	is_long(rmm_mm_init(&mm, &l, r, 4), 0, "4-node init");
	for (k = 0; k < 4; k++)
		for (i = 0; i < 4; i++)
			if (zl_node(k, i) != want[k][i])
				good = 0;
	ok(good, "equal distances: zonelists rotate like the kernel's node_load");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

static void test_movable(void)
{
	struct rmm_layout l;
	struct rmm_range r[2];
	struct rmm_zone *mov, *nor;
	struct rmm_page *p;

	rmm_layout_default(&l, 2, 4);
	l.movable_pages = 8192;		/* 4096 per node */
	node_ranges(r, 2, 16384);
	is_long(rmm_mm_init(&mm, &l, r, 2), 0, "init with movablecore-like 8192 pages");
	mov = &mm.nodes[0].node_zones[3];
	nor = &mm.nodes[0].node_zones[2];
	is_long(mov->present_pages, 4096, "node 0 Movable present 4096 (top of node)");
	is_long(mov->zone_start_pfn, 0x100000 + 16384 - 4096, "Movable starts at the top");
	is_long(nor->present_pages, 16384 - 4096, "Normal keeps the rest");
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_HIGHUSER_MOVABLE);
	ok(p && rmm_mm_page_zone(&mm, p) == mov, "GFP_HIGHUSER_MOVABLE from Movable");
	rmm_mm_free_pages(&mm, p, 0);
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL | RMM___GFP_MOVABLE);
	ok(p && rmm_mm_page_zone(&mm, p) == nor, "__GFP_MOVABLE without HIGHMEM: Normal");
	rmm_mm_free_pages(&mm, p, 0);
	is_long(rmm_zone_managed_pages(mov), 4096, "descriptors not carved from Movable");
	ok(mov->lowmem_reserve[3] == 0 && nor->lowmem_reserve[3] == 4096 / 32,
	   "Normal protects itself from Movable: %ld", nor->lowmem_reserve[3]);
	is_long(mov->_watermark[0], 32, "6.12 Movable min capped (managed/1024 -> 32)");
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");

	/*
	 * Unequal nodes (8192 + 24576 pages), movablecore 8192: kernelcore
	 * 24576 is spread evenly (12288 each); node 0 is too small and keeps
	 * everything, the rebalancing pass gives node 1 the remaining 4096 of
	 * kernelcore, so node 1 ends with 8192 Movable pages, node 0 none
	 * (find_zone_movable_pfns_for_nodes).
	 */
	r[0].nr_pages = 8192;
	r[1].nr_pages = 24576;
	r[1].vaddr = rmm_test_mem(24576UL << RMM_PAGE_SHIFT);
	is_long(rmm_mm_init(&mm, &l, r, 2), 0, "unequal nodes with movablecore");
	is_long(mm.nodes[0].node_zones[3].present_pages, 0, "node 0: no Movable");
	is_long(mm.nodes[1].node_zones[3].present_pages, 8192, "node 1: 8192 Movable");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

static void test_holes(void)
{
	struct rmm_layout l;
	struct rmm_range r[17];
	char *mem = rmm_test_mem(64UL << 20);
	struct rmm_zone *z;
	struct rmm_page *p;
	unsigned long pfn0 = 0x100000, n;
	int k;

	rmm_layout_default(&l, 1, 4);
	/* two ranges in one mapping with a 1 MiB hole inside a section */
	r[0].start_pfn = pfn0;
	r[0].nr_pages = 1024 + 256;
	r[0].vaddr = mem;
	r[1].start_pfn = pfn0 + 1024 + 512;
	r[1].nr_pages = 8192;
	r[1].vaddr = mem + ((1024 + 512UL) << RMM_PAGE_SHIFT);
	r[0].nid = r[1].nid = 0;
	is_long(rmm_mm_init(&mm, &l, r, 2), 0, "init with a hole");
	z = &mm.nodes[0].node_zones[2];
	is_long(z->spanned_pages, 1024 + 512 + 8192, "spanned includes the hole");
	is_long(z->present_pages, 1024 + 256 + 8192, "present excludes it");
	ok(!rmm_mm_pfn_to_page(&mm, pfn0 + 1024 + 300), "hole pfn has no page");
	{
		struct rmm_page **held = calloc(16384, sizeof(*held));
		unsigned long i;

		n = 0;
		while ((p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_ATOMIC |
					       RMM___GFP_NOWARN))) {
			unsigned long pfn = rmm_mm_page_to_pfn(&mm, p);

			held[n++] = p;
			if (pfn >= pfn0 + 1024 + 256 && pfn < pfn0 + 1024 + 512)
				break;
		}
		ok(!p, "no page ever handed out from the hole (%lu allocated)", n);
		rmm_drain_all_pages(&mm);
		is_long(rmm_validate_mm(&mm), 0, "validator clean full with holes");
		for (i = 0; i < n; i++)
			rmm_mm_free_pages(&mm, held[i], 0);
		free(held);
		is_long(rmm_mm_fini(&mm), 0, "fini");
	}

	/* borrow mode: 16 scattered 4 MiB blocks, separate mappings */
	for (k = 0; k < 16; k++) {
		r[k].start_pfn = 0x100000 + (unsigned long)k * 7 * 1024 + (k % 3) * 1024;
		r[k].nr_pages = 1024;
		r[k].nid = 0;
		r[k].vaddr = rmm_test_mem(4UL << 20);
	}
	is_long(rmm_mm_init(&mm, &l, r, 16), 0, "16 scattered 4 MiB blocks");
	is_long(mm.memmap_pages, 16 * 4, "descriptors: 16 KiB per 4 MiB block, holes free");
	ok(!mm.virt_linear, "non-linear mapping detected");
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	ok(p && rmm_mm_virt_to_page(&mm, (char *)rmm_mm_page_address(&mm, p) + 5) == p,
	   "virt_to_page through the range search");
	rmm_mm_free_pages(&mm, p, 0);
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

static void test_failures(void)
{
	struct rmm_layout l;
	struct rmm_range r[2];
	void *m = rmm_test_mem(64UL << 20);

	rmm_port_quiet = 1;
	rmm_layout_default(&l, 1, 4);
	r[0] = (struct rmm_range){ 0x100000, 4096, 0, m };
	r[1] = (struct rmm_range){ 0x100800, 4096, 0, (char *)m + (32UL << 20) };
	is_long(rmm_mm_init(&mm, &l, r, 2), -EINVAL, "overlapping ranges");
	ok(!mm.sections, "no partial state");
	r[1] = (struct rmm_range){ 0x102000, 4096, 1, (char *)m + (32UL << 20) };
	is_long(rmm_mm_init(&mm, &l, r, 2), -EINVAL, "nid beyond nr_nodes");
	r[1].nid = 0;
	r[1].vaddr = (char *)m + 100;
	is_long(rmm_mm_init(&mm, &l, r, 2), -EINVAL, "unaligned vaddr");
	is_long(rmm_mm_init(&mm, &l, r, 0), -EINVAL, "no ranges");
	r[0] = (struct rmm_range){ 0x100000, 2, 0, m };
	is_long(rmm_mm_init(&mm, &l, r, 1), -ENOMEM, "too small for its descriptors");
	r[0] = (struct rmm_range){ 0x100000, 4096, 0, m };
	r[1] = (struct rmm_range){ 0x100000 + (1UL << 28) + 4096, 4096, 0,
				   (char *)m + (32UL << 20) };
	is_long(rmm_mm_init(&mm, &l, r, 2), -EINVAL, "span beyond 1 TiB");
	l.nr_nodes = 2;
	r[0] = (struct rmm_range){ 0x101000, 50, 0, m };
	r[1] = (struct rmm_range){ 0x101000 + 100, 512, 1,
				   (char *)m + (100UL << RMM_PAGE_SHIFT) };
	is_long(rmm_mm_init(&mm, &l, r, 2), -EINVAL, "two nodes in one section");
	rmm_layout_default(&l, 0, 4);
	is_long(rmm_mm_init(&mm, &l, r, 1), -EINVAL, "nr_nodes 0");
	rmm_layout_default(&l, 1, 4);
	l.kver = RMM_KVER(5, 10);
	is_long(rmm_mm_init(&mm, &l, r, 1), -EINVAL, "unsupported kver");
	rmm_layout_default(&l, 1, 4);
	l.zone_movable = -1;
	l.movable_pages = 1024;
	is_long(rmm_mm_init(&mm, &l, r, 1), -EINVAL, "movable pages without a Movable zone");
	rmm_layout_default(&l, 1, 99);
	is_long(rmm_mm_init(&mm, &l, r, 1), -EINVAL, "more CPUs than the port has");
	rmm_port_quiet = 0;
	is_long(atomic_load(&rmm_port_kv_live), 0,
		"the refused inits left no metadata allocated");
	is_long(rmm_mm_fini(&mm), 0, "fini of a never-initialised instance is a no-op");
}

/*
 * movablecore= over many ranges (borrow_method=blocks hands the core up
 * to 256 4 MiB ranges): 200 ranges of 1024 pages with holes between them,
 * 25 % movable.  find_zone_movable_pfns_for_nodes(): kernelcore = 153600
 * pages = the lowest 150 ranges, so Movable starts at the end of range
 * 149 and holds the top 50 ranges: 51200 pages.
 */
static void test_movable_many_ranges(void)
{
	static struct rmm_range r[200];
	struct rmm_layout l;
	struct rmm_mm mm;
	char *mem;
	int i;

	rmm_port_set_nr_cpus(2);
	rmm_layout_default(&l, 1, 2);
	l.movable_pages = 51200;
	mem = rmm_test_mem(200UL * 1024 << RMM_PAGE_SHIFT);
	for (i = 0; i < 200; i++) {
		/* listed from the top down: the core must sort them */
		int k = 199 - i;

		r[i].start_pfn = 0x100000 + (unsigned long)k * 2048;
		r[i].nr_pages = 1024;
		r[i].nid = 0;
		r[i].vaddr = mem + ((unsigned long)k * 1024 << RMM_PAGE_SHIFT);
	}
	is_long(rmm_mm_init(&mm, &l, r, 200), 0, "init with 200 ranges");
	is_long(mm.nodes[0].node_zones[l.zone_movable].present_pages, 51200,
		"25 %% movablecore over 200 ranges: Movable = top 50 ranges");
	is_long(mm.nodes[0].movable_start_pfn, 0x100000 + 149UL * 2048 + 1024,
		"Movable starts where kernelcore ends (end of range 149)");
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
	rmm_test_unmem(mem, 200UL * 1024 << RMM_PAGE_SHIFT);
}

int main(void)
{
	test_movable_many_ranges();
	test_three_nodes();
	test_four_nodes();
	test_movable();
	test_holes();
	test_failures();
	return done_testing();
}
