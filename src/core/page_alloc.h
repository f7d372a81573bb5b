/* SPDX-License-Identifier: GPL-2.0 */
/*
 * page_alloc.h - page allocation and freeing (page_alloc.c), gfp helpers,
 * watermark checks.  Everything here takes an explicit instance (struct
 * rmm_mm) so host tests can run many; include/regionmm/regionmm.h wraps
 * the global instance.  It includes the headers of the other core files
 * (memory_model.h, pageblock.h, pcp.h, mm_init.h, wmark.h, vmstat.h,
 * validate.h) so that the glue and the tests need only this one.
 *
 * Locking: the functions below take the locks they need; none may be called
 * with a zone lock held.  rmm_mm_free_pages() and an allocation without
 * __GFP_DIRECT_RECLAIM never sleep and may be called from any context but
 * NMI; an allocation with __GFP_DIRECT_RECLAIM may sleep (it drains every
 * CPU's lists with IPIs and waits; with __GFP_NOFAIL it retries until it
 * succeeds), as include/regionmm/regionmm.h says.
 */
#ifndef _RMM_PAGE_ALLOC_H
#define _RMM_PAGE_ALLOC_H

#include "memory_model.h"
#include "pageblock.h"
#include "pcp.h"
#include "mm_init.h"
#include "wmark.h"
#include "vmstat.h"
#include "validate.h"

/* ---- allocation ---- */

/*
 * Allocate 2^@order pages from node @nid (RMM_NUMA_NO_NODE: the current
 * CPU's nearest node) following the kernel's rules: zone from gfp_zone(),
 * migratetype from gfp_migratetype(), zonelist fallback, watermarks with
 * lowmem_reserve, __GFP_THISNODE, __GFP_ZERO, __GFP_COMP, __GFP_NOWARN,
 * __GFP_NOFAIL.  Returns NULL on failure.  Sleeps only with
 * __GFP_DIRECT_RECLAIM (see the top of this file).
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

#endif /* _RMM_PAGE_ALLOC_H */
