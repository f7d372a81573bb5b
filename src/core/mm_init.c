// SPDX-License-Identifier: GPL-2.0
/*
 * mm_init.c - building and tearing down a regionmm instance: the sparse
 * section table, page descriptors carved from the region itself, nodes,
 * zones by physical address (mm/mm_init.c: free_area_init, zone sizing,
 * find_zone_movable_pfns_for_nodes in spirit), zonelists
 * (build_zonelists), per-CPU pagesets, and the initial freeing of every
 * managed page into the buddy (memblock_free_all in spirit).
 *
 * rmm_mm_init() runs named phases: check_layout, check_ranges,
 * span_sections, alloc_metadata, find_movable_start, present_sections,
 * place_memmap, init_memmap, init_zones, build_zonelists, setup_virt,
 * free_all_pages, rmm_recompute_all (watermarks), the pagesets' cache
 * flag (rmm_pcp_update_cacheinfo()).  Everything a phase
 * allocates hangs off @mm (or the local struct carve), so one error path
 * (free_metadata()) releases it whatever phase failed.
 *
 * Invariants established here (see mmzone.h for the full list):
 *   every pfn of a range is present (!PG_hole) in a present section;
 *   all pfns of a section belong to one node and one zone;
 *   memmap pages are PG_reserved: present_pages - managed_pages ==
 *   number of memmap pages in the zone;
 *   section boundaries (4 MiB) include the zone boundaries 16 MiB, 4 GiB and
 *   the Movable start (aligned up to MAX_ORDER_NR_PAGES == a section).
 *
 * Locking: rmm_mm_init()/rmm_mm_fini() run before/after any other use of
 * the instance; no locks are needed except to satisfy assertions.
 */
#include "internal.h"

#define DMA_END_PFN	((16UL << 20) >> RMM_PAGE_SHIFT)
#define DMA32_END_PFN	((4UL << 30) >> RMM_PAGE_SHIFT)
#define MEMMAP_PAGES_PER_SECTION \
	(RMM_PAGES_PER_SECTION * sizeof(struct rmm_page) / RMM_PAGE_SIZE)

void rmm_layout_default(struct rmm_layout *l, int nr_nodes, int nr_cpus)
{
	static const char * const names[] = {
		"DMA", "DMA32", "Normal", "Movable", "Device"
	};
	int i, j;

	memset(l, 0, sizeof(*l));
	l->nr_nodes = nr_nodes;
	for (i = 0; i < RMM_MAX_NUMNODES; i++) {
		l->real_nid[i] = i;
		for (j = 0; j < RMM_MAX_NUMNODES; j++)
			l->node_distance[i][j] = i == j ? 10 : 20;
	}
	l->nr_zones = 5;
	for (i = 0; i < 5; i++)
		l->zone_name[i] = names[i];
	l->zone_dma = 0;
	l->zone_dma32 = 1;
	l->zone_normal = 2;
	l->zone_movable = 3;
	l->zone_device = 4;
	l->nr_cpu_ids = nr_cpus;
	for (i = 0; i < RMM_LAYOUT_MAX_CPUS; i++)
		l->cpu_to_node[i] = nr_nodes > 0 ? i % nr_nodes : 0;
	l->kver = RMM_KVER(6, 12);
	l->config_numa = true;
	l->pcp_sparse_threshold = RMM_PCP_SPARSE_DEFAULT;
	l->compaction = true;
}
RMM_EXPORT(rmm_layout_default);

static int check_layout(const struct rmm_layout *l)
{
	int i, j;

	if (l->nr_nodes < 1 || l->nr_nodes > RMM_MAX_NUMNODES) {
		rmm_pr_err("layout: nr_nodes %d out of 1..%d\n", l->nr_nodes,
			   RMM_MAX_NUMNODES);
		return -EINVAL;
	}
	if (l->nr_zones < 1 || l->nr_zones > RMM_MAX_NR_ZONES) {
		rmm_pr_err("layout: nr_zones %d out of 1..%d\n", l->nr_zones,
			   RMM_MAX_NR_ZONES);
		return -EINVAL;
	}
	if (l->zone_normal < 0 || l->zone_normal >= l->nr_zones ||
	    l->zone_dma >= l->nr_zones || l->zone_dma32 >= l->nr_zones ||
	    l->zone_movable >= l->nr_zones || l->zone_device >= l->nr_zones ||
	    (l->zone_dma >= 0 && l->zone_dma >= l->zone_normal) ||
	    (l->zone_dma32 >= 0 && l->zone_dma32 >= l->zone_normal) ||
	    (l->zone_movable >= 0 && l->zone_movable <= l->zone_normal)) {
		rmm_pr_err("layout: zone indices inconsistent\n");
		return -EINVAL;
	}
	if (l->movable_pages && l->zone_movable < 0) {
		rmm_pr_err("layout: movable_pages without a Movable zone\n");
		return -EINVAL;
	}
	if (l->nr_cpu_ids < 1 || l->nr_cpu_ids > RMM_LAYOUT_MAX_CPUS ||
	    l->nr_cpu_ids > (int)rmm_port_nr_cpu_ids) {
		rmm_pr_err("layout: nr_cpu_ids %d out of 1..%d\n",
			   l->nr_cpu_ids, (int)min_t(int, RMM_LAYOUT_MAX_CPUS,
						    rmm_port_nr_cpu_ids));
		return -EINVAL;
	}
	for (i = 0; i < l->nr_cpu_ids; i++)
		if (l->cpu_to_node[i] < 0 || l->cpu_to_node[i] >= l->nr_nodes) {
			rmm_pr_err("layout: cpu_to_node[%d] = %d invalid\n", i,
				   l->cpu_to_node[i]);
			return -EINVAL;
		}
	for (i = 0; i < l->nr_nodes; i++)
		for (j = 0; j < l->nr_nodes; j++)
			if (l->node_distance[i][j] < 1 ||
			    (i != j && l->node_distance[i][j] <
			     l->node_distance[i][i])) {
				rmm_pr_err("layout: node_distance[%d][%d] invalid\n",
					   i, j);
				return -EINVAL;
			}
	if (l->pcp_sparse_threshold > RMM_PAGEBLOCK_NR_PAGES + 1) {
		rmm_pr_err("layout: pcp_sparse_threshold %u out of 0..%lu\n",
			   l->pcp_sparse_threshold, RMM_PAGEBLOCK_NR_PAGES + 1);
		return -EINVAL;
	}
	if (l->kver != RMM_KVER(6, 1) && l->kver != RMM_KVER(6, 12)) {
		rmm_pr_err("layout: kver %#x unsupported (6.1 or 6.12)\n",
			   l->kver);
		return -EINVAL;
	}
	return 0;
}

static int check_ranges(const struct rmm_layout *l, const struct rmm_range *r,
			int n)
{
	int i, j;

	if (n < 1 || !r) {
		rmm_pr_err("ranges: none given\n");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!r[i].nr_pages || r[i].nid < 0 || r[i].nid >= l->nr_nodes ||
		    !r[i].vaddr || ((uintptr_t)r[i].vaddr & (RMM_PAGE_SIZE - 1)) ||
		    r[i].start_pfn + r[i].nr_pages < r[i].start_pfn ||
		    r[i].start_pfn + r[i].nr_pages > (1ULL << 40)) {
			rmm_pr_err("ranges: range %d (pfn %#llx, %llu pages, nid %d) invalid\n",
				   i, (unsigned long long)r[i].start_pfn,
				   (unsigned long long)r[i].nr_pages, r[i].nid);
			return -EINVAL;
		}
		for (j = 0; j < i; j++)
			if (r[i].start_pfn < r[j].start_pfn + r[j].nr_pages &&
			    r[j].start_pfn < r[i].start_pfn + r[i].nr_pages) {
				rmm_pr_err("ranges: range %d overlaps range %d\n",
					   i, j);
				return -EINVAL;
			}
	}
	return 0;
}

/* the zone a present pfn of node @nid belongs to */
static int zone_for_pfn(const struct rmm_mm *mm, int nid, unsigned long pfn)
{
	const struct rmm_layout *l = &mm->layout;

	if (pfn >= mm->nodes[nid].movable_start_pfn)
		return l->zone_movable;
	if (pfn < DMA_END_PFN && l->zone_dma >= 0)
		return l->zone_dma;
	if (pfn < DMA32_END_PFN && l->zone_dma32 >= 0)
		return l->zone_dma32;
	return l->zone_normal;
}

static int cmp_range_pfn(const struct rmm_range *a, const struct rmm_range *b)
{
	return a->start_pfn < b->start_pfn ? -1 : a->start_pfn > b->start_pfn;
}

/*
 * find_zone_movable_pfns_for_nodes() for movablecore=: each node's Movable
 * start.  The kernel keeps totalpages - movablecore as "kernelcore",
 * spreads it evenly over the nodes (walking each node's ranges from the
 * lowest pfn; pages below the start of the highest populated zone count as
 * kernelcore for free), gives the rest of each node to ZONE_MOVABLE, and
 * rebalances with one node less while kernelcore is left over.  Starts are
 * rounded up to MAX_ORDER_NR_PAGES (== a section here, so sections never
 * straddle it).  Needs the ranges in pfn order (a scratch array of @nr
 * pointers: -ENOMEM if it cannot be had).
 */
static int find_movable_start(struct rmm_mm *mm, const struct rmm_range *r,
			      int nr)
{
	const struct rmm_layout *l = &mm->layout;
	unsigned long movable_pfn[RMM_MAX_NUMNODES] = { 0 };
	unsigned long totalpages = 0, required_kernelcore, required_movable;
	unsigned long usable_startpfn, kernelcore_node, max_end = 0;
	const struct rmm_range **sorted;
	int usable_nodes = 0, nid, i, j, nsorted = 0;

	for (nid = 0; nid < mm->nr_nodes; nid++)
		mm->nodes[nid].movable_start_pfn = ~0UL;
	if (!l->movable_pages)
		return 0;

	sorted = rmm_kvzalloc(nr * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	/* ranges by pfn (insertion sort of pointers; done once at init) */
	for (i = 0; i < nr; i++) {
		for (j = nsorted; j > 0 && cmp_range_pfn(sorted[j - 1], &r[i]) > 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = &r[i];
		nsorted++;
	}
	for (i = 0; i < nr; i++) {
		totalpages += r[i].nr_pages;
		max_end = max_t(unsigned long, max_end,
				r[i].start_pfn + r[i].nr_pages);
	}
	for (nid = 0; nid < mm->nr_nodes; nid++)
		for (i = 0; i < nr; i++)
			if (r[i].nid == nid) {
				usable_nodes++;
				break;
			}
	/* movable_zone: the highest zone with memory; where it starts */
	if (max_end > DMA32_END_PFN || l->zone_dma32 < 0)
		usable_startpfn = l->zone_dma32 >= 0 ? DMA32_END_PFN :
			(l->zone_dma >= 0 ? DMA_END_PFN : 0);
	else
		usable_startpfn = l->zone_dma >= 0 ? DMA_END_PFN : 0;

	required_movable = ALIGN(l->movable_pages, RMM_PAGES_PER_SECTION);
	required_movable = min(totalpages, required_movable);
	required_kernelcore = totalpages - required_movable;

restart:
	kernelcore_node = required_kernelcore / usable_nodes;
	for (nid = 0; nid < mm->nr_nodes; nid++) {
		unsigned long kernelcore_remaining;

		if (required_kernelcore < kernelcore_node)
			kernelcore_node = required_kernelcore / usable_nodes;
		kernelcore_remaining = kernelcore_node;
		for (i = 0; i < nsorted; i++) {
			unsigned long start_pfn, end_pfn, size_pages;

			if (sorted[i]->nid != nid)
				continue;
			start_pfn = max_t(unsigned long, sorted[i]->start_pfn,
					  movable_pfn[nid]);
			end_pfn = sorted[i]->start_pfn + sorted[i]->nr_pages;
			if (start_pfn >= end_pfn)
				continue;
			if (start_pfn < usable_startpfn) {
				unsigned long kernel_pages =
					min(end_pfn, usable_startpfn) - start_pfn;

				kernelcore_remaining -= min(kernel_pages,
							    kernelcore_remaining);
				required_kernelcore -= min(kernel_pages,
							   required_kernelcore);
				if (end_pfn <= usable_startpfn) {
					movable_pfn[nid] = end_pfn;
					continue;
				}
				start_pfn = usable_startpfn;
			}
			size_pages = end_pfn - start_pfn;
			if (size_pages > kernelcore_remaining)
				size_pages = kernelcore_remaining;
			movable_pfn[nid] = start_pfn + size_pages;
			required_kernelcore -= min(required_kernelcore, size_pages);
			kernelcore_remaining -= size_pages;
			if (!kernelcore_remaining)
				break;
		}
	}
	usable_nodes--;
	if (usable_nodes && required_kernelcore > (unsigned long)usable_nodes)
		goto restart;

	for (nid = 0; nid < mm->nr_nodes; nid++) {
		unsigned long end = 0, start = ALIGN(movable_pfn[nid],
						     RMM_PAGES_PER_SECTION);

		for (i = 0; i < nr; i++)
			if (r[i].nid == nid)
				end = max_t(unsigned long, end,
					    r[i].start_pfn + r[i].nr_pages);
		if (movable_pfn[nid] && start < end)
			mm->nodes[nid].movable_start_pfn = start;
	}
	rmm_kvfree(sorted);
	return 0;
}

static void free_metadata(struct rmm_mm *mm)
{
	int n, z;

	for (n = 0; n < RMM_MAX_NUMNODES; n++)
		for (z = 0; z < RMM_MAX_NR_ZONES; z++)
			rmm_kvfree(mm->nodes[n].node_zones[z].pcp);
	rmm_kvfree(mm->wm_in);
	rmm_kvfree(mm->wm_out);
	rmm_kvfree(mm->pageblocks);
	rmm_kvfree(mm->sections);
	rmm_kvfree(mm->ranges);
	memset(mm, 0, sizeof(*mm));
}

/*
 * find_next_best_node() of mm/page_alloc.c: the nearest unused node, with
 * the kernel's tie-breakers (nodes below us and nodes with CPUs get a +1
 * penalty; node_load spreads equal-distance groups round robin).
 */
#define RMM_NODE_LOAD_SCALE	1024	/* MAX_NUMNODES of a Debian kernel */

static int find_next_best_node(const struct rmm_mm *mm, int node,
			       unsigned int *used, const int *node_load)
{
	int n, best = RMM_NUMA_NO_NODE, min_val = INT_MAX;

	if (!(*used & (1U << node))) {
		*used |= 1U << node;
		return node;
	}
	for (n = 0; n < mm->nr_nodes; n++) {
		int val, cpu;
		bool has_cpus = false;

		if ((*used & (1U << n)) || !mm->nodes[n].node_present_pages)
			continue;
		val = mm->layout.node_distance[node][n];
		val += (n < node);
		for (cpu = 0; cpu < mm->layout.nr_cpu_ids; cpu++)
			if (mm->layout.cpu_to_node[cpu] == n)
				has_cpus = true;
		if (has_cpus)
			val += 1;	/* PENALTY_FOR_NODE_WITH_CPUS */
		val *= RMM_NODE_LOAD_SCALE;
		val += node_load[n];
		if (val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best >= 0)
		*used |= 1U << best;
	return best;
}

static void build_zonelists(struct rmm_mm *mm)
{
	int node_load[RMM_MAX_NUMNODES] = { 0 };
	int nid;

	for (nid = 0; nid < mm->nr_nodes; nid++) {
		struct rmm_node *node = &mm->nodes[nid];
		const int *dist = mm->layout.node_distance[nid];
		int order[RMM_MAX_NUMNODES], nr = 0, n, i, k, prev = nid;
		unsigned int used = 0;
		struct rmm_zoneref *zr;

		while ((n = find_next_best_node(mm, nid, &used, node_load)) >= 0) {
			if (dist[n] != dist[prev])
				node_load[n] += 1;
			order[nr++] = n;
			prev = n;
		}

		/* build_zonelists_in_node_order(): highest zone first */
		zr = node->node_zonelists[RMM_ZONELIST_FALLBACK]._zonerefs;
		for (i = 0; i < nr; i++) {
			struct rmm_node *o = &mm->nodes[order[i]];

			for (k = mm->nr_zones - 1; k >= 0; k--)
				if (rmm_populated_zone(&o->node_zones[k])) {
					zr->zone = &o->node_zones[k];
					zr->zone_idx = k;
					zr++;
				}
		}
		zr->zone = NULL;
		zr->zone_idx = 0;

		/* build_thisnode_zonelists() */
		zr = node->node_zonelists[RMM_ZONELIST_NOFALLBACK]._zonerefs;
		for (k = mm->nr_zones - 1; k >= 0; k--)
			if (rmm_populated_zone(&node->node_zones[k])) {
				zr->zone = &node->node_zones[k];
				zr->zone_idx = k;
				zr++;
			}
		zr->zone = NULL;
		zr->zone_idx = 0;
	}
}

/* free [pfn, end) into the buddy in the largest aligned blocks */
static void free_range_to_buddy(struct rmm_mm *mm, unsigned long pfn,
				unsigned long end)
{
	while (pfn < end) {
		u32 idx = pfn - mm->base_pfn;
		unsigned int order = RMM_MAX_ORDER;
		struct rmm_page *page;
		struct rmm_zone *zone;
		unsigned long flags;

		while (order && ((idx & ((1U << order) - 1)) ||
				 pfn + (1UL << order) > end))
			order--;
		page = rmm_mm_idx_to_page(mm, idx);
		zone = rmm_mm_page_zone(mm, page);
		rmm_spin_lock_irqsave(&zone->lock, flags);
		__rmm_free_one_page(zone, page, idx, order,
				    rmm_pb_of_idx(mm, idx)->mt);
		rmm_spin_unlock_irqrestore(&zone->lock, flags);
		pfn += 1UL << order;
		if (!(pfn & (RMM_PAGES_PER_SECTION * 64 - 1)))
			rmm_cond_resched();	/* huge regions at insmod */
	}
}

/*
 * Where the memmap of each range is carved: pages [carve_lo, avail_end)
 * of range i hold page descriptors (reserved); the memmap is carved
 * downwards from avail_end, below the node's Movable start.
 */
struct carve {
	unsigned long *avail_end;	/* per range: carving top ... */
	unsigned long *carve_lo;	/* ... down to here: reserved */
};

/* phase: the section span of the ranges; -EINVAL if too large */
static int span_sections(struct rmm_mm *mm, const struct rmm_range *r,
			 int nr)
{
	unsigned long base = ~0UL, end = 0, nsec;
	int i;

	for (i = 0; i < nr; i++) {
		base = min_t(unsigned long, base, r[i].start_pfn);
		end = max_t(unsigned long, end, r[i].start_pfn + r[i].nr_pages);
	}
	base = ALIGN_DOWN(base, RMM_PAGES_PER_SECTION);
	nsec = DIV_ROUND_UP(end - base, RMM_PAGES_PER_SECTION);
	if (nsec > RMM_MAX_SECTIONS) {
		rmm_pr_err("ranges: span of %lu MiB exceeds the %lu GiB an instance can describe\n",
			   (end - base) >> (20 - RMM_PAGE_SHIFT),
			   RMM_MAX_SECTIONS * RMM_PAGES_PER_SECTION >>
			   (30 - RMM_PAGE_SHIFT));
		return -EINVAL;
	}
	mm->base_pfn = base;
	mm->end_pfn = end;
	mm->nr_sections = nsec;
	return 0;
}

/* phase: the section table, range copy, watermark scratch, carve arrays */
static int alloc_metadata(struct rmm_mm *mm, const struct rmm_range *r,
			  int nr, struct carve *c)
{
	mm->sections = rmm_kvzalloc(mm->nr_sections * sizeof(*mm->sections));
	mm->ranges = rmm_kvzalloc(nr * sizeof(*mm->ranges));
	c->avail_end = rmm_kvzalloc(nr * sizeof(*c->avail_end));
	c->carve_lo = rmm_kvzalloc(nr * sizeof(*c->carve_lo));
	mm->wm_in = rmm_kvzalloc(sizeof(*mm->wm_in));
	mm->wm_out = rmm_kvzalloc(sizeof(*mm->wm_out));
	if (!mm->sections || !mm->ranges || !c->avail_end || !c->carve_lo ||
	    !mm->wm_in || !mm->wm_out)
		return -ENOMEM;
	memcpy(mm->ranges, r, nr * sizeof(*r));
	mm->nr_ranges = nr;
	return 0;
}

/*
 * phase: which sections are present, their node, zone and vaddr bias;
 * where each range's memmap may be carved.  The number of present
 * sections, or -EINVAL.
 */
static long present_sections(struct rmm_mm *mm, const struct rmm_range *r,
			     int nr, struct carve *c)
{
	unsigned long base = mm->base_pfn;
	long npresent = 0;
	int i;

	for (i = 0; i < nr; i++) {
		unsigned long pfn = r[i].start_pfn, e = pfn + r[i].nr_pages;
		uintptr_t bias = (uintptr_t)r[i].vaddr -
			((uintptr_t)r[i].start_pfn << RMM_PAGE_SHIFT);

		/* carve below the Movable zone: memmap is never movable */
		c->avail_end[i] = clamp(mm->nodes[r[i].nid].movable_start_pfn,
					(unsigned long)r[i].start_pfn, e);
		if (c->avail_end[i] - r[i].start_pfn < MEMMAP_PAGES_PER_SECTION)
			c->avail_end[i] = e;
		c->carve_lo[i] = c->avail_end[i];
		while (pfn < e) {
			struct rmm_mem_section *ms;
			unsigned long sec = (pfn - base) >> RMM_SECTION_ORDER;
			unsigned long sec_pfn = base + (sec << RMM_SECTION_ORDER);
			unsigned long sec_end = sec_pfn + RMM_PAGES_PER_SECTION;
			int zi = zone_for_pfn(mm, r[i].nid, pfn);
			struct rmm_zone *zone = &mm->nodes[r[i].nid].node_zones[zi];
			uintptr_t vbase = bias + ((uintptr_t)sec_pfn << RMM_PAGE_SHIFT);

			ms = &mm->sections[sec];
			if (ms->zone && (ms->zone != zone || ms->vbase != vbase)) {
				rmm_pr_err("ranges: range %d shares a 4 MiB section with a range of another node/zone or another mapping\n",
					   i);
				return -EINVAL;
			}
			if (!ms->zone)
				npresent++;
			zone->nid = r[i].nid;
			zone->idx = zi;
			ms->zone = zone;
			ms->vbase = vbase;
			pfn = min(e, sec_end);
		}
	}
	return npresent;
}

/*
 * phase: the pageblock array, and each present section's memmap carved
 * node-local from the top of the largest ranges
 */
static int place_memmap(struct rmm_mm *mm, const struct rmm_range *r, int nr,
			long npresent, struct carve *c)
{
	unsigned long s, pb_next = 0;
	int i;

	mm->pageblocks = rmm_kvzalloc(npresent * RMM_PB_PER_SECTION *
				      sizeof(struct rmm_pageblock));
	if (!mm->pageblocks)
		return -ENOMEM;
	for (s = 0; s < mm->nr_sections; s++) {
		struct rmm_mem_section *ms = &mm->sections[s];
		int best = -1, pass, nid;

		if (!ms->zone)
			continue;
		nid = ms->zone->nid;
		for (pass = 0; pass < 2 && best < 0; pass++)
			for (i = 0; i < nr; i++) {
				unsigned long left = c->carve_lo[i] -
					r[i].start_pfn;

				if ((pass == 0 && r[i].nid != nid) ||
				    left < MEMMAP_PAGES_PER_SECTION)
					continue;
				if (best < 0 || left > c->carve_lo[best] -
				    r[best].start_pfn)
					best = i;
			}
		if (best < 0) {
			rmm_pr_err("ranges: too small to hold their own page descriptors\n");
			return -ENOMEM;
		}
		c->carve_lo[best] -= MEMMAP_PAGES_PER_SECTION;
		ms->memmap = (struct rmm_page *)((char *)r[best].vaddr +
			((c->carve_lo[best] - r[best].start_pfn) <<
			 RMM_PAGE_SHIFT));
		ms->pb = &mm->pageblocks[pb_next];
		pb_next += RMM_PB_PER_SECTION;
		mm->memmap_pages += MEMMAP_PAGES_PER_SECTION;
	}
	return 0;
}

/*
 * phase (memmap_init()): descriptors - all holes first, then the ranges
 * present; zone spans, present and managed pages
 */
static void init_memmap(struct rmm_mm *mm, const struct rmm_range *r, int nr,
			const struct carve *c)
{
	unsigned long s;
	int i;

	for (s = 0; s < mm->nr_sections; s++) {
		struct rmm_mem_section *ms = &mm->sections[s];
		unsigned long k;

		if (!ms->memmap)
			continue;
		if (!(s & 63))
			rmm_cond_resched();
		for (k = 0; k < RMM_PAGES_PER_SECTION; k++) {
			ms->memmap[k].flags = (u32)(s << RMM_PG_SECTION_SHIFT) |
				BIT(PG_rmm_hole) | BIT(PG_rmm_reserved);
			ms->memmap[k].private = 0;
			ms->memmap[k].next = RMM_NIL;
			ms->memmap[k].prev = RMM_NIL;
		}
		for (k = 0; k < RMM_PB_PER_SECTION; k++) {
			struct rmm_pageblock *pb = &ms->pb[k];
			int o;

			for (o = 0; o < RMM_PB_ORDERS; o++)
				pb->free[o] = RMM_NIL;
			pb->next = pb->prev = RMM_NIL;
			pb->key = RMM_PB_NOKEY;
			pb->mt = RMM_MIGRATE_MOVABLE;	/* memmap_init() */
			ms->zone->nr_pageblocks_mt[RMM_MIGRATE_MOVABLE]++;
		}
	}
	for (i = 0; i < nr; i++) {
		unsigned long pfn;

		for (pfn = r[i].start_pfn; pfn < r[i].start_pfn + r[i].nr_pages;
		     pfn++) {
			struct rmm_page *p = rmm_mm_idx_to_page(mm,
							pfn - mm->base_pfn);
			struct rmm_zone *zone = rmm_mm_page_zone(mm, p);
			bool reserved = pfn >= c->carve_lo[i] &&
				pfn < c->avail_end[i];

			if (!(pfn & (RMM_PAGES_PER_SECTION * 64 - 1)))
				rmm_cond_resched();
			p->flags &= ~BIT(PG_rmm_hole);
			if (!reserved)
				p->flags &= ~BIT(PG_rmm_reserved);
			zone->present_pages++;
			if (!zone->spanned_pages ||
			    pfn < zone->zone_start_pfn) {
				unsigned long old_end = zone->spanned_pages ?
					rmm_zone_end_pfn(zone) : pfn + 1;

				zone->zone_start_pfn = pfn;
				zone->spanned_pages = max(old_end, pfn + 1) - pfn;
			} else if (pfn >= rmm_zone_end_pfn(zone)) {
				zone->spanned_pages = pfn + 1 - zone->zone_start_pfn;
			}
			if (reserved)
				continue;
			rmm_atomic_long_inc(&zone->managed_pages);
		}
	}
}

/* phase (free_area_init_core()): nodes, zones, their free lists and pcps */
static int init_zones(struct rmm_mm *mm)
{
	const struct rmm_layout *l = &mm->layout;
	int nid, z, i;

	for (nid = 0; nid < mm->nr_nodes; nid++) {
		struct rmm_node *node = &mm->nodes[nid];
		unsigned long nstart = ~0UL, nend = 0;

		node->node_id = nid;
		node->real_nid = l->real_nid[nid];
		for (z = 0; z < mm->nr_zones; z++) {
			struct rmm_zone *zone = &node->node_zones[z];
			int mt, cpu;

			zone->mm = mm;
			zone->zone_pgdat = node;
			zone->nid = nid;
			zone->idx = z;
			zone->name = l->zone_name[z] ? l->zone_name[z] : "?";
			rmm_spin_lock_init(&zone->lock);
			for (i = 0; i < RMM_NR_ORDERS; i++)
				for (mt = 0; mt < RMM_MIGRATE_TYPES; mt++)
					rmm_plist_init(&zone->free_area[i].free_list[mt]);
			for (mt = 0; mt < RMM_MIGRATE_TYPES; mt++)
				for (i = 0; i < RMM_PB_KEYS; i++)
					zone->partial[mt].head[i] = RMM_NIL;
			zone->pcp = rmm_kvzalloc(l->nr_cpu_ids * sizeof(*zone->pcp));
			if (!zone->pcp)
				return -ENOMEM;
			for (cpu = 0; cpu < l->nr_cpu_ids; cpu++)
				rmm_pcp_init(&zone->pcp[cpu], l->kver);
			if (zone->present_pages) {
				nstart = min(nstart, zone->zone_start_pfn);
				nend = max(nend, rmm_zone_end_pfn(zone));
				node->node_present_pages += zone->present_pages;
				node->nr_zones = z + 1;
				zone->contiguous = zone->present_pages ==
					zone->spanned_pages;
			}
		}
		if (nend) {
			node->node_start_pfn = nstart;
			node->node_spanned_pages = nend - nstart;
		}
	}
	return 0;
}

/*
 * phase: is the virtual mapping linear (direct map: yes)?  And the range
 * copy sorted by vaddr for rmm_mm_virt_to_page_slow().
 */
static void setup_virt(struct rmm_mm *mm)
{
	const struct rmm_range *r = mm->ranges;
	int i, j, nr = mm->nr_ranges;

	mm->virt_linear = true;
	mm->virt_bias = (uintptr_t)r[0].vaddr -
		((uintptr_t)r[0].start_pfn << RMM_PAGE_SHIFT);
	for (i = 1; i < nr; i++)
		if ((uintptr_t)r[i].vaddr - ((uintptr_t)r[i].start_pfn <<
					     RMM_PAGE_SHIFT) != mm->virt_bias)
			mm->virt_linear = false;
	for (i = 1; i < nr; i++)
		for (j = i; j > 0 && (uintptr_t)mm->ranges[j - 1].vaddr >
		     (uintptr_t)mm->ranges[j].vaddr; j--) {
			struct rmm_range t = mm->ranges[j];

			mm->ranges[j] = mm->ranges[j - 1];
			mm->ranges[j - 1] = t;
		}
}

/* phase (memblock_free_all()): hand every managed page to the buddy */
static void free_all_pages(struct rmm_mm *mm, const struct rmm_range *r,
			   int nr, const struct carve *c)
{
	int i;

	for (i = 0; i < nr; i++) {
		free_range_to_buddy(mm, r[i].start_pfn, c->carve_lo[i]);
		free_range_to_buddy(mm, c->avail_end[i],
				    r[i].start_pfn + r[i].nr_pages);
	}
}

/*
 * The phases in order; each failure releases what the earlier ones
 * allocated (free_metadata() frees whatever is non-NULL in @mm).
 */
int rmm_mm_init(struct rmm_mm *mm, const struct rmm_layout *l,
		const struct rmm_range *r, int nr)
{
	const struct rmm_mm_ops *ops = mm->ops;
	struct carve c = { NULL, NULL };
	long npresent;
	int ret, i;

	/* the caller's services are the one thing set before init */
	memset(mm, 0, sizeof(*mm));
	mm->ops = ops;
	ret = check_layout(l);
	if (!ret)
		ret = check_ranges(l, r, nr);
	if (ret)
		return ret;

	mm->layout = *l;
	mm->nr_nodes = l->nr_nodes;
	mm->nr_zones = l->nr_zones;
	rmm_spin_lock_init(&mm->tunables_lock);
	rmm_mutex_init(&mm->memobj_list_lock);
	rmm_tunables_default(l, &mm->tunables);

	ret = span_sections(mm, r, nr);
	if (ret)
		goto fail;
	ret = alloc_metadata(mm, r, nr, &c);
	if (!ret)
		ret = find_movable_start(mm, r, nr);
	if (ret)
		goto nomem;
	npresent = present_sections(mm, r, nr, &c);
	if (npresent < 0) {
		ret = npresent;
		goto fail;
	}
	ret = place_memmap(mm, r, nr, npresent, &c);
	if (ret) {
		if (mm->pageblocks)
			goto fail;	/* reported: ranges too small */
		goto nomem;
	}
	init_memmap(mm, r, nr, &c);
	if (init_zones(mm))
		goto nomem;
	/* zone of each section is now known to be fully set up */
	build_zonelists(mm);
	setup_virt(mm);
	free_all_pages(mm, r, nr, &c);
	rmm_recompute_all(mm);		/* watermarks, reserves, pcp sizes */
	for (i = 0; i < l->nr_cpu_ids; i++)
		rmm_pcp_update_cacheinfo(mm, i);	/* with the batch */
	rmm_kvfree(c.avail_end);
	rmm_kvfree(c.carve_lo);
	mm->initialized = true;
	return 0;

nomem:
	rmm_pr_err("out of memory for metadata\n");
	ret = -ENOMEM;
fail:
	rmm_kvfree(c.avail_end);
	rmm_kvfree(c.carve_lo);
	free_metadata(mm);
	return ret;
}
RMM_EXPORT(rmm_mm_init);

int rmm_mm_fini(struct rmm_mm *mm)
{
	unsigned long managed, free;
	int cpu;

	if (!mm->initialized)
		return 0;
	rmm_drain_all_pages(mm);
	for (cpu = 0; cpu < mm->layout.nr_cpu_ids; cpu++)
		rmm_drain_cpu_pages(mm, cpu);
	managed = rmm_mm_total_managed(mm);
	free = rmm_mm_total_free(mm);
	if (free != managed) {
		rmm_pr_err("teardown refused: %lu of %lu pages still allocated\n",
			   managed - free, managed);
		return -EBUSY;
	}
	free_metadata(mm);
	return 0;
}
RMM_EXPORT(rmm_mm_fini);

struct rmm_page *rmm_mm_virt_to_page_slow(const struct rmm_mm *mm,
					  const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	int lo = 0, hi = mm->nr_ranges - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const struct rmm_range *r = &mm->ranges[mid];
		uintptr_t start = (uintptr_t)r->vaddr;

		if (a < start) {
			hi = mid - 1;
		} else if (a >= start + (r->nr_pages << RMM_PAGE_SHIFT)) {
			lo = mid + 1;
		} else {
			return rmm_mm_pfn_to_page(mm, r->start_pfn +
						  ((a - start) >> RMM_PAGE_SHIFT));
		}
	}
	return NULL;
}
RMM_EXPORT(rmm_mm_virt_to_page_slow);
