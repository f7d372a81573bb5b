/* SPDX-License-Identifier: GPL-2.0 */
/*
 * page_alloc.h - interface of the regionmm core (page allocator side).
 * Everything here takes an explicit instance (struct rmm_mm) so host tests
 * can run many; include/regionmm/regionmm.h wraps the global instance.
 *
 * Locking: the functions below take the locks they need; none may be called
 * with a zone lock held.  rmm_mm_alloc_pages/rmm_mm_free_pages may be called
 * from any context (they never sleep); rmm_mm_init/fini/set_tunable and
 * rmm_drain_all_pages must be called from process context with interrupts
 * enabled (the latter sends IPIs).
 */
#ifndef _RMM_PAGE_ALLOC_H
#define _RMM_PAGE_ALLOC_H

#include "mmzone.h"

/* ---- instance lifetime ---- */

/*
 * Fill @l with the x86_64 defaults: zones DMA, DMA32, Normal, Movable,
 * Device; @nr_nodes nodes with distance 10 local / 20 remote; @nr_cpus CPUs
 * spread round-robin over the nodes; kver 6.12; no CMA.  For tests and as
 * the glue's starting point.
 */
void rmm_layout_default(struct rmm_layout *l, int nr_nodes, int nr_cpus);

/*
 * Build an instance over @nr_ranges ranges: sections, descriptors (carved
 * from the ranges, counted reserved), nodes, zones, zonelists, pcp sets,
 * watermarks; then frees every managed page into the buddy.
 * Returns 0, -EINVAL (bad layout/ranges, with one pr_err) or -ENOMEM; on
 * error nothing is left allocated and @mm is zeroed.
 */
int rmm_mm_init(struct rmm_mm *mm, const struct rmm_layout *l,
		const struct rmm_range *r, int nr_ranges);

/*
 * Drain pcps, refuse with -EBUSY (and a report) if pages are still
 * allocated, else free all metadata.  0 on success.
 */
int rmm_mm_fini(struct rmm_mm *mm);

/* ---- conversions (O(1)) ---- */
static inline struct rmm_page *rmm_mm_idx_to_page(const struct rmm_mm *mm,
						  u32 idx)
{
	return mm->sections[idx >> RMM_SECTION_ORDER].memmap +
		(idx & (RMM_PAGES_PER_SECTION - 1));
}

static inline u32 rmm_mm_page_idx(const struct rmm_mm *mm,
				  const struct rmm_page *page)
{
	u32 sec = rmm_page_section(page);

	return (sec << RMM_SECTION_ORDER) |
		(u32)(page - mm->sections[sec].memmap);
}

static inline unsigned long rmm_mm_page_to_pfn(const struct rmm_mm *mm,
					       const struct rmm_page *page)
{
	return mm->base_pfn + rmm_mm_page_idx(mm, page);
}

/* NULL if @pfn is not a present page of this instance */
static inline struct rmm_page *rmm_mm_pfn_to_page(const struct rmm_mm *mm,
						  unsigned long pfn)
{
	const struct rmm_mem_section *ms;
	struct rmm_page *page;
	unsigned long idx;

	if (unlikely(pfn < mm->base_pfn || pfn >= mm->end_pfn))
		return NULL;
	idx = pfn - mm->base_pfn;
	ms = &mm->sections[idx >> RMM_SECTION_ORDER];
	if (unlikely(!ms->memmap))
		return NULL;
	page = ms->memmap + (idx & (RMM_PAGES_PER_SECTION - 1));
	return RmmPageHole(page) ? NULL : page;
}

static inline struct rmm_zone *rmm_mm_page_zone(const struct rmm_mm *mm,
						const struct rmm_page *page)
{
	return mm->sections[rmm_page_section(page)].zone;
}

static inline int rmm_mm_page_nid(const struct rmm_mm *mm,
				  const struct rmm_page *page)
{
	return rmm_mm_page_zone(mm, page)->nid;
}

static inline void *rmm_mm_page_address(const struct rmm_mm *mm,
					const struct rmm_page *page)
{
	const struct rmm_mem_section *ms = &mm->sections[rmm_page_section(page)];

	return (void *)(ms->vbase +
			((uintptr_t)(page - ms->memmap) << RMM_PAGE_SHIFT));
}

static inline u64 rmm_mm_page_to_phys(const struct rmm_mm *mm,
				      const struct rmm_page *page)
{
	return (u64)rmm_mm_page_to_pfn(mm, page) << RMM_PAGE_SHIFT;
}

struct rmm_page *rmm_mm_virt_to_page_slow(const struct rmm_mm *mm,
					  const void *addr);

/* NULL if @addr is not inside a present page of the instance */
static inline struct rmm_page *rmm_mm_virt_to_page(const struct rmm_mm *mm,
						   const void *addr)
{
	if (likely(mm->virt_linear))
		return rmm_mm_pfn_to_page(mm, ((uintptr_t)addr - mm->virt_bias)
					  >> RMM_PAGE_SHIFT);
	return rmm_mm_virt_to_page_slow(mm, addr);
}

/* page of a compound page's head (the page itself if not a tail) */
static inline struct rmm_page *rmm_compound_head(const struct rmm_mm *mm,
						 struct rmm_page *page)
{
	if (RmmPageTail(page))
		return rmm_mm_pfn_to_page(mm, rmm_mm_page_to_pfn(mm, page) -
					  page->private);
	return page;
}

unsigned int rmm_compound_order(const struct rmm_mm *mm,
				const struct rmm_page *head);

/* ---- allocation ---- */

/*
 * Allocate 2^@order pages from node @nid (RMM_NUMA_NO_NODE: the current
 * CPU's nearest node) following the kernel's rules: zone from gfp_zone(),
 * migratetype from gfp_migratetype(), zonelist fallback, watermarks with
 * lowmem_reserve, __GFP_THISNODE, __GFP_ZERO, __GFP_COMP, __GFP_NOWARN.
 * Returns NULL on failure.  Never sleeps.
 */
struct rmm_page *rmm_mm_alloc_pages(struct rmm_mm *mm, int nid,
				    unsigned int order, rmm_gfp_t gfp);

/*
 * Same, with the highest usable zone forced to @zone_limit (a zone index,
 * -1: from gfp), as RMM_IOC_ALLOC_PAGES' zone_limit.
 */
struct rmm_page *rmm_mm_alloc_pages_limit(struct rmm_mm *mm, int nid,
					  unsigned int order, rmm_gfp_t gfp,
					  int zone_limit);

/*
 * Free 2^@order pages allocated with @order.  Bad pages (double free,
 * wrong order, reserved) are reported and leaked, never corrupting lists.
 */
void rmm_mm_free_pages(struct rmm_mm *mm, struct rmm_page *page,
		       unsigned int order);

/* Allocation context, as struct alloc_context in mm/internal.h */
struct rmm_alloc_context {
	struct rmm_zonelist *zonelist;
	int preferred_nid;
	int highest_zoneidx;
	int migratetype;
	bool spread_dirty_pages;
};

/* out of line: everything that is not the first watermark-ok attempt */
struct rmm_page *__rmm_alloc_pages_slowpath(struct rmm_mm *mm, rmm_gfp_t gfp,
					    unsigned int order,
					    struct rmm_alloc_context *ac);

/*
 * Anti-fragmentation knob (regionmm only, no kernel equivalent): an order
 * <= 3 page freed into a pageblock that already has at least this many free
 * buddy pages bypasses the per-CPU list and goes straight to the buddy, so
 * partly free pageblocks drain to whole 2 MiB blocks.  Default
 * pageblock_nr_pages / 4 (half was not enough when the per-CPU lists are
 * large: 1-2 CPUs per node); pageblock_nr_pages + 1 disables it.
 */
extern unsigned int rmm_pcp_sparse_threshold;

void rmm_drain_local_pages(struct rmm_mm *mm);	/* this CPU, all zones */
/*
 * 6.12's decay_pcp_high() for this CPU's pagesets; the glue calls it from a
 * per-CPU delayed work once a second (vmstat_update()'s job).  Returns the
 * kernel's "todo" (non-zero: call again next period).
 */
int rmm_decay_pcp_high_local(struct rmm_mm *mm);
void rmm_drain_all_pages(struct rmm_mm *mm);	/* every CPU (IPI) */
void rmm_drain_cpu_pages(struct rmm_mm *mm, int cpu); /* dead/quiet CPU */

/*
 * gfp helpers (include/linux/gfp.h semantics, mapped to layout indices).
 * rmm_gfp_zone() is the kernel's GFP_ZONE_TABLE on x86_64 (HIGHMEM maps to
 * Normal; MOVABLE|HIGHMEM to Movable) in this layout's zone indices, -1 for
 * invalid combinations (GFP_ZONE_BAD).  Inline: it is on every allocation.
 */
static inline int rmm_gfp_zone(const struct rmm_mm *mm, rmm_gfp_t gfp)
{
	const struct rmm_layout *l = &mm->layout;
	unsigned int bits = gfp & RMM_GFP_ZONEMASK;

	switch (bits & ~RMM___GFP_MOVABLE) {
	case 0:
		return l->zone_normal;
	case RMM___GFP_DMA:
		return l->zone_dma >= 0 ? l->zone_dma : l->zone_normal;
	case RMM___GFP_DMA32:
		return l->zone_dma32 >= 0 ? l->zone_dma32 : l->zone_normal;
	case RMM___GFP_HIGHMEM:
		return (bits & RMM___GFP_MOVABLE) && l->zone_movable >= 0 ?
			l->zone_movable : l->zone_normal;
	default:
		return -1;
	}
}

static inline int rmm_gfp_migratetype(rmm_gfp_t gfp)
{
	return (gfp & RMM_GFP_MOVABLE_MASK) >> RMM_GFP_MOVABLE_SHIFT;
}

/* node of CPU @cpu (layout->cpu_to_node; CPUs beyond the layout: node 0) */
static inline int rmm_cpu_to_node(const struct rmm_mm *mm, int cpu)
{
	if (unlikely(cpu >= RMM_LAYOUT_MAX_CPUS))
		return 0;
	return mm->layout.cpu_to_node[cpu];
}

/* node of the calling CPU */
static inline int rmm_numa_node_id(const struct rmm_mm *mm)
{
	return rmm_cpu_to_node(mm, rmm_smp_processor_id());
}

/*
 * Test injection points: rmm_inject(point, arg) of the port.  The module
 * compiles them away; a host test's hook runs there as "another CPU"
 * would, to make races deterministic.
 */
enum rmm_inject_point {
	/* get_page_from_freelist(): watermark passed, zone lock not taken */
	RMM_INJECT_BEFORE_RMQUEUE,	/* arg: struct rmm_zone * */
};

/* ---- watermarks ---- */
bool __rmm_zone_watermark_ok(struct rmm_zone *z, unsigned int order,
			     unsigned long mark, int highest_zoneidx,
			     unsigned int alloc_flags, long free_pages);
bool rmm_zone_watermark_ok(struct rmm_zone *z, unsigned int order,
			   unsigned long mark, int highest_zoneidx,
			   unsigned int alloc_flags);
bool rmm_zone_watermark_ok_safe(struct rmm_zone *z, unsigned int order,
				unsigned long mark, int highest_zoneidx);

/*
 * Pure what-if: watermarks and lowmem_reserve for the zones in @in with the
 * kernel's __setup_per_zone_wmarks / setup_per_zone_lowmem_reserve /
 * calculate_min_free_kbytes / calculate_totalreserve_pages arithmetic
 * (variant chosen by in->kver).  The instance uses exactly this function.
 */
void rmm_calc_wmarks(const struct rmm_wmark_in *in, struct rmm_wmark_out *out);

/*
 * Pure pcp sizing: zone_batchsize() and zone_highsize() (6.12: high_min
 * from the low watermark, high_max from managed / 8; 6.1: one high) for a
 * zone with @managed pages, low watermark @low_wmark, split over
 * @nr_split_cpus CPUs of its node, percpu_pagelist_high_fraction @fraction.
 */
void rmm_calc_pcp(unsigned int kver, unsigned long managed,
		  unsigned long low_wmark, int nr_split_cpus, int fraction,
		  int *batch, int *high_min, int *high_max);

/* kernel's default sysctl values (lowmem_reserve_ratio for the layout) */
void rmm_tunables_default(const struct rmm_layout *l, struct rmm_tunables *t);

/*
 * Set a tunable like writing /proc/sys/vm/<name>: validated with the
 * kernel's limits (-EINVAL and nothing changed), then watermarks,
 * protection and pcp high/batch are recomputed at once.
 * min_free_kbytes: 1 value >= 0 (or -1: back to automatic);
 * watermark_scale_factor: 1..3000 (6.1: 1..1000);
 * watermark_boost_factor: >= 0; lowmem_reserve_ratio: nr_zones values >= 0
 * (the kernel ignores the last zones' values: kept but unused);
 * percpu_pagelist_high_fraction: 0 or >= 8.
 */
void rmm_mm_cpu_hotplug(struct rmm_mm *mm, int cpu, bool online);
int rmm_set_tunable(struct rmm_mm *mm, enum rmm_tunable t, const long *vals,
		    int n);
int rmm_get_tunable(struct rmm_mm *mm, enum rmm_tunable t, long *vals, int n);

/* ---- counters ---- */
void rmm_mod_zone_page_state(struct rmm_zone *z, enum rmm_zone_stat_item i,
			     long delta);
void rmm_mod_node_page_state(struct rmm_node *n, enum rmm_node_stat_item i,
			     long delta);
static inline long rmm_node_page_state(const struct rmm_node *n,
				       enum rmm_node_stat_item i)
{
	long x = rmm_atomic_long_read(&n->vm_stat[i]);

	return x < 0 ? 0 : x;
}
/* sums over CPUs */
unsigned long rmm_zone_numa_event_state(const struct rmm_zone *z,
					enum rmm_numa_stat_item i);
unsigned long rmm_vm_event_state(const struct rmm_mm *mm,
				 enum rmm_vm_event_item i);
void rmm_count_vm_events(struct rmm_mm *mm, enum rmm_vm_event_item i,
			 unsigned long delta);	/* any context */
unsigned long rmm_mm_total_managed(const struct rmm_mm *mm);
unsigned long rmm_mm_total_free(const struct rmm_mm *mm);	/* NR_FREE_PAGES */
unsigned long rmm_mm_total_pcp(const struct rmm_mm *mm);	/* on pcp lists */
/* free blocks of >= pageblock size, in pageblocks (frag metric) */
unsigned long rmm_zone_free_pageblocks(const struct rmm_zone *z);
/* zoneinfo's "vm stats threshold" (calculate_normal_threshold) */
int rmm_zone_stat_threshold(const struct rmm_zone *z);

/* ---- validation ---- */
/* 0 if every invariant of mmzone.h holds, else reports and -EFAULT */
int rmm_validate_mm(struct rmm_mm *mm);
int rmm_validate_zone(struct rmm_zone *zone);

/* ---- iteration ---- */
/* next zone of the instance in (node, zone index) order, NULL at the end */
static inline struct rmm_zone *rmm_next_zone(const struct rmm_mm *mm,
					     const struct rmm_zone *z)
{
	if (z->idx + 1 < mm->nr_zones)
		return (struct rmm_zone *)&mm->nodes[z->nid].node_zones[z->idx + 1];
	if (z->nid + 1 < mm->nr_nodes)
		return (struct rmm_zone *)&mm->nodes[z->nid + 1].node_zones[0];
	return NULL;
}

static inline struct rmm_zone *rmm_skip_unpopulated(const struct rmm_mm *mm,
						    struct rmm_zone *z)
{
	while (z && !rmm_populated_zone(z))
		z = rmm_next_zone(mm, z);
	return z;
}

#define rmm_for_each_zone(mm, z)					\
	for ((z) = (struct rmm_zone *)(mm)->nodes[0].node_zones; (z);	\
	     (z) = rmm_next_zone(mm, z))

#define rmm_for_each_populated_zone(mm, z)				\
	for ((z) = rmm_skip_unpopulated(mm,				\
			(struct rmm_zone *)(mm)->nodes[0].node_zones);	\
	     (z); (z) = rmm_skip_unpopulated(mm, rmm_next_zone(mm, z)))

static inline int rmm_pageblock_mt(const struct rmm_mm *mm,
				   const struct rmm_page *page)
{
	const struct rmm_mem_section *ms = &mm->sections[rmm_page_section(page)];

	return ms->pb[(page - ms->memmap) >> RMM_PAGEBLOCK_ORDER].mt;
}

#endif /* _RMM_PAGE_ALLOC_H */
