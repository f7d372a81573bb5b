// SPDX-License-Identifier: GPL-2.0
/*
 * show_mem.c - numbers the user-visible files compute from an instance:
 * MemAvailable as the kernel's si_mem_available() (mm/show_mem.c of 6.12,
 * mm/page_alloc.c of 6.1: the same arithmetic in both), regionmm's own
 * counters for /proc/regionmm/stats, and the behaviour table printed in
 * /proc/regionmm/compat.
 *
 * Invariants: none kept here; everything is read from the instance.
 * Locking: lockless snapshots (READ_ONCE, atomic reads), as the kernel's
 *   /proc readers; never called with a zone lock held.
 */
#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "show_mem.h"

static unsigned long zone_low_wmark(const struct rmm_zone *z)
{
	return rmm_low_wmark_pages(z);
}

/* for_each_zone(): every zone of every node, populated or not */
unsigned long rmm_mm_wmark_low_sum(const struct rmm_mm *mm)
{
	return rmm_mm_sum_over_zones(mm, zone_low_wmark);
}

static unsigned long node_sum(const struct rmm_mm *mm,
			      enum rmm_node_stat_item i)
{
	unsigned long sum = 0;
	int n;

	for (n = 0; n < mm->nr_nodes; n++)
		sum += rmm_node_page_state(&mm->nodes[n], i);
	return sum;
}

long rmm_mm_si_mem_available(const struct rmm_mm *mm)
{
	unsigned long wmark_low = rmm_mm_wmark_low_sum(mm);
	unsigned long pagecache, reclaimable;
	long available;

	/*
	 * Estimate the amount of memory available for userspace
	 * allocations, without causing swapping or OOM.
	 */
	available = (long)rmm_mm_total_free(mm) -
		    (long)READ_ONCE(mm->totalreserve_pages);

	/* at least half of the page cache, or wmark_low of it, stays */
	pagecache = node_sum(mm, RMM_NR_ACTIVE_FILE) +
		    node_sum(mm, RMM_NR_INACTIVE_FILE);
	pagecache -= min(pagecache / 2, wmark_low);
	available += pagecache;

	/* part of reclaimable slab and kernel memory is in use: cap it */
	reclaimable = node_sum(mm, RMM_NR_SLAB_RECLAIMABLE_B) +
		      node_sum(mm, RMM_NR_KERNEL_MISC_RECLAIMABLE);
	reclaimable -= min(reclaimable / 2, wmark_low);
	available += reclaimable;

	if (available < 0)
		available = 0;
	return available;
}

const char * const rmm_stat_names[RMM_NR_STAT_ITEMS] = {
	[RMM_STAT_PGALLOC_FAIL]		= "pgalloc_fail",
	[RMM_STAT_PGSTEAL_FALLBACK]	= "pgsteal_fallback",
	[RMM_STAT_DRAIN_ALL]		= "drain_all",
	[RMM_STAT_NR_PCP_SPARSE]	= "nr_pcp_sparse",
};

unsigned long rmm_mm_stat(const struct rmm_mm *mm, enum rmm_stat_item i)
{
	switch (i) {
	case RMM_STAT_PGALLOC_FAIL:
		return rmm_vm_event_state(mm, RMM_PGALLOC_FAIL);
	case RMM_STAT_PGSTEAL_FALLBACK:
		return rmm_vm_event_state(mm, RMM_PGSTEAL_FALLBACK);
	case RMM_STAT_DRAIN_ALL:
		return rmm_vm_event_state(mm, RMM_DRAIN_ALL);
	case RMM_STAT_NR_PCP_SPARSE:
		return rmm_mm_total_pcp_sparse(mm);
	default:
		return 0;
	}
}

/*
 * The behaviour table.  Whoever changes which kernel a part of the core
 * follows (page_alloc.c, wmark.c) updates its line here; the verified
 * package is the Debian kernel the comparison tests last passed on.
 */
static const struct rmm_behaviour behaviour_612 = {
	.family			= "6.12",
	.verified_pkg		= "6.12.117-1~deb12u1",
	.verified_sublevel	= 117,
	.pcp			= "6.12 auto-tuned high",
	.fallback		= "6.12.117 claim/steal",
	.watermarks		= "6.12",
	.lru			= "none yet (phase 2)",
};

static const struct rmm_behaviour behaviour_61 = {
	.family			= "6.1",
	.verified_pkg		= "6.1.192-3",
	.verified_sublevel	= 192,
	.pcp			= "6.1 fixed high",
	.fallback		= "6.1 __rmqueue_fallback",
	.watermarks		= "6.1",
	.lru			= "none yet (phase 2)",
};

void rmm_mm_behaviour(const struct rmm_mm *mm, struct rmm_behaviour *b)
{
	*b = mm->layout.kver >= RMM_KVER(6, 12) ? behaviour_612 : behaviour_61;
	b->min_free_kbytes = mm->layout.thp_min_free_kbytes ?
		"raised for THP (khugepaged)" : "plain int_sqrt rule";
}
