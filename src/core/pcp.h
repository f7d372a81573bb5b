/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcp.h - per-CPU page lists (pcp.c): the drain/decay interface the glue
 * calls, and for the core the list index and sizing helpers
 * (nr_pcp_alloc(), nr_pcp_free(), nr_pcp_high()) and the sparse-list
 * commit, static inline because the allocation and free paths of
 * page_alloc.c run them on every order-0 refill or free.  Each helper
 * follows 6.12.117, or 6.1.192 on a pcp with RMM_PCPF_V61 (a 6.1 layout).
 *
 * Locking: a CPU's zone->pcp[cpu] is touched by that CPU with irqs off
 * (or, once the CPU is dead, by whoever drains it); going to the buddy
 * takes zone->lock inside (irq-off -> zone->lock).
 */
#ifndef _RMM_PCP_H
#define _RMM_PCP_H

#include "plist.h"

/*
 * Anti-fragmentation knob (regionmm only, no kernel equivalent), one per
 * instance (mm->layout.pcp_sparse_threshold): an order <= 3 page freed
 * into a pageblock that already has at least this many free buddy pages
 * bypasses the per-CPU list and goes straight to the buddy, so partly free
 * pageblocks drain to whole 2 MiB blocks.  Default pageblock_nr_pages / 4
 * (half was not enough when the per-CPU lists are large: 1-2 CPUs per
 * node); pageblock_nr_pages + 1 disables it.
 */
#define RMM_PCP_SPARSE_DEFAULT	(RMM_PAGEBLOCK_NR_PAGES / 4)

void rmm_drain_local_pages(struct rmm_mm *mm);	/* this CPU, all zones */
/*
 * 6.12's decay_pcp_high() for this CPU's pagesets; the glue calls it from a
 * per-CPU delayed work once a second (vmstat_update()'s job).  Returns the
 * kernel's "todo" (non-zero: call again next period).
 */
int rmm_decay_pcp_high_local(struct rmm_mm *mm);
void rmm_drain_all_pages(struct rmm_mm *mm);	/* every CPU (IPI) */
void rmm_drain_cpu_pages(struct rmm_mm *mm, int cpu); /* dead/quiet CPU */

/* ---- core only ---- */

void rmm_pcp_init(struct rmm_per_cpu_pages *pcp, unsigned int kver);
void rmm_pcp_update_cacheinfo(struct rmm_mm *mm, int cpu);
void free_pcppages_bulk(struct rmm_zone *zone, int count,
			struct rmm_per_cpu_pages *pcp, int pindex);
void flush_sparse(struct rmm_zone *zone, struct rmm_per_cpu_pages *pcp);

/* refills of a zone between two looks at an idle CPU (pcp.c) */
#define RMM_PCP_IDLE_SCAN	8
int find_idle_pcp(struct rmm_zone *zone);

static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= RMM_COSTLY_ORDER || order == RMM_PAGEBLOCK_ORDER;
}

static inline unsigned int order_to_pindex(int mt, unsigned int order)
{
	if (order > RMM_COSTLY_ORDER)
		return RMM_NR_LOWORDER_PCP_LISTS + (mt == RMM_MIGRATE_MOVABLE);
	return RMM_MIGRATE_PCPTYPES * order + mt;
}

static inline unsigned int pindex_to_order(unsigned int pindex)
{
	if (pindex >= RMM_NR_LOWORDER_PCP_LISTS)
		return RMM_PAGEBLOCK_ORDER;
	return pindex / RMM_MIGRATE_PCPTYPES;
}

/* the pcp follows 6.1's dynamics (RMM_PCPF_V61, mmzone.h) */
static inline bool pcp_v61(const struct rmm_per_cpu_pages *pcp)
{
	return pcp->flags & RMM_PCPF_V61;
}

/*
 * Pages to take from the buddy for an empty list: 6.12's nr_pcp_alloc()
 * (alloc_factor, auto-tuned high); on 6.1, __rmqueue_pcplist()'s plain
 * batch scaled by order (6.1 has no nr_pcp_alloc(): neither high nor what
 * is already on the lists limits a refill).
 */
static inline int nr_pcp_alloc(struct rmm_per_cpu_pages *pcp,
			       struct rmm_zone *zone, unsigned int order)
{
	int high, base_batch, batch, max_nr_alloc, high_max, high_min;

	base_batch = READ_ONCE(pcp->batch);
	if (unlikely(pcp_v61(pcp))) {
		if (base_batch > 1)
			base_batch = max(base_batch >> order, 2);
		return base_batch;
	}
	high_min = READ_ONCE(pcp->high_min);
	high_max = READ_ONCE(pcp->high_max);
	high = pcp->high = clamp(pcp->high, high_min, high_max);

	if (unlikely(high < base_batch))
		return 1;
	if (order)
		batch = base_batch;
	else
		batch = base_batch << pcp->alloc_factor;
	if (high_min != high_max && !READ_ONCE(zone->flag_below_high))
		high = pcp->high = min(high + batch, high_max);
	if (!order) {
		max_nr_alloc = max(high - pcp->count - base_batch, base_batch);
		if (batch <= max_nr_alloc &&
		    pcp->alloc_factor < RMM_PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = max(batch >> order, 2);
	return batch;
}

/*
 * 6.1's nr_pcp_free(): free everything for free_high, else batch doubled
 * per free since the last allocation (free_factor, up to
 * PCP_BATCH_SCALE_MAX), leaving at least batch pages.  The clamp is the
 * kernel's __clamp() (hi wins when val >= hi, then lo).
 */
static inline int nr_pcp_free_61(struct rmm_per_cpu_pages *pcp, int batch,
				 int high, bool free_high)
{
	int min_nr_free, max_nr_free;

	if (unlikely(free_high))
		return pcp->count;
	if (unlikely(high < batch))
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free && pcp->free_factor < RMM_PCP_BATCH_SCALE_MAX)
		pcp->free_factor++;
	return batch >= max_nr_free ? max_nr_free :
		batch <= min_nr_free ? min_nr_free : batch;
}

/* pages to give back once count reached high: 6.12's or 6.1's rule */
static inline int nr_pcp_free(struct rmm_per_cpu_pages *pcp, int batch,
			      int high, bool free_high)
{
	int min_nr_free, max_nr_free;

	if (unlikely(pcp_v61(pcp)))
		return nr_pcp_free_61(pcp, batch, high, free_high);
	if (unlikely(free_high))
		return min(pcp->count, batch << RMM_PCP_BATCH_SCALE_MAX);
	if (unlikely(high < batch))
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	return clamp_t(int, pcp->free_count, min_nr_free, max_nr_free);
}

/*
 * The count at which a free gives pages back: 6.12's nr_pcp_high() (which
 * also tunes pcp->high); on 6.1 the fixed high, 0 for free_high, and
 * batch * 4 at most while the zone's reclaim is active.
 */
static inline int nr_pcp_high(struct rmm_per_cpu_pages *pcp,
			      struct rmm_zone *zone, int batch, bool free_high)
{
	int high, high_min, high_max;

	if (unlikely(pcp_v61(pcp))) {
		high = READ_ONCE(pcp->high);
		if (unlikely(!high || free_high))
			return 0;
		if (!READ_ONCE(zone->flag_reclaim_active))
			return high;
		return min(batch << 2, high);
	}
	high_min = READ_ONCE(pcp->high_min);
	high_max = READ_ONCE(pcp->high_max);
	high = pcp->high = clamp(pcp->high, high_min, high_max);

	if (unlikely(!high))
		return 0;
	if (unlikely(free_high)) {
		pcp->high = max(high - (batch << RMM_PCP_BATCH_SCALE_MAX),
				high_min);
		return 0;
	}
	if (READ_ONCE(zone->flag_reclaim_active)) {
		int free_count = max_t(int, pcp->free_count, batch);

		pcp->high = max(high - free_count, high_min);
		return min(batch << 2, pcp->high);
	}
	if (high_min == high_max)
		return high;
	if (READ_ONCE(zone->flag_below_high)) {
		int free_count = max_t(int, pcp->free_count, batch);

		pcp->high = max(high - free_count, high_min);
		high = max(pcp->count, high_min);
	} else if (pcp->count >= high) {
		int need_high = pcp->free_count + batch;

		if (pcp->high < need_high)
			pcp->high = clamp(need_high, high_min, high_max);
	}
	return high;
}

/*
 * Free to the per-CPU sparse list: the page goes to the buddy (not back
 * into an allocation) but the zone lock is taken once per batch.
 */
#define RMM_SPARSE_BATCH	16

static inline void free_sparse_commit(struct rmm_zone *zone,
				      struct rmm_per_cpu_pages *pcp,
				      struct rmm_page *page, u32 idx,
				      unsigned int order,
				      const struct rmm_pageblock *pb)
{
	pcp->events[RMM_PGFREE] += 1UL << order;
	RmmSetPagePcp(page);
	page->private = order;
	rmm_plist_add_idx(zone->mm, &pcp->sparse, page, idx);
	pcp->sparse_count += 1 << order;
	/*
	 * Flush per batch, and at once when this page might complete a free
	 * pageblock (counting everything pending): a whole 2 MiB block must
	 * not wait on a per-CPU list.
	 */
	if (pcp->sparse_count >= RMM_SPARSE_BATCH ||
	    READ_ONCE(pb->nr_free) + (unsigned long)pcp->sparse_count >=
	    RMM_PAGEBLOCK_NR_PAGES)
		flush_sparse(zone, pcp);
}

#endif /* _RMM_PCP_H */
