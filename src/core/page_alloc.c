// SPDX-License-Identifier: GPL-2.0
/*
 * page_alloc.c - regionmm's buddy allocator: free lists by migratetype,
 * buddy merging and splitting, fallback/stealing, highatomic reserves,
 * watermark checks, the allocation and free paths and the allocation slow
 * path.  The pageblock index is in pageblock.c/.h, the per-CPU lists'
 * bulk and drain side in pcp.c/.h, the counters in vmstat.c.  It follows
 * mm/page_alloc.c of Debian's 6.12.117 function by function (names kept
 * where possible), and 6.1's where a 6.1 layout differs (fallback,
 * highatomic reserve size, watermark check), as the table in
 * Documentation/kernel-compat.rst says, with one deliberate change,
 * anti-fragmentation by pageblock fullness:
 *
 *   Free blocks smaller than a pageblock live on per-pageblock lists
 *   (pb->free[order]), and partially free pageblocks are indexed per
 *   migratetype by (fullness bucket, largest free order).  An allocation of
 *   order < pageblock_order is served from the FULLEST partially free
 *   pageblock of its migratetype that has a large enough block, best fit
 *   inside it; a whole free pageblock is split only when no partial one can
 *   serve.  Emptier pageblocks are therefore never refilled and drain to
 *   whole free 2 MiB blocks, instead of the kernel's LIFO reuse of the most
 *   recently freed fragment anywhere in the zone.
 *
 * The free_area[order].nr_free / nr_free_mt[] counters, the buddy invariants
 * and the pagetypeinfo view are exactly the kernel's: only which free block
 * of a given (order, migratetype) is handed out differs.
 *
 * Invariants: see mmzone.h; rmm_validate_zone() (validate.c) checks them.
 *
 * Locking:
 *   zone->lock           free lists, pageblocks, counters in free_area,
 *                        NR_FREE_PAGES writes, nr_reserved_highatomic
 *   irq-off on a CPU     that CPU's zone->pcp[cpu] (count, lists, events);
 *                        other CPUs reach them only through calls that run
 *                        on that CPU with its irqs off (rmm_on_each_cpu for
 *                        drain_all, rmm_remote_call for idle lists) or once
 *                        it is dead; pcp->idle_stamp/drain_* are written by
 *                        other CPUs under zone->lock, never by the owner
 *   order                irq-off -> zone->lock
 *
 * Fast paths: rmm_mm_alloc_pages() / rmm_mm_free_pages() handle the common
 * pcp case inline (alloc_pcp_fast(), free_pcp_fast()); the rest is out of
 * line in the *_slowpath functions.
 */
#include "internal.h"
#include "vmscan.h"
#include "mm_ops.h"
#include "../../include/regionmm/regionmm.h"

const char * const rmm_migratetype_names[RMM_MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

/* mm/page_alloc.c fallbacks[] (6.12) */
static const int fallbacks[RMM_MIGRATE_PCPTYPES][RMM_MIGRATE_PCPTYPES - 1] = {
	[RMM_MIGRATE_UNMOVABLE]   = { RMM_MIGRATE_RECLAIMABLE, RMM_MIGRATE_MOVABLE },
	[RMM_MIGRATE_MOVABLE]     = { RMM_MIGRATE_RECLAIMABLE, RMM_MIGRATE_UNMOVABLE },
	[RMM_MIGRATE_RECLAIMABLE] = { RMM_MIGRATE_UNMOVABLE, RMM_MIGRATE_MOVABLE },
};

/* ------------------------------------------------------------------ */
/* Free lists                                                         */
/* ------------------------------------------------------------------ */


/*
 * Flags of the free-list primitives below (as fpi_t of mm/page_alloc.c):
 * FPI_DEFER_INDEX - below pageblock_order, leave the pageblock's place in
 *	the fullness index to the caller: one that does several list
 *	operations on one pageblock in a row (a merge chain, a split) calls
 *	pb_update() or pb_batch_add() once at the end, before anything reads
 *	the index again.
 * The flags are compile-time constants at every call: the always-inline
 * primitives fold them away.
 */
#define FPI_NONE		0U
#define FPI_DEFER_INDEX		(1U << 0)

/*
 * add_to_free_list / del_from_free_list keep every counter and list exact.
 * Their __ forms leave NR_FREE_PAGES (account_freepages()) to the caller,
 * which accounts the net change of a whole merge chain or split once, as
 * the kernel's __free_one_page() and expand() do, and take @fpi flags and
 * @pb, the block's pageblock if the caller has it (NULL: looked up).
 * Blocks go on the head of their list: regionmm has no caller of the
 * kernel's FPI_TO_TAIL (memory onlining, page shuffling).
 */
static __always_inline void __add_to_free_list(struct rmm_zone *zone,
					       struct rmm_page *page, u32 idx,
					       unsigned int order, int mt,
					       unsigned int fpi,
					       struct rmm_pageblock *pb)
{
	const struct rmm_mm *mm = zone->mm;
	struct rmm_free_area *area = &zone->free_area[order];

	page->private = order;
	RmmSetPageBuddy(page);
	zone->free_seq++;
	area->nr_free++;
	area->nr_free_mt[mt]++;

	if (order >= RMM_PAGEBLOCK_ORDER) {
		u32 pbn = idx >> RMM_PAGEBLOCK_ORDER;
		u32 n = 1U << (order - RMM_PAGEBLOCK_ORDER);

		rmm_plist_add(mm, &area->free_list[mt], page);
		for (; n; n--, pbn++) {
			struct rmm_pageblock *pb = rmm_pb_nr(mm, pbn);

			pb->nr_free = RMM_PAGEBLOCK_NR_PAGES;
			pb_update(zone, pb, pbn);
		}
	} else {
		if (!pb)
			pb = rmm_pb_of_idx(mm, idx);
		rmm_ilist_add(&pb->free[order], page, idx);
		pb->mask |= 1U << order;
		pb->nr_free += 1U << order;
		if (!(fpi & FPI_DEFER_INDEX))
			pb_update(zone, pb, idx >> RMM_PAGEBLOCK_ORDER);
	}
}

void add_to_free_list(struct rmm_zone *zone, struct rmm_page *page,
		      u32 idx, unsigned int order, int mt)
{
	__add_to_free_list(zone, page, idx, order, mt, FPI_NONE, NULL);
	account_freepages(zone, 1L << order, mt);
}

static __always_inline void __del_from_free_list(struct rmm_zone *zone,
						 struct rmm_page *page,
						 u32 idx, unsigned int order,
						 int mt, unsigned int fpi,
						 struct rmm_pageblock *pb)
{
	const struct rmm_mm *mm = zone->mm;
	struct rmm_free_area *area = &zone->free_area[order];

	RmmClearPageBuddy(page);
	page->private = 0;
	zone->free_seq++;
	area->nr_free--;
	area->nr_free_mt[mt]--;

	if (order >= RMM_PAGEBLOCK_ORDER) {
		u32 pbn = idx >> RMM_PAGEBLOCK_ORDER;
		u32 n = 1U << (order - RMM_PAGEBLOCK_ORDER);

		rmm_plist_del(mm, &area->free_list[mt], page);
		for (; n; n--, pbn++)
			rmm_pb_nr(mm, pbn)->nr_free = 0;
	} else {
		if (!pb)
			pb = rmm_pb_of_idx(mm, idx);
		rmm_ilist_del(&pb->free[order], page, idx);
		if (pb->free[order] == RMM_NIL)
			pb->mask &= ~(1U << order);
		pb->nr_free -= 1U << order;
		if (!(fpi & FPI_DEFER_INDEX))
			pb_update(zone, pb, idx >> RMM_PAGEBLOCK_ORDER);
	}
}

void del_from_free_list(struct rmm_zone *zone, struct rmm_page *page,
			u32 idx, unsigned int order, int mt)
{
	__del_from_free_list(zone, page, idx, order, mt, FPI_NONE, NULL);
	account_freepages(zone, -(1L << order), mt);
}

/*
 * Split a block of order @high at @page, keep the first 2^@low pages.  The
 * halves below pageblock_order all lie in @idx's pageblock, whose index
 * entry is updated once at the end (also for a caller that removed the
 * block from that pageblock's lists with FPI_DEFER_INDEX).  The caller
 * accounts the 2^@high - 2^@low pages put back as free.
 */
static inline void expand(struct rmm_zone *zone, struct rmm_page *page,
			  u32 idx, unsigned int low, unsigned int high, int mt)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		__add_to_free_list(zone, page + size, idx + size, high, mt,
				   FPI_DEFER_INDEX, NULL);
	}
	if (low < RMM_PAGEBLOCK_ORDER)
		pb_update(zone, rmm_pb_of_idx(zone->mm, idx),
			  idx >> RMM_PAGEBLOCK_ORDER);
}

/* is @idx's buddy at @order a free block we may merge with? */
static inline struct rmm_page *find_buddy(struct rmm_zone *zone, u32 idx,
					  unsigned int order, u32 *buddy_idx)
{
	const struct rmm_mm *mm = zone->mm;
	const struct rmm_mem_section *ms;
	struct rmm_page *buddy;
	u32 bidx = idx ^ (1U << order);

	ms = &mm->sections[bidx >> RMM_SECTION_ORDER];
	if (!ms->memmap || ms->zone != zone)
		return NULL;
	buddy = ms->memmap + (bidx & (RMM_PAGES_PER_SECTION - 1));
	if (!RmmPageBuddy(buddy) || buddy->private != order)
		return NULL;
	*buddy_idx = bidx;
	return buddy;
}


/*
 * __free_one_page(): merge with free buddies, then put on a free list.
 * @pb: @idx's pageblock (NULL: looked up here).
 * @b: batch of index updates the caller flushes before unlocking, or NULL
 * to keep the index exact at once.
 *
 * As in the kernel, the freed pages are accounted once, up front; the
 * buddies taken off their lists and the final block are not, as their
 * pages stay free (only a buddy of another migratetype moves its pages'
 * accounting to @mt).
 */
static __always_inline void free_one_page_batch(struct rmm_zone *zone,
						struct rmm_page *page, u32 idx,
						unsigned int order, int mt,
						struct rmm_pageblock *pb,
						struct pb_batch *b)
{
	struct rmm_page *buddy;
	u32 bidx;

	account_freepages(zone, 1L << order, mt);	/* asserts zone->lock */
	if (order < RMM_PAGEBLOCK_ORDER) {
		/*
		 * Below a pageblock the whole chain stays inside @idx's
		 * pageblock, hence inside one section: buddies are found by
		 * pointer arithmetic, their type is the pageblock's, and the
		 * pageblock's index entry is updated once, by the final
		 * add_to_free_list().
		 */
		if (!pb)
			pb = rmm_pb_of_idx(zone->mm, idx);
		do {
			bidx = idx ^ (1U << order);
			buddy = page + ((long)bidx - (long)idx);
			if (!RmmPageBuddy(buddy) || buddy->private != order)
				goto done;
			__del_from_free_list(zone, buddy, bidx, order, pb->mt,
					     FPI_DEFER_INDEX, pb);
			if (unlikely(pb->mt != mt)) {
				account_freepages_move(zone, 1L << order,
						       pb->mt, mt);
				change_pageblock_range(zone, bidx, order, mt);
			}
			if (bidx < idx)
				page = buddy;
			idx &= bidx;
		} while (++order < RMM_PAGEBLOCK_ORDER);
	}
	while (order < RMM_MAX_ORDER) {
		int buddy_mt;

		buddy = find_buddy(zone, idx, order, &bidx);
		if (!buddy)
			break;
		/*
		 * 6.12: do not merge isolated/highatomic/CMA blocks with
		 * others; mergeable types adopt ours.
		 */
		buddy_mt = rmm_pageblock_mt(zone->mm, buddy);
		if (mt != buddy_mt && (!rmm_mt_mergeable(mt) ||
				       !rmm_mt_mergeable(buddy_mt)))
			break;
		__del_from_free_list(zone, buddy, bidx, order, buddy_mt,
				     FPI_NONE, NULL);
		if (buddy_mt != mt) {
			account_freepages_move(zone, 1L << order, buddy_mt,
					       mt);
			change_pageblock_range(zone, bidx, order, mt);
		}
		idx &= bidx;
		order++;
		page = rmm_mm_idx_to_page(zone->mm, idx);
	}
done:
	if (order >= RMM_PAGEBLOCK_ORDER) {
		__add_to_free_list(zone, page, idx, order, mt, FPI_NONE, NULL);
	} else if (!b) {
		__add_to_free_list(zone, page, idx, order, mt, FPI_NONE, pb);
	} else {
		__add_to_free_list(zone, page, idx, order, mt,
				   FPI_DEFER_INDEX, pb);
		/* the flush computes the key, once per pageblock */
		pb_batch_add(zone, b, pb, idx >> RMM_PAGEBLOCK_ORDER);
	}
}

void __rmm_free_one_page(struct rmm_zone *zone, struct rmm_page *page,
			 u32 idx, unsigned int order, int mt)
{
	free_one_page_batch(zone, page, idx, order, mt, NULL, NULL);
}

/*
 * The buddy side of pcp.c's bulk frees, one call per list so that
 * free_one_page_batch() stays inline in the per-page loop; zone->lock
 * held, index updates batched in @b.
 *
 * free_pcp_list_locked(): pages of @order from the tail of a pcp list
 * until @count pages are given back or the list is empty; the number of
 * pages given back.
 */
int free_pcp_list_locked(struct rmm_zone *zone, struct rmm_plist *list,
			 unsigned int order, int count, struct pb_batch *b)
{
	const struct rmm_mm *mm = zone->mm;
	int nr_pages = 1 << order, freed = 0;

	do {
		struct rmm_page *page = rmm_plist_pop_tail(mm, list);
		u32 idx;
		struct rmm_pageblock *pb = rmm_page_pb(mm, page, &idx);

		RmmClearPagePcp(page);
		freed += nr_pages;
		free_one_page_batch(zone, page, idx, order, pb->mt, pb, b);
	} while (freed < count && !rmm_plist_empty(list));
	return freed;
}

/* free_sparse_list_locked(): all of a sparse list; the pages given back */
int free_sparse_list_locked(struct rmm_zone *zone, struct rmm_plist *list,
			    struct pb_batch *b)
{
	const struct rmm_mm *mm = zone->mm;
	struct rmm_page *page;
	int freed = 0;

	while ((page = rmm_plist_pop(mm, list))) {
		unsigned int order = page->private;
		u32 idx;
		struct rmm_pageblock *pb = rmm_page_pb(mm, page, &idx);

		RmmClearPagePcp(page);
		page->private = 0;
		freed += 1 << order;
		free_one_page_batch(zone, page, idx, order, pb->mt, pb, b);
	}
	return freed;
}

/* ------------------------------------------------------------------ */
/* Taking pages out of the buddy                                      */
/* ------------------------------------------------------------------ */

static struct rmm_page *take_block(struct rmm_zone *zone, u32 idx,
				   unsigned int o, unsigned int order, int mt)
{
	struct rmm_page *page = rmm_mm_idx_to_page(zone->mm, idx);

	/* expand() updates the pageblock's index entry once */
	__del_from_free_list(zone, page, idx, o, mt, FPI_DEFER_INDEX, NULL);
	expand(zone, page, idx, order, o, mt);
	account_freepages(zone, -(1L << order), mt);
	return page;
}

/*
 * The block __rmqueue_smallest() takes for @order and @mt: the smallest that
 * fits - but for orders below a pageblock, inside the fullest partially
 * free pageblock first.  Its index, and its order in *@op; RMM_NIL if none.
 */
static inline u32 find_smallest(struct rmm_zone *zone, unsigned int order,
				int mt, unsigned int *op)
{
	unsigned int o;

	if (order < RMM_PAGEBLOCK_ORDER) {
		u64 bits = zone->partial[mt].bitmap & keys_ge(order);

		if (bits) {
			unsigned int key = rmm_ffs64(bits) - 1;
			struct rmm_pageblock *pb =
				rmm_pb_nr(zone->mm, zone->partial[mt].head[key]);
			/* orders >= @order free in pb: non-zero by its key */
			u32 fit = pb->mask >> order << order;

			*op = rmm_ffs64(fit) - 1;
			return pb->free[*op];
		}
	}
	for (o = max_t(unsigned int, order, RMM_PAGEBLOCK_ORDER);
	     o < RMM_NR_ORDERS; o++) {
		struct rmm_page *page = zone->free_area[o].free_list[mt].first;

		if (page) {
			*op = o;
			return rmm_mm_page_idx(zone->mm, page);
		}
	}
	return RMM_NIL;
}

/* __rmqueue_smallest(): take find_smallest()'s block, split to @order */
static struct rmm_page *__rmqueue_smallest(struct rmm_zone *zone,
					   unsigned int order, int mt)
{
	unsigned int o;
	u32 idx = find_smallest(zone, order, mt, &o);

	return idx == RMM_NIL ? NULL : take_block(zone, idx, o, order, mt);
}
static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= RMM_PAGEBLOCK_ORDER)
		return true;
	if (order >= RMM_PAGEBLOCK_ORDER / 2 ||
	    start_mt == RMM_MIGRATE_RECLAIMABLE ||
	    start_mt == RMM_MIGRATE_UNMOVABLE)
		return true;
	return false;
}

/*
 * find_suitable_fallback() of 6.12.117: the first fallback type with a free
 * block of @order, and in *@can_steal whether its pageblock may be
 * claimed.  The kernel's @only_stealable is true only for compaction,
 * which regionmm does not have yet: it is left out.
 */
static int find_suitable_fallback(struct rmm_zone *zone, unsigned int order,
				  int mt, bool *can_steal)
{
	struct rmm_free_area *area = &zone->free_area[order];
	int i;

	if (!area->nr_free)
		return -1;
	*can_steal = false;
	for (i = 0; i < RMM_MIGRATE_PCPTYPES - 1; i++) {
		int fmt = fallbacks[mt][i];

		if (!area->nr_free_mt[fmt])
			continue;
		*can_steal = can_steal_fallback(order, mt);
		return fmt;
	}
	return -1;
}

/* boost_watermark() of 6.12 */
static bool boost_watermark(struct rmm_zone *zone)
{
	int factor = READ_ONCE(zone->mm->tunables.watermark_boost_factor);
	unsigned long max_boost;

	if (!factor)
		return false;
	if ((RMM_PAGEBLOCK_NR_PAGES * 4) > rmm_zone_managed_pages(zone))
		return false;
	/* mult_frac(high, factor, 10000) */
	max_boost = zone->_watermark[RMM_WMARK_HIGH] / 10000 * factor +
		zone->_watermark[RMM_WMARK_HIGH] % 10000 * factor / 10000;
	if (!max_boost)
		return false;
	max_boost = max(RMM_PAGEBLOCK_NR_PAGES, max_boost);
	WRITE_ONCE(zone->watermark_boost,
		   min(zone->watermark_boost + RMM_PAGEBLOCK_NR_PAGES,
		       max_boost));
	return true;
}

static unsigned int count_lru_pages(struct rmm_zone *zone, u32 pbn)
{
	struct rmm_page *p = rmm_mm_idx_to_page(zone->mm,
						pbn << RMM_PAGEBLOCK_ORDER);
	unsigned int i, n = 0;

	for (i = 0; i < RMM_PAGEBLOCK_NR_PAGES; i++)
		if (RmmPageLru(&p[i]))
			n++;
	return n;
}

/*
 * A fallback below pageblock order: boost the watermarks so that kswapd
 * (rmm_wakeup_kswapd(), vmscan.c) is woken after the allocation.
 */
static void boost_for_fallback(struct rmm_zone *zone, unsigned int alloc_flags)
{
	if (boost_watermark(zone) && (alloc_flags & RMM_ALLOC_KSWAPD))
		WRITE_ONCE(zone->flag_boosted_watermark, 1);
}

/*
 * try_to_claim_block() - 6.12.117's try_to_steal_block(): claim the
 * pageblock of the free block at @idx (order @current_order, another
 * migratetype) for @start_type and allocate from it, or return NULL and
 * leave everything as it was (but the boost).  A block of pageblock order
 * or more is always claimed; below it, the watermarks are boosted and the
 * pageblock is claimed only when at least half of it is free or
 * compatible.
 */
static struct rmm_page *
try_to_claim_block(struct rmm_zone *zone, u32 idx, unsigned int current_order,
		   unsigned int order, int start_type, unsigned int alloc_flags)
{
	struct rmm_pageblock *pb = rmm_pb_of_idx(zone->mm, idx);
	int block_type = pb->mt;
	unsigned int free_pages, movable_pages, alike_pages;
	u32 pbn = idx >> RMM_PAGEBLOCK_ORDER;

	rmm_assert_held(&zone->lock);
	/* a block taken here must cover the request: expand() only splits */
	RMM_BUG_ON(current_order < order);

	if (block_type == RMM_MIGRATE_HIGHATOMIC)
		return NULL;

	if (current_order >= RMM_PAGEBLOCK_ORDER) {
		struct rmm_page *page = rmm_mm_idx_to_page(zone->mm, idx);

		del_from_free_list(zone, page, idx, current_order, block_type);
		change_pageblock_range(zone, idx, current_order, start_type);
		expand(zone, page, idx, order, current_order, start_type);
		account_freepages(zone, (1L << current_order) - (1L << order),
				  start_type);
		return page;
	}

	boost_for_fallback(zone, alloc_flags);

	free_pages = pb->nr_free;
	movable_pages = count_lru_pages(zone, pbn);
	if (start_type == RMM_MIGRATE_MOVABLE) {
		alike_pages = movable_pages;
	} else if (block_type == RMM_MIGRATE_MOVABLE) {
		alike_pages = RMM_PAGEBLOCK_NR_PAGES -
			(free_pages + movable_pages);
	} else {
		alike_pages = 0;
	}
	if (free_pages + alike_pages >= (1U << (RMM_PAGEBLOCK_ORDER - 1))) {
		rmm_pb_set_mt_locked(zone, pbn, start_type);
		return __rmqueue_smallest(zone, order, start_type);
	}
	return NULL;
}

static inline void count_fallback(struct rmm_zone *zone)
{
	zone->pcp[rmm_smp_processor_id()].events[RMM_PGSTEAL_FALLBACK]++;
}

/*
 * __rmqueue_claim() of 6.12.117: take a block of another migratetype by
 * claiming its whole pageblock, largest order first.  Under
 * ALLOC_NOFRAGMENT a request below pageblock order looks only at whole
 * pageblocks; a request at or above it never looks below its own order.
 */
static struct rmm_page *__rmqueue_claim(struct rmm_zone *zone,
					unsigned int order, int start_mt,
					unsigned int alloc_flags)
{
	int current_order, min_order = order, fmt;
	struct rmm_page *page;
	bool can_steal;
	u32 idx;

	if (order < RMM_PAGEBLOCK_ORDER && (alloc_flags & RMM_ALLOC_NOFRAGMENT))
		min_order = RMM_PAGEBLOCK_ORDER;

	for (current_order = RMM_MAX_ORDER; current_order >= min_order;
	     --current_order) {
		fmt = find_suitable_fallback(zone, current_order, start_mt,
					     &can_steal);
		if (fmt == -1)
			continue;
		if (!can_steal)
			break;
		idx = find_block_exact(zone, current_order, fmt,
				       PB_PICK_EMPTIEST);
		page = try_to_claim_block(zone, idx, current_order, order,
					  start_mt, alloc_flags);
		if (page) {
			count_fallback(zone);
			return page;
		}
	}
	return NULL;
}

/*
 * __rmqueue_steal() of 6.12.117: take the smallest block of another
 * migratetype that fits, leaving its pageblock's type alone (no boost).
 */
static struct rmm_page *__rmqueue_steal(struct rmm_zone *zone,
					unsigned int order, int start_mt)
{
	unsigned int current_order;
	bool can_steal;
	int fmt;

	for (current_order = order; current_order < RMM_NR_ORDERS;
	     current_order++) {
		fmt = find_suitable_fallback(zone, current_order, start_mt,
					     &can_steal);
		if (fmt == -1)
			continue;
		count_fallback(zone);
		return take_block(zone, find_block_exact(zone, current_order,
							 fmt, PB_PICK_FULLEST),
				  current_order, order, fmt);
	}
	return NULL;
}

/*
 * steal_suitable_fallback() of 6.1 (6.1 layouts): the same claim as
 * 6.12's, but a highatomic block, a block whose pageblock may not be
 * claimed (!@whole_block: below pageblock order, boosted all the same) or
 * one not claimed is handed out from its own pageblock type.
 */
static struct rmm_page *
steal_suitable_fallback(struct rmm_zone *zone, u32 idx,
			unsigned int current_order, unsigned int order,
			int start_type, unsigned int alloc_flags,
			bool whole_block)
{
	int block_type = rmm_pb_of_idx(zone->mm, idx)->mt;
	struct rmm_page *page = NULL;

	if (whole_block || current_order >= RMM_PAGEBLOCK_ORDER)
		page = try_to_claim_block(zone, idx, current_order, order,
					  start_type, alloc_flags);
	else if (block_type != RMM_MIGRATE_HIGHATOMIC)
		boost_for_fallback(zone, alloc_flags);
	return page ? page : take_block(zone, idx, current_order, order,
					block_type);
}

/*
 * __rmqueue_fallback() of 6.1, for 6.1 layouts: steal from the largest
 * block of another type (the smallest when a movable request cannot claim
 * the pageblock).  6.1 moves a block it cannot claim to the requested
 * type's list and retries __rmqueue_smallest(); regionmm's lists follow
 * the pageblock's type, so that block is handed out directly instead,
 * its remainder staying with the pageblock's type (as 6.12.117 does).
 */
static struct rmm_page *__rmqueue_fallback(struct rmm_zone *zone, int order,
					   int start_mt,
					   unsigned int alloc_flags)
{
	int current_order, min_order = order, fmt;
	bool can_steal;
	u32 idx;

	if (order < RMM_PAGEBLOCK_ORDER && (alloc_flags & RMM_ALLOC_NOFRAGMENT))
		min_order = RMM_PAGEBLOCK_ORDER;

	for (current_order = RMM_MAX_ORDER; current_order >= min_order;
	     --current_order) {
		fmt = find_suitable_fallback(zone, current_order, start_mt,
					     &can_steal);
		if (fmt == -1)
			continue;
		if (!can_steal && start_mt == RMM_MIGRATE_MOVABLE &&
		    current_order > order)
			goto find_smallest;
		idx = find_block_exact(zone, current_order, fmt,
				       PB_PICK_EMPTIEST);
		goto do_steal;
	}
	return NULL;

find_smallest:
	for (current_order = order; current_order < RMM_NR_ORDERS;
	     current_order++) {
		fmt = find_suitable_fallback(zone, current_order, start_mt,
					     &can_steal);
		if (fmt != -1)
			break;
	}
	RMM_BUG_ON(current_order >= RMM_NR_ORDERS);
	idx = find_block_exact(zone, current_order, fmt, PB_PICK_FULLEST);

do_steal:
	RMM_BUG_ON(idx == RMM_NIL);
	count_fallback(zone);
	return steal_suitable_fallback(zone, idx, current_order, order,
				       start_mt, alloc_flags, can_steal);
}

/*
 * enum rmqueue_mode of 6.12.117: where __rmqueue() found pages last time,
 * kept across one rmqueue_bulk() batch so the fallback search is not
 * repeated for every page of it.
 */
enum rmqueue_mode {
	RMQUEUE_NORMAL,
	RMQUEUE_CMA,
	RMQUEUE_CLAIM,
	RMQUEUE_STEAL,
};

/*
 * __rmqueue(): the requested migratetype first, then the fallbacks in
 * increasing order of fragmentation risk (6.12.117), or 6.1's
 * fallback-and-retry on 6.1 layouts.  zone->lock held.
 */
static struct rmm_page *__rmqueue(struct rmm_zone *zone, unsigned int order,
				  int mt, unsigned int alloc_flags,
				  enum rmqueue_mode *mode)
{
	struct rmm_page *page;

	rmm_assert_held(&zone->lock);
	if (zone->mm->layout.kver < RMM_KVER(6, 12)) {
		page = __rmqueue_smallest(zone, order, mt);
		if (unlikely(!page)) {
			if (alloc_flags & RMM_ALLOC_CMA)
				page = __rmqueue_smallest(zone, order,
							  RMM_MIGRATE_CMA);
			if (!page)
				page = __rmqueue_fallback(zone, order, mt,
							  alloc_flags);
		}
		return page;
	}

	switch (*mode) {
	case RMQUEUE_NORMAL:
		page = __rmqueue_smallest(zone, order, mt);
		if (page)
			return page;
		fallthrough;
	case RMQUEUE_CMA:
		if (alloc_flags & RMM_ALLOC_CMA) {
			page = __rmqueue_smallest(zone, order, RMM_MIGRATE_CMA);
			if (page) {
				*mode = RMQUEUE_CMA;
				return page;
			}
		}
		fallthrough;
	case RMQUEUE_CLAIM:
		page = __rmqueue_claim(zone, order, mt, alloc_flags);
		if (page) {
			/* replenished the preferred lists: back to normal */
			*mode = RMQUEUE_NORMAL;
			return page;
		}
		fallthrough;
	case RMQUEUE_STEAL:
		if (!(alloc_flags & RMM_ALLOC_NOFRAGMENT)) {
			page = __rmqueue_steal(zone, order, mt);
			if (page) {
				*mode = RMQUEUE_STEAL;
				return page;
			}
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Highatomic reserves                                                */
/* ------------------------------------------------------------------ */

static void reserve_highatomic_pageblock(struct rmm_mm *mm,
					 struct rmm_page *page,
					 unsigned int order,
					 struct rmm_zone *zone)
{
	unsigned long max_managed, flags;
	u32 idx = rmm_mm_page_idx(mm, page);
	int mt;

	if (mm->layout.kver < RMM_KVER(6, 12)) {
		/* 6.1: one pageblock plus roughly 1 % of the zone */
		max_managed = rmm_zone_managed_pages(zone) / 100 +
			RMM_PAGEBLOCK_NR_PAGES;
	} else {
		/* 6.12: roughly 1 %, none if that is below a pageblock */
		if ((rmm_zone_managed_pages(zone) / 100) <
		    RMM_PAGEBLOCK_NR_PAGES)
			return;
		max_managed = ALIGN(rmm_zone_managed_pages(zone) / 100,
				    RMM_PAGEBLOCK_NR_PAGES);
	}
	if (READ_ONCE(zone->nr_reserved_highatomic) >= max_managed)
		return;

	rmm_spin_lock_irqsave(&zone->lock, flags);
	if (zone->nr_reserved_highatomic >= max_managed)
		goto out_unlock;
	mt = rmm_pageblock_mt(mm, page);
	if (!rmm_mt_mergeable(mt))
		goto out_unlock;
	if (order < RMM_PAGEBLOCK_ORDER) {
		rmm_pb_set_mt_locked(zone, idx >> RMM_PAGEBLOCK_ORDER,
				     RMM_MIGRATE_HIGHATOMIC);
		zone->nr_reserved_highatomic += RMM_PAGEBLOCK_NR_PAGES;
	} else {
		change_pageblock_range(zone, idx, order,
				       RMM_MIGRATE_HIGHATOMIC);
		zone->nr_reserved_highatomic += 1UL << order;
	}
out_unlock:
	rmm_spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * unreserve_highatomic_pageblock(): give reserved pageblocks back to the
 * requested type when we are about to fail.  @force: even the last one.
 */
static bool unreserve_highatomic_pageblock(struct rmm_mm *mm,
					   const struct rmm_alloc_context *ac,
					   bool force)
{
	const struct rmm_zoneref *zr;
	unsigned long flags;
	bool ret = false;

	for (zr = ac->zonelist->_zonerefs; zr->zone; zr++) {
		struct rmm_zone *zone = zr->zone;
		unsigned int o;

		if (zr->zone_idx > ac->highest_zoneidx)
			continue;
		if (!force && zone->nr_reserved_highatomic <=
		    RMM_PAGEBLOCK_NR_PAGES)
			continue;
		rmm_spin_lock_irqsave(&zone->lock, flags);
		for (o = 0; o < RMM_NR_ORDERS; o++) {
			u32 idx = find_block_exact(zone, o,
						   RMM_MIGRATE_HIGHATOMIC,
						   PB_PICK_FULLEST);
			u32 pbn;

			if (!zone->free_area[o].nr_free_mt[RMM_MIGRATE_HIGHATOMIC]
			    || idx == RMM_NIL)
				continue;
			pbn = idx >> RMM_PAGEBLOCK_ORDER;
			if (rmm_pb_nr(mm, pbn)->mt == RMM_MIGRATE_HIGHATOMIC) {
				unsigned long size = RMM_PAGEBLOCK_NR_PAGES;

				zone->nr_reserved_highatomic -=
					min(size, zone->nr_reserved_highatomic);
			}
			rmm_pb_set_mt_locked(zone, pbn, ac->migratetype);
			ret = true;
			break;
		}
		rmm_spin_unlock_irqrestore(&zone->lock, flags);
		if (ret)
			return ret;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Per-CPU lists: refill and free commit (the rest is in pcp.c)       */
/* ------------------------------------------------------------------ */

/*
 * rmqueue_bulk(): refill a pcp list from the buddy (physical order); irqs
 * off.  Also the place where idle CPUs' lists are looked after
 * (find_idle_pcp(), pcp.c).
 */
static noinline int rmqueue_bulk(struct rmm_zone *zone, unsigned int order,
			unsigned long count, struct rmm_plist *list, int mt,
			unsigned int alloc_flags)
{
	enum rmqueue_mode rmqm = RMQUEUE_NORMAL;
	unsigned long i;
	int idle = -1;

	rmm_spin_lock(&zone->lock);
	for (i = 0; i < count;) {
		struct rmm_page *page;
		unsigned int o;
		/* after a fallback, __rmqueue() knows where to look */
		u32 idx = likely(rmqm == RMQUEUE_NORMAL) ?
			find_smallest(zone, order, mt, &o) : RMM_NIL;

		if (idx != RMM_NIL && (1UL << (o - order)) <= count - i) {
			/*
			 * Room for the whole block: take it in one piece.
			 * That is exactly what 2^(o - order) single takes
			 * would give, in the same order: each split leaves
			 * the halves in the same pageblock, which only gets
			 * fuller, so find_smallest() keeps choosing them,
			 * lowest address first.  It saves a free-list add and
			 * delete per page.
			 */
			unsigned long n = 1UL << (o - order), k;

			page = rmm_mm_idx_to_page(zone->mm, idx);
			del_from_free_list(zone, page, idx, o, mt);
			for (k = 0; k < n; k++) {
				RmmSetPagePcp(page + (k << order));
				rmm_plist_add_tail(zone->mm, list,
						   page + (k << order));
			}
			i += n;
			continue;
		}
		if (idx != RMM_NIL)
			page = take_block(zone, idx, o, order, mt);
		else
			page = __rmqueue(zone, order, mt, alloc_flags, &rmqm);
		if (unlikely(!page))
			break;
		RmmSetPagePcp(page);
		rmm_plist_add_tail(zone->mm, list, page);
		i++;
	}
	if (unlikely(++zone->pcp_refills % RMM_PCP_IDLE_SCAN == 0))
		idle = find_idle_pcp(zone);
	rmm_spin_unlock(&zone->lock);
	/* after the unlock: the drain takes zone->lock on the other CPU */
	if (unlikely(idle >= 0))
		rmm_remote_call(&zone->pcp[idle].drain_call, idle);
	return i;
}

/* free_unref_page_commit() of 6.12.117, or of 6.1.192 on a 6.1 pcp */
static __always_inline void free_unref_page_commit(struct rmm_zone *zone,
				   struct rmm_per_cpu_pages *pcp,
				   struct rmm_page *page, u32 idx, int mt,
				   unsigned int order)
{
	int high, batch, pindex;
	bool free_high = false;

	pcp->events[RMM_PGFREE] += 1UL << order;
	pindex = order_to_pindex(mt, order);
	RmmSetPagePcp(page);
	rmm_plist_add_idx(zone->mm, &pcp->lists[pindex], page, idx);
	pcp->count += 1 << order;

	batch = READ_ONCE(pcp->batch);
	if (unlikely(pcp_v61(pcp))) {
		/*
		 * 6.1: a high-order free right after another free without
		 * allocation (free_factor != 0) empties the lists; otherwise
		 * the fixed high, and free_factor's growing batches
		 */
		free_high = pcp->free_factor && order &&
			order <= RMM_COSTLY_ORDER;
		high = nr_pcp_high(pcp, zone, batch, free_high);
		if (pcp->count >= high)
			free_pcppages_bulk(zone, nr_pcp_free(pcp, batch, high,
							     free_high),
					   pcp, pindex);
		return;
	}
	pcp->alloc_factor >>= 1;
	if (order && order <= RMM_COSTLY_ORDER) {
		free_high = (pcp->free_count >= batch &&
			     (pcp->flags & RMM_PCPF_PREV_FREE_HIGH_ORDER) &&
			     (!(pcp->flags & RMM_PCPF_FREE_HIGH_BATCH) ||
			      pcp->count >= batch));
		pcp->flags |= RMM_PCPF_PREV_FREE_HIGH_ORDER;
	} else if (pcp->flags & RMM_PCPF_PREV_FREE_HIGH_ORDER) {
		pcp->flags &= ~RMM_PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (batch << RMM_PCP_BATCH_SCALE_MAX))
		pcp->free_count += (1 << order);
	/*
	 * Common case, decided without nr_pcp_high(): below a high that is
	 * already within [high_min, high_max] and with neither ZONE_BELOW_HIGH
	 * nor ZONE_RECLAIM_ACTIVE, nr_pcp_high() changes nothing and returns
	 * a high above count, so there is nothing to flush.
	 */
	if (likely(!free_high && pcp->count < pcp->high &&
		   pcp->high <= READ_ONCE(pcp->high_max) &&
		   pcp->high >= READ_ONCE(pcp->high_min) &&
		   !READ_ONCE(zone->flag_below_high) &&
		   !READ_ONCE(zone->flag_reclaim_active)))
		return;
	high = nr_pcp_high(pcp, zone, batch, free_high);
	if (pcp->count >= high) {
		free_pcppages_bulk(zone, nr_pcp_free(pcp, batch, high,
						     free_high), pcp, pindex);
		if (READ_ONCE(zone->flag_below_high) &&
		    rmm_zone_watermark_ok(zone, 0, rmm_high_wmark_pages(zone),
					  zone->mm->nr_zones - 1, 0))
			WRITE_ONCE(zone->flag_below_high, 0);
	}
}

/* ------------------------------------------------------------------ */
/* Watermarks                                                         */
/* ------------------------------------------------------------------ */

static inline long __zone_watermark_unusable_free(struct rmm_zone *z,
						  unsigned int order,
						  unsigned int alloc_flags)
{
	long unusable_free = (1 << order) - 1;

	/*
	 * Without rights to the reserves, free pages in highatomic blocks
	 * are not usable: 6.12.117 counts them (nr_free_highatomic), 6.1
	 * takes the whole reserved size.
	 */
	if (likely(!(alloc_flags & RMM_ALLOC_RESERVES)))
		unusable_free += z->mm->layout.kver >= RMM_KVER(6, 12) ?
			READ_ONCE(z->nr_free_highatomic) :
			READ_ONCE(z->nr_reserved_highatomic);
	if (!(alloc_flags & RMM_ALLOC_CMA))
		unusable_free += rmm_zone_page_state(z, RMM_NR_FREE_CMA_PAGES);
	return unusable_free;
}

bool __rmm_zone_watermark_ok(struct rmm_zone *z, unsigned int order,
			     unsigned long mark, int highest_zoneidx,
			     unsigned int alloc_flags, long free_pages)
{
	long min = mark;
	unsigned int o;

	free_pages -= __zone_watermark_unusable_free(z, order, alloc_flags);

	if (unlikely(alloc_flags & RMM_ALLOC_RESERVES)) {
		if (alloc_flags & RMM_ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & RMM_ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & RMM_ALLOC_OOM)
			min -= min / 2;
	}

	if (free_pages <= min + READ_ONCE(z->lowmem_reserve[highest_zoneidx]))
		return false;
	if (!order)
		return true;

	for (o = order; o < RMM_NR_ORDERS; o++) {
		struct rmm_free_area *area = &z->free_area[o];
		int mt;

		if (!READ_ONCE(area->nr_free))
			continue;
		for (mt = 0; mt < RMM_MIGRATE_PCPTYPES; mt++)
			if (READ_ONCE(area->nr_free_mt[mt]))
				return true;
		if ((alloc_flags & RMM_ALLOC_CMA) &&
		    READ_ONCE(area->nr_free_mt[RMM_MIGRATE_CMA]))
			return true;
		if ((alloc_flags & (RMM_ALLOC_HIGHATOMIC | RMM_ALLOC_OOM)) &&
		    READ_ONCE(area->nr_free_mt[RMM_MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}
RMM_EXPORT(__rmm_zone_watermark_ok);

bool rmm_zone_watermark_ok(struct rmm_zone *z, unsigned int order,
			   unsigned long mark, int highest_zoneidx,
			   unsigned int alloc_flags)
{
	return __rmm_zone_watermark_ok(z, order, mark, highest_zoneidx,
				       alloc_flags,
				       rmm_zone_page_state(z, RMM_NR_FREE_PAGES));
}
RMM_EXPORT(rmm_zone_watermark_ok);

bool rmm_zone_watermark_ok_safe(struct rmm_zone *z, unsigned int order,
				unsigned long mark, int highest_zoneidx)
{
	/* our NR_FREE_PAGES has no per-CPU drift: same as the plain check */
	return rmm_zone_watermark_ok(z, order, mark, highest_zoneidx, 0);
}
RMM_EXPORT(rmm_zone_watermark_ok_safe);

static inline bool zone_watermark_fast(struct rmm_zone *z, unsigned int order,
				       unsigned long mark, int highest_zoneidx,
				       unsigned int alloc_flags)
{
	long free_pages = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);

	if (!order) {
		long usable_free = free_pages;
		long reserved = __zone_watermark_unusable_free(z, 0,
							       alloc_flags);

		usable_free -= min(usable_free, reserved);
		if (usable_free > (long)mark +
		    READ_ONCE(z->lowmem_reserve[highest_zoneidx]))
			return true;
	}
	if (__rmm_zone_watermark_ok(z, order, mark, highest_zoneidx,
				    alloc_flags, free_pages))
		return true;
	if (unlikely(!order && (alloc_flags & RMM_ALLOC_MIN_RESERVE) &&
		     READ_ONCE(z->watermark_boost) &&
		     ((alloc_flags & RMM_ALLOC_WMARK_MASK) == RMM_WMARK_MIN))) {
		mark = z->_watermark[RMM_WMARK_MIN];
		return __rmm_zone_watermark_ok(z, order, mark, highest_zoneidx,
					       alloc_flags, free_pages);
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Allocation                                                         */
/* ------------------------------------------------------------------ */

static unsigned int gfp_to_alloc_flags(rmm_gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = RMM_ALLOC_WMARK_MIN | RMM_ALLOC_CPUSET;

	/* __GFP_HIGH == ALLOC_MIN_RESERVE, __GFP_KSWAPD_RECLAIM == ALLOC_KSWAPD */
	alloc_flags |= gfp & (RMM___GFP_HIGH | RMM___GFP_KSWAPD_RECLAIM);
	if (!(gfp & RMM___GFP_DIRECT_RECLAIM)) {
		if (!(gfp & RMM___GFP_NOMEMALLOC)) {
			alloc_flags |= RMM_ALLOC_NON_BLOCK;
			if (order > 0 && (alloc_flags & RMM_ALLOC_MIN_RESERVE))
				alloc_flags |= RMM_ALLOC_HIGHATOMIC;
		}
		if (alloc_flags & RMM_ALLOC_MIN_RESERVE)
			alloc_flags &= ~RMM_ALLOC_CPUSET;
	}
	return alloc_flags;
}

/* zone_statistics(): NUMA hit/miss/foreign/local/other, this CPU */
static inline void zone_statistics(struct rmm_zone *preferred,
				   struct rmm_zone *z, int cpu, long nr)
{
	int local_stat = RMM_NUMA_LOCAL;

	if (z->nid != z->mm->layout.cpu_to_node[cpu])
		local_stat = RMM_NUMA_OTHER;
	if (z->nid == preferred->nid) {
		z->pcp[cpu].numa_events[RMM_NUMA_HIT] += nr;
	} else {
		z->pcp[cpu].numa_events[RMM_NUMA_MISS] += nr;
		preferred->pcp[cpu].numa_events[RMM_NUMA_FOREIGN] += nr;
	}
	z->pcp[cpu].numa_events[local_stat] += nr;
}

static struct rmm_page *rmqueue_pcplist(struct rmm_zone *preferred,
					struct rmm_zone *zone,
					unsigned int order, int mt,
					unsigned int alloc_flags)
{
	struct rmm_per_cpu_pages *pcp;
	struct rmm_plist *list;
	struct rmm_page *page;
	unsigned long flags;
	int cpu;

	rmm_local_irq_save(flags);
	cpu = rmm_smp_processor_id();
	pcp = &zone->pcp[cpu];
	pcp->free_count >>= 1;		/* 6.1: free_factor, the same field */
	list = &pcp->lists[order_to_pindex(mt, order)];
	if (unlikely(rmm_plist_empty(list))) {
		int batch = nr_pcp_alloc(pcp, zone, order);
		int alloced = rmqueue_bulk(zone, order, batch, list, mt,
					   alloc_flags);

		pcp->count += alloced << order;
		if (unlikely(rmm_plist_empty(list))) {
			rmm_local_irq_restore(flags);
			return NULL;
		}
	}
	page = rmm_plist_pop(zone->mm, list);
	pcp->count -= 1 << order;
	RmmClearPagePcp(page);
	pcp->events[RMM_PGALLOC + zone->idx] += 1UL << order;
	zone_statistics(preferred, zone, cpu, 1);
	rmm_local_irq_restore(flags);
	return page;
}

static struct rmm_page *rmqueue_buddy(struct rmm_zone *preferred,
				      struct rmm_zone *zone,
				      unsigned int order,
				      unsigned int alloc_flags, int mt)
{
	enum rmqueue_mode rmqm = RMQUEUE_NORMAL;
	struct rmm_page *page = NULL;
	unsigned long flags;
	int cpu;

	rmm_spin_lock_irqsave(&zone->lock, flags);
	if (alloc_flags & RMM_ALLOC_HIGHATOMIC)
		page = __rmqueue_smallest(zone, order, RMM_MIGRATE_HIGHATOMIC);
	if (!page) {
		page = __rmqueue(zone, order, mt, alloc_flags, &rmqm);
		if (!page && (alloc_flags & (RMM_ALLOC_OOM |
					     RMM_ALLOC_NON_BLOCK)))
			page = __rmqueue_smallest(zone, order,
						  RMM_MIGRATE_HIGHATOMIC);
	}
	rmm_spin_unlock(&zone->lock);
	if (page) {
		cpu = rmm_smp_processor_id();
		zone->pcp[cpu].events[RMM_PGALLOC + zone->idx] += 1UL << order;
		zone_statistics(preferred, zone, cpu, 1);
	}
	rmm_local_irq_restore(flags);
	return page;
}

/*
 * wake_all_kswapds(): the kswapd of each node the allocation may use
 * (vmscan.c's rmm_wakeup_kswapd(), once per node)
 */
static void wake_all_kswapds(struct rmm_mm *mm, unsigned int order,
			     const struct rmm_alloc_context *ac)
{
	const struct rmm_node *last_pgdat = NULL;
	const struct rmm_zoneref *zr;

	for (zr = ac->zonelist->_zonerefs; zr->zone; zr++) {
		if (zr->zone_idx > ac->highest_zoneidx ||
		    !rmm_managed_zone(zr->zone))
			continue;
		if (last_pgdat != zr->zone->zone_pgdat) {
			rmm_wakeup_kswapd(mm, zr->zone, order,
					  ac->highest_zoneidx);
			last_pgdat = zr->zone->zone_pgdat;
		}
	}
}

static inline struct rmm_page *rmqueue(struct rmm_zone *preferred,
				       struct rmm_zone *zone,
				       unsigned int order,
				       unsigned int alloc_flags, int mt)
{
	struct rmm_page *page;

	if (likely(pcp_allowed_order(order))) {
		page = rmqueue_pcplist(preferred, zone, order, mt, alloc_flags);
		if (likely(page))
			goto out;
	}
	page = rmqueue_buddy(preferred, zone, order, alloc_flags, mt);
out:
	if ((alloc_flags & RMM_ALLOC_KSWAPD) &&
	    unlikely(READ_ONCE(zone->flag_boosted_watermark))) {
		WRITE_ONCE(zone->flag_boosted_watermark, 0);
		rmm_wakeup_kswapd(zone->mm, zone, 0, zone->idx);
	}
	return page;
}

static void prep_new_page(struct rmm_mm *mm, struct rmm_page *page,
			  unsigned int order, rmm_gfp_t gfp)
{
	page->private = 0;
	if (gfp & RMM___GFP_ZERO)
		memset(rmm_mm_page_address(mm, page), 0,
		       RMM_PAGE_SIZE << order);
	if (order && (gfp & RMM___GFP_COMP)) {
		unsigned long i;

		RmmSetPageHead(page);
		for (i = 1; i < (1UL << order); i++) {
			page[i].private = i;
			RmmSetPageTail(&page[i]);
		}
		page[1].next = order;
	}
}

static struct rmm_page *get_page_from_freelist(struct rmm_mm *mm,
					       unsigned int order,
					       unsigned int alloc_flags,
					       const struct rmm_alloc_context *ac)
{
	const struct rmm_zoneref *zr;
	struct rmm_zone *preferred;
	bool no_fallback;

retry:
	no_fallback = alloc_flags & RMM_ALLOC_NOFRAGMENT;
	preferred = NULL;
	for (zr = ac->zonelist->_zonerefs; zr->zone; zr++) {
		struct rmm_zone *zone = zr->zone;
		struct rmm_page *page;
		unsigned long mark;

		if (zr->zone_idx > ac->highest_zoneidx)
			continue;
		if (!preferred)
			preferred = zone;
		if (no_fallback && mm->nr_nodes > 1 && zone != preferred &&
		    zone->nid != preferred->nid) {
			alloc_flags &= ~RMM_ALLOC_NOFRAGMENT;
			goto retry;
		}
		if (!(alloc_flags & RMM_ALLOC_NO_WATERMARKS)) {
			if (READ_ONCE(zone->flag_below_high))
				goto check_alloc_wmark;
			mark = rmm_high_wmark_pages(zone);
			if (zone_watermark_fast(zone, order, mark,
						ac->highest_zoneidx,
						alloc_flags))
				goto try_this_zone;
			WRITE_ONCE(zone->flag_below_high, 1);
check_alloc_wmark:
			mark = rmm_wmark_pages(zone, alloc_flags &
					       RMM_ALLOC_WMARK_MASK);
			if (!zone_watermark_fast(zone, order, mark,
						 ac->highest_zoneidx,
						 alloc_flags))
				continue;	/* PHASE 2: node_reclaim() */
		}
try_this_zone:
		/* tests: what another CPU may do before the zone lock */
		rmm_inject(RMM_INJECT_BEFORE_RMQUEUE, zone);
		page = rmqueue(preferred, zone, order, alloc_flags,
			       ac->migratetype);
		if (page) {
			if (unlikely(alloc_flags & RMM_ALLOC_HIGHATOMIC))
				reserve_highatomic_pageblock(mm, page, order,
							     zone);
			return page;
		}
	}
	if (no_fallback) {
		alloc_flags &= ~RMM_ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

/* alloc_flags_nofragment(): keep Normal from polluting pageblocks early */
/* alloc_flags_nofragment() for @zone, the first zone the allocation may use */
static inline unsigned int zone_alloc_flags_nofragment(const struct rmm_mm *mm,
						       const struct rmm_zone *zone,
						       rmm_gfp_t gfp)
{
	unsigned int alloc_flags = gfp & RMM___GFP_KSWAPD_RECLAIM;

	if (!zone || zone->idx != mm->layout.zone_normal ||
	    mm->layout.zone_dma32 < 0)
		return alloc_flags;
	if (mm->nr_nodes > 1 &&
	    !rmm_populated_zone(&zone->zone_pgdat->node_zones[mm->layout.zone_dma32]))
		return alloc_flags;
	return alloc_flags | RMM_ALLOC_NOFRAGMENT;
}

static inline unsigned int alloc_flags_nofragment(struct rmm_mm *mm,
						  const struct rmm_alloc_context *ac,
						  rmm_gfp_t gfp)
{
	const struct rmm_zoneref *zr = ac->zonelist->_zonerefs;

	while (zr->zone && zr->zone_idx > ac->highest_zoneidx)
		zr++;
	return zone_alloc_flags_nofragment(mm, zr->zone, gfp);
}

/* rmm_ prefix: <linux/mm.h> declares warn_alloc() */
static void rmm_warn_alloc(struct rmm_mm *mm, rmm_gfp_t gfp, unsigned int order,
		       int nid)
{
	if (gfp & RMM___GFP_NOWARN)
		return;
	rmm_pr_warn_ratelimited("page allocation failure: order:%u, mode:%#x, nid:%d, free:%lu\n",
				order, gfp, nid, rmm_mm_total_free(mm));
}

/*
 * should_reclaim_retry(): retry after direct reclaim while fewer than
 * MAX_RECLAIM_RETRIES rounds in a row made no progress (costly orders
 * always count as no progress) and some zone would pass its min
 * watermark if every reclaimable page of it were freed.  Before giving
 * up, highatomic reserves are given back (a retry if any was).
 */
bool rmm_should_reclaim_retry(struct rmm_mm *mm, struct rmm_alloc_context *ac,
			      unsigned int order, unsigned int alloc_flags,
			      bool did_progress, int *no_progress_loops)
{
	const struct rmm_zoneref *zr;
	bool ret = false;

	if (did_progress && order <= RMM_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > RMM_MAX_RECLAIM_RETRIES)
		goto out;

	for (zr = ac->zonelist->_zonerefs; zr->zone; zr++) {
		struct rmm_zone *zone = zr->zone;
		unsigned long available;

		if (zr->zone_idx > ac->highest_zoneidx)
			continue;
		available = rmm_zone_reclaimable_pages(zone);
		available += rmm_zone_page_state(zone, RMM_NR_FREE_PAGES);
		if (__rmm_zone_watermark_ok(zone, order,
					    rmm_min_wmark_pages(zone),
					    ac->highest_zoneidx, alloc_flags,
					    available)) {
			ret = true;
			break;
		}
	}
	rmm_cond_resched();
out:
	if (!ret)
		return unreserve_highatomic_pageblock(mm, ac, true);
	return ret;
}
RMM_EXPORT(rmm_should_reclaim_retry);

/*
 * __alloc_pages_direct_reclaim(): reclaim (rmm_try_to_free_pages()), then
 * try again, once more after giving back highatomic reserves and
 * draining the per-CPU lists.  Unlike the kernel, the drain happens also
 * when reclaim made no progress: an instance often has nothing
 * reclaimable, and pages on other CPUs' lists are then all that is left
 * (phase 1's behaviour, kept).
 */
static struct rmm_page *
__alloc_pages_direct_reclaim(struct rmm_mm *mm, rmm_gfp_t gfp,
			     unsigned int order, unsigned int alloc_flags,
			     struct rmm_alloc_context *ac,
			     unsigned long *did_some_progress)
{
	struct rmm_page *page;

	rmm_cond_resched();
	*did_some_progress = rmm_try_to_free_pages(mm, ac, order, gfp);
	rmm_cond_resched();
	if (*did_some_progress) {
		page = get_page_from_freelist(mm, order, alloc_flags, ac);
		if (page)
			return page;
	}
	unreserve_highatomic_pageblock(mm, ac, false);
	rmm_drain_all_pages(mm);
	return get_page_from_freelist(mm, order, alloc_flags, ac);
}

/*
 * __alloc_pages_may_oom(): one more try at the high watermark (a
 * parallel OOM kill may have freed memory), then the host's OOM killer
 * (mm->ops->out_of_memory), except for costly orders, __GFP_RETRY_MAYFAIL
 * and __GFP_THISNODE requests and allocations below ZONE_NORMAL, as the
 * kernel.  A kill counts as progress: the caller retries after a jiffy
 * (out_of_memory()'s schedule_timeout_killable(1)); __GFP_NOFAIL then
 * gets one try without watermarks.  Nothing killed (no OOM killer, no
 * victim): no progress; the kernel would panic there ("no killable
 * processes") or, with the OOM killer disabled, warn and let NOFAIL
 * ignore watermarks, regionmm lets NOFAIL keep waiting at the min
 * reserve instead.  The kernel's oom_lock is the host's (the op
 * serialises itself).
 */
static struct rmm_page *
__alloc_pages_may_oom(struct rmm_mm *mm, rmm_gfp_t gfp, unsigned int order,
		      struct rmm_alloc_context *ac,
		      unsigned long *did_some_progress)
{
	struct rmm_page *page;

	*did_some_progress = 0;
	page = get_page_from_freelist(mm, order, RMM_ALLOC_WMARK_HIGH |
				      RMM_ALLOC_CPUSET, ac);
	if (page)
		return page;
	if (order > RMM_COSTLY_ORDER)
		return NULL;
	if (gfp & (RMM___GFP_RETRY_MAYFAIL | RMM___GFP_THISNODE))
		return NULL;
	if (ac->highest_zoneidx < mm->layout.zone_normal)
		return NULL;
	if (!rmm_mm_out_of_memory(mm, order, gfp))
		return NULL;
	*did_some_progress = 1;
	rmm_schedule_timeout_uninterruptible(1);
	if (gfp & RMM___GFP_NOFAIL)
		page = get_page_from_freelist(mm, order,
					      RMM_ALLOC_NO_WATERMARKS, ac);
	return page;
}

/*
 * __rmm_alloc_pages_slowpath - everything after the first attempt failed,
 * as the kernel's __alloc_pages_slowpath() without compaction: wake
 * kswapd, retry at the min watermark with the reserves the gfp allows;
 * a caller that may sleep then reclaims directly, retries while
 * should_reclaim_retry() says so and finally asks the OOM killer
 * (__alloc_pages_may_oom()); a kill means retry from the start.
 * __GFP_NORETRY gives up after one direct reclaim, costly orders without
 * __GFP_RETRY_MAYFAIL too.  __GFP_NOFAIL follows the kernel: a caller
 * that may sleep retries at the min reserve until memory is freed
 * (sleeping a jiffy between rounds where the kernel calls
 * cond_resched()); one that may not gets a warning and NULL.  Sleeps
 * only with __GFP_DIRECT_RECLAIM.
 */
noinline struct rmm_page *
__rmm_alloc_pages_slowpath(struct rmm_mm *mm, rmm_gfp_t gfp,
			   unsigned int order, struct rmm_alloc_context *ac)
{
	bool can_direct_reclaim = gfp & RMM___GFP_DIRECT_RECLAIM;
	/* gfp_compaction_allowed(): regionmm has no compaction yet */
	bool can_compact = gfp & RMM___GFP_IO;
	bool nofail = gfp & RMM___GFP_NOFAIL;
	bool costly_order = order > RMM_COSTLY_ORDER;
	unsigned long did_some_progress;
	int no_progress_loops = 0;
	unsigned int alloc_flags;
	struct rmm_page *page;

	if (unlikely(nofail)) {
		/* the kernel's own warnings for unreasonable NOFAIL requests */
		RMM_WARN_ON_ONCE(order > 1);
		RMM_WARN_ON_ONCE(!can_direct_reclaim);
	}
	if (can_direct_reclaim)
		rmm_might_sleep();

	alloc_flags = gfp_to_alloc_flags(gfp, order);
retry:
	if (alloc_flags & RMM_ALLOC_KSWAPD)
		wake_all_kswapds(mm, order, ac);

	page = get_page_from_freelist(mm, order, alloc_flags, ac);
	if (page)
		return page;

	/* __gfp_pfmemalloc_flags(): __GFP_MEMALLOC ignores watermarks */
	if ((gfp & RMM___GFP_MEMALLOC) && !(gfp & RMM___GFP_NOMEMALLOC)) {
		page = get_page_from_freelist(mm, order,
					      RMM_ALLOC_NO_WATERMARKS |
					      (alloc_flags & RMM_ALLOC_KSWAPD),
					      ac);
		if (page)
			return page;
	}

	if (!can_direct_reclaim) {
		/*
		 * the kernel fails non-blocking requests here; giving back
		 * this CPU's pcp pages first is cheap and safe
		 */
		rmm_drain_local_pages(mm);
		page = get_page_from_freelist(mm, order, alloc_flags, ac);
		if (page)
			return page;
		goto nopage;
	}

	page = __alloc_pages_direct_reclaim(mm, gfp, order, alloc_flags, ac,
					    &did_some_progress);
	if (page)
		return page;

	if (gfp & RMM___GFP_NORETRY)
		goto nopage;
	if (costly_order && (!can_compact ||
			     !(gfp & RMM___GFP_RETRY_MAYFAIL)))
		goto nopage;
	if (rmm_should_reclaim_retry(mm, ac, order, alloc_flags,
				     did_some_progress > 0,
				     &no_progress_loops))
		goto retry;

	page = __alloc_pages_may_oom(mm, gfp, order, ac, &did_some_progress);
	if (page)
		return page;
	if (did_some_progress) {
		no_progress_loops = 0;
		goto retry;
	}

nopage:
	/*
	 * __GFP_NOFAIL: some access to the reserves of high-priority
	 * non-blocking allocations (ALLOC_MIN_RESERVE, never
	 * ALLOC_NO_WATERMARKS), then wait and retry.  Without direct
	 * reclaim nothing can be waited for: fail, as the kernel does.
	 */
	if (unlikely(nofail) && can_direct_reclaim) {
		page = get_page_from_freelist(mm, order,
					      RMM_ALLOC_MIN_RESERVE |
					      RMM_ALLOC_CPUSET, ac);
		if (page)
			return page;
		rmm_schedule_timeout_uninterruptible(1);
		goto retry;
	}

	rmm_warn_alloc(mm, gfp, order, ac->preferred_nid);
	rmm_count_vm_events(mm, RMM_PGALLOC_FAIL, 1);
	return NULL;
}
RMM_EXPORT(__rmm_alloc_pages_slowpath);

/*
 * __alloc_pages_first_slowpath - an allocation the inline fast path below
 * does not serve: the kernel's __alloc_pages() in full (alloc context, first
 * get_page_from_freelist() attempt at the low watermark, then
 * __rmm_alloc_pages_slowpath()).
 */
static noinline struct rmm_page *
__alloc_pages_first_slowpath(struct rmm_mm *mm, int nid, unsigned int order,
			     rmm_gfp_t gfp, int zone_limit)
{
	struct rmm_alloc_context ac;
	unsigned int alloc_flags = RMM_ALLOC_WMARK_LOW;
	struct rmm_page *page;

	if (unlikely(order > RMM_MAX_ORDER)) {
		RMM_WARN_ON_ONCE(!(gfp & RMM___GFP_NOWARN));
		return NULL;
	}
	if (nid == RMM_NUMA_NO_NODE)
		nid = rmm_numa_node_id(mm);
	if (unlikely(nid < 0 || nid >= mm->nr_nodes))
		return NULL;

	ac.highest_zoneidx = zone_limit >= 0 ? zone_limit :
		rmm_gfp_zone(mm, gfp);
	if (unlikely(ac.highest_zoneidx < 0 ||
		     ac.highest_zoneidx >= mm->nr_zones))
		return NULL;
	ac.preferred_nid = nid;
	ac.zonelist = &mm->nodes[nid].node_zonelists[
		(gfp & RMM___GFP_THISNODE) ? RMM_ZONELIST_NOFALLBACK :
					     RMM_ZONELIST_FALLBACK];
	ac.migratetype = rmm_gfp_migratetype(gfp);
	if (unlikely(ac.migratetype >= RMM_MIGRATE_PCPTYPES))
		ac.migratetype = RMM_MIGRATE_UNMOVABLE;	/* both bits: bug */
	ac.spread_dirty_pages = false;

	alloc_flags |= alloc_flags_nofragment(mm, &ac, gfp);
	page = get_page_from_freelist(mm, order, alloc_flags, &ac);
	if (unlikely(!page))
		page = __rmm_alloc_pages_slowpath(mm, gfp, order, &ac);
	if (likely(page) && unlikely(order || (gfp & RMM___GFP_ZERO)))
		prep_new_page(mm, page, order, gfp);
	return page;
}

/*
 * rmqueue_pcplist()'s refill of an empty list for alloc_pcp_fast(), with
 * the first attempt's alloc_flags; irqs off.  False if the buddy had
 * nothing either: the general path then runs and repeats the attempt
 * (nr_pcp_alloc()'s and free_count's adjustments happen twice, only when
 * the zone is out of this migratetype and its fallbacks).
 */
static noinline bool pcp_refill_slowpath(struct rmm_mm *mm,
					 struct rmm_zone *zone,
					 struct rmm_per_cpu_pages *pcp,
					 struct rmm_plist *list,
					 unsigned int order, int mt,
					 rmm_gfp_t gfp)
{
	unsigned int alloc_flags = RMM_ALLOC_WMARK_LOW |
		zone_alloc_flags_nofragment(mm, zone, gfp);
	int batch = nr_pcp_alloc(pcp, zone, order);

	pcp->count += rmqueue_bulk(zone, order, batch, list, mt,
				   alloc_flags) << order;
	return !rmm_plist_empty(list);
}

/*
 * alloc_pcp_fast - the common allocation in one irq-off section: an order
 * with pcp lists (0..3, pageblock order), no zone limit, and the preferred
 * zone (first zone of @nid's zonelist within gfp_zone()) passes its
 * watermark and has a block on this CPU's pcp list of the migratetype.  It
 * does exactly what get_page_from_freelist() + rmqueue_pcplist() do on that
 * path, in the same order: the watermark of the zone is checked before its
 * pcp list is touched (the high watermark, or the allocation's low one once
 * ZONE_BELOW_HIGH is set), as zone_watermark_fast() does: for order 0 free
 * pages minus unusable ones (__zone_watermark_unusable_free()) above mark +
 * lowmem_reserve[highest_zoneidx], above order 0 __rmm_zone_watermark_ok()
 * (the first attempt's alloc_flags hold no reserve, CMA or highatomic bit,
 * the only ones it reads).  An empty list is refilled from the buddy as
 * rmqueue_pcplist() does.  Anything else - a failed check (which also sets
 * ZONE_BELOW_HIGH), a zone fallback, an empty buddy - returns NULL and the
 * caller runs the general path, which then decides from scratch.
 */
static __always_inline struct rmm_page *
alloc_pcp_fast(struct rmm_mm *mm, int nid, unsigned int order, rmm_gfp_t gfp)
{
	const struct rmm_zoneref *zr;
	struct rmm_per_cpu_pages *pcp;
	struct rmm_zone *zone;
	struct rmm_plist *list;
	struct rmm_page *page = NULL;
	unsigned long flags, mark;
	long free;
	int hz, mt, cpu;

	hz = rmm_gfp_zone(mm, gfp);
	mt = rmm_gfp_migratetype(gfp);
	if (unlikely(hz < 0 || hz >= mm->nr_zones ||
		     mt >= RMM_MIGRATE_PCPTYPES))
		return NULL;

	rmm_local_irq_save(flags);
	cpu = rmm_smp_processor_id();
	if (nid == RMM_NUMA_NO_NODE)
		nid = rmm_cpu_to_node(mm, cpu);
	else if (unlikely(nid < 0 || nid >= mm->nr_nodes))
		goto out;
	zr = mm->nodes[nid].node_zonelists[(gfp & RMM___GFP_THISNODE) ?
					   RMM_ZONELIST_NOFALLBACK :
					   RMM_ZONELIST_FALLBACK]._zonerefs;
	while (zr->zone && zr->zone_idx > hz)
		zr++;
	zone = zr->zone;
	if (unlikely(!zone))
		goto out;

	/* zone_watermark_fast(zone, order, mark, hz, ALLOC_WMARK_LOW) */
	mark = READ_ONCE(zone->flag_below_high) ?
		rmm_low_wmark_pages(zone) : rmm_high_wmark_pages(zone);
	free = rmm_zone_page_state(zone, RMM_NR_FREE_PAGES);
	if (likely(!order)) {
		long unusable = __zone_watermark_unusable_free(zone, 0,
							RMM_ALLOC_WMARK_LOW);

		free -= min(free, unusable);
		if (unlikely(free <= (long)mark +
			     READ_ONCE(zone->lowmem_reserve[hz])))
			goto out;
	} else if (!__rmm_zone_watermark_ok(zone, order, mark, hz,
					    RMM_ALLOC_WMARK_LOW, free)) {
		goto out;
	}

	pcp = &zone->pcp[cpu];
	list = &pcp->lists[order_to_pindex(mt, order)];
	pcp->free_count >>= 1;		/* 6.1: free_factor, the same field */
	if (unlikely(rmm_plist_empty(list)) &&
	    !pcp_refill_slowpath(mm, zone, pcp, list, order, mt, gfp))
		goto out;
	page = rmm_plist_pop(mm, list);
	pcp->count -= 1 << order;
	RmmClearPagePcp(page);
	pcp->events[RMM_PGALLOC + zone->idx] += 1UL << order;
	zone_statistics(zone, zone, cpu, 1);
out:
	rmm_local_irq_restore(flags);
	if (likely(page)) {
		/* rmqueue(): kick kswapd if a steal boosted the watermark */
		if ((gfp & RMM___GFP_KSWAPD_RECLAIM) &&
		    unlikely(READ_ONCE(zone->flag_boosted_watermark))) {
			WRITE_ONCE(zone->flag_boosted_watermark, 0);
			rmm_wakeup_kswapd(mm, zone, 0, zone->idx);
		}
		if (unlikely(order || (gfp & RMM___GFP_ZERO)))
			prep_new_page(mm, page, order, gfp);
	}
	return page;
}

/*
 * The fast path of both entry points; zone_limit < 0 (no limit) is a
 * constant in rmm_mm_alloc_pages(), so its copy has no limit test.  Order
 * 0 gets its own inlined copy, with the order folded in.
 */
static __always_inline struct rmm_page *
alloc_pages_fast(struct rmm_mm *mm, int nid, unsigned int order,
		 rmm_gfp_t gfp, int zone_limit)
{
	struct rmm_page *page = NULL;

	if (likely(zone_limit < 0)) {
		if (likely(!order))
			page = alloc_pcp_fast(mm, nid, 0, gfp);
		else if (pcp_allowed_order(order))
			page = alloc_pcp_fast(mm, nid, order, gfp);
	}
	if (likely(page))
		return page;
	return __alloc_pages_first_slowpath(mm, nid, order, gfp, zone_limit);
}

struct rmm_page *rmm_mm_alloc_pages_limit(struct rmm_mm *mm, int nid,
					  unsigned int order, rmm_gfp_t gfp,
					  int zone_limit)
{
	return alloc_pages_fast(mm, nid, order, gfp, zone_limit);
}
RMM_EXPORT(rmm_mm_alloc_pages_limit);

struct rmm_page *rmm_mm_alloc_pages(struct rmm_mm *mm, int nid,
				    unsigned int order, rmm_gfp_t gfp)
{
	return alloc_pages_fast(mm, nid, order, gfp, -1);
}
RMM_EXPORT(rmm_mm_alloc_pages);

/* ------------------------------------------------------------------ */
/* Freeing                                                            */
/* ------------------------------------------------------------------ */

static void bad_page(struct rmm_mm *mm, struct rmm_page *page,
		     const char *reason)
{
	rmm_pr_err("Bad page state: pfn:%#lx flags:%#x private:%#x: %s\n",
		   rmm_mm_page_to_pfn(mm, page), page->flags & RMM_PG_FLAGS_MASK,
		   page->private, reason);
	RMM_WARN_ON_ONCE(1);
}

/* free_pages_prepare(): false if the page must not be freed (leaked) */
static bool free_pages_prepare(struct rmm_mm *mm, struct rmm_page *page,
			       unsigned int order)
{
	if (unlikely(page->flags & RMM_PG_CHECK_AT_FREE)) {
		bad_page(mm, page, RmmPageBuddy(page) || RmmPagePcp(page) ?
			 "double free" : "page cannot be freed");
		return false;
	}
	if (unlikely(RmmPageHead(page))) {
		unsigned long i;

		if (rmm_compound_order(page) != order) {
			bad_page(mm, page, "freed with the wrong order");
			return false;
		}
		for (i = 1; i < (1UL << order); i++) {
			if (!RmmPageTail(&page[i]) || page[i].private != i) {
				bad_page(mm, &page[i], "corrupt compound tail");
				return false;
			}
			page[i].flags &= ~RMM_PG_FLAGS_MASK;
			page[i].private = 0;
		}
		page[1].next = RMM_NIL;
	}
	page->flags &= ~RMM_PG_FLAGS_MASK;
	page->private = 0;
	return true;
}

static void free_one_page(struct rmm_zone *zone, struct rmm_page *page,
			  u32 idx, unsigned int order)
{
	unsigned long flags;

	rmm_spin_lock_irqsave(&zone->lock, flags);
	__rmm_free_one_page(zone, page, idx, order,
			    rmm_pb_of_idx(zone->mm, idx)->mt);
	zone->pcp[rmm_smp_processor_id()].events[RMM_PGFREE] += 1UL << order;
	rmm_spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * Free to this CPU's pcp list or, for a partly free pageblock, its sparse
 * list (@ms, @off: the page's section and offset in it).  @mt is the
 * pageblock's migratetype, already mapped to a pcp type.  The page's flags
 * are cleared.
 */
static __always_inline void free_to_pcp(struct rmm_mm *mm,
					struct rmm_page *page,
					const struct rmm_mem_section *ms,
					u32 off, unsigned int order, int mt)
{
	struct rmm_pageblock *pb = &ms->pb[off >> RMM_PAGEBLOCK_ORDER];
	u32 idx = (rmm_page_section(page) << RMM_SECTION_ORDER) | off;
	struct rmm_zone *zone = ms->zone;
	struct rmm_per_cpu_pages *pcp;
	unsigned long flags;

	rmm_local_irq_save(flags);
	pcp = &zone->pcp[rmm_smp_processor_id()];
	/*
	 * Anti-fragmentation: a page of a partly free pageblock goes back to
	 * the buddy (via the sparse list) so the block can become whole
	 * again, instead of being recycled from the per-CPU list into the
	 * same hole.  Pages of full pageblocks (where pcp refills come from)
	 * keep the fast path.  nr_free is read without the zone lock: a hint.
	 */
	if (unlikely(READ_ONCE(pb->nr_free) >=
		     mm->layout.pcp_sparse_threshold))
		free_sparse_commit(zone, pcp, page, idx, order, pb);
	else
		free_unref_page_commit(zone, pcp, page, idx, mt, order);
	rmm_local_irq_restore(flags);
}

/* everything but a plain order-0 free of a pcp-type pageblock's page */
static noinline void __free_pages_slowpath(struct rmm_mm *mm,
					   struct rmm_page *page,
					   unsigned int order)
{
	const struct rmm_mem_section *ms;
	u32 idx, off, sec;
	int mt;

	if (unlikely(!page))
		return;
	if (unlikely(order > RMM_MAX_ORDER)) {
		bad_page(mm, page, "order too large");
		return;
	}
	if (unlikely(!free_pages_prepare(mm, page, order)))
		return;
	/* one section lookup gives zone, index and pageblock */
	sec = rmm_page_section(page);
	ms = &mm->sections[sec];
	off = page - ms->memmap;
	idx = (sec << RMM_SECTION_ORDER) | off;
	if (unlikely(off & ((1U << order) - 1))) {
		bad_page(mm, page, "misaligned for its order");
		return;
	}
	mt = ms->pb[off >> RMM_PAGEBLOCK_ORDER].mt;
	if (unlikely(!pcp_allowed_order(order) ||
		     mt == RMM_MIGRATE_ISOLATE)) {
		free_one_page(ms->zone, page, idx, order);
		return;
	}
	/* highatomic and CMA pages go on the movable list (6.12) */
	if (mt >= RMM_MIGRATE_PCPTYPES)
		mt = RMM_MIGRATE_MOVABLE;
	free_to_pcp(mm, page, ms, off, order, mt);
}

/*
 * The common free: a pcp order, no compound page, a pcp-type pageblock.
 * free_pages_prepare()'s checks are then one test of the flags (only the
 * first page's are checked for a non-compound block) plus the alignment;
 * anything unusual takes the slow path, which repeats them and reports.
 */
static __always_inline bool free_pcp_fast(struct rmm_mm *mm,
					  struct rmm_page *page,
					  unsigned int order)
{
	const struct rmm_mem_section *ms;
	u32 off;
	int mt;

	if (unlikely(!page ||
		     (page->flags & (RMM_PG_CHECK_AT_FREE | BIT(PG_rmm_head)))))
		return false;
	ms = &mm->sections[rmm_page_section(page)];
	off = page - ms->memmap;
	mt = ms->pb[off >> RMM_PAGEBLOCK_ORDER].mt;
	if (unlikely(mt >= RMM_MIGRATE_PCPTYPES ||
		     (off & ((1U << order) - 1))))
		return false;
	page->flags &= ~RMM_PG_FLAGS_MASK;
	page->private = 0;
	free_to_pcp(mm, page, ms, off, order, mt);
	return true;
}

/* the fast path of every free entry point; order 0 gets its own copy */
static __always_inline void free_pages_fast(struct rmm_mm *mm,
					    struct rmm_page *page,
					    unsigned int order)
{
	if (likely(!order)) {
		if (likely(free_pcp_fast(mm, page, 0)))
			return;
	} else if (pcp_allowed_order(order)) {
		if (likely(free_pcp_fast(mm, page, order)))
			return;
	}
	__free_pages_slowpath(mm, page, order);
}

void rmm_mm_free_pages(struct rmm_mm *mm, struct rmm_page *page,
		       unsigned int order)
{
	free_pages_fast(mm, page, order);
}
RMM_EXPORT(rmm_mm_free_pages);

/* ------------------------------------------------------------------ */
/* Compaction's side of the buddy (compaction.c's free scanner)       */
/* ------------------------------------------------------------------ */

/*
 * __isolate_free_page() of 6.12.117: take the free block @page of @order
 * off its free list for compaction's free scanner, obeying the min
 * watermark as an allocation would (an order-0 check raised by the
 * block's size, because the high-order block is known to exist; not for
 * a MIGRATE_ISOLATE block).  A block of at least half a pageblock turns
 * its mergeable pageblocks Movable, moving their other free pages with
 * them (6.12's move_freepages_block(); 6.1 only set the type and left
 * the free pages on the old type's lists, which regionmm's lists, always
 * of their pageblock's type, cannot express).  The pages leave
 * NR_FREE_PAGES as an allocation's do; they are left with no flags and
 * private 0, owned by the caller, who gives them back with
 * rmm_post_alloc_page() + rmm_mm_free_pages().  Returns 1 << @order, or
 * 0 below the watermark.  Caller holds zone->lock.
 */
unsigned long rmm___isolate_free_page(struct rmm_zone *zone,
				      struct rmm_page *page,
				      unsigned int order)
{
	const struct rmm_mm *mm = zone->mm;
	struct rmm_pageblock *pb;
	u32 idx;
	int mt;

	rmm_assert_held(&zone->lock);
	pb = rmm_page_pb(mm, page, &idx);
	mt = pb->mt;
	if (mt != RMM_MIGRATE_ISOLATE) {
		unsigned long watermark;

		watermark = zone->_watermark[RMM_WMARK_MIN] + (1UL << order);
		if (!rmm_zone_watermark_ok(zone, 0, watermark, 0, RMM_ALLOC_CMA))
			return 0;
	}

	del_from_free_list(zone, page, idx, order, mt);

	/* Set the pageblock if the isolated page is at least half of one */
	if (order >= RMM_PAGEBLOCK_ORDER - 1) {
		u32 pbn = idx >> RMM_PAGEBLOCK_ORDER;
		u32 last = (idx + (1U << order) - 1) >> RMM_PAGEBLOCK_ORDER;

		for (; pbn <= last; pbn++) {
			/* Only change normal pageblocks (they can merge) */
			if (rmm_mt_mergeable(rmm_pb_nr(mm, pbn)->mt))
				rmm_pb_set_mt_locked(zone, pbn,
						     RMM_MIGRATE_MOVABLE);
		}
	}
	return 1UL << order;
}

/*
 * post_alloc_hook() + set_page_refcounted() (+ prep_compound_page() with
 * __GFP_COMP in @gfp) for a block taken by rmm___isolate_free_page():
 * afterwards it is an allocated block of @order like any other
 */
void rmm_post_alloc_page(struct rmm_mm *mm, struct rmm_page *page,
			 unsigned int order, rmm_gfp_t gfp)
{
	prep_new_page(mm, page, order, gfp);
}

/*
 * free_pages_prepare() for compaction_free(): an allocated block of
 * @order that is not given back to the allocator but kept by its taker
 * as free; false (reported, the block leaked) for a page that cannot be
 * freed
 */
bool rmm_free_pages_prepare(struct rmm_mm *mm, struct rmm_page *page,
			    unsigned int order)
{
	return free_pages_prepare(mm, page, order);
}

/* ------------------------------------------------------------------ */
/* Page entry points of the public API (the rest is in api.c)         */
/* ------------------------------------------------------------------ */

/*
 * Defined here, not in api.c, so that each expands the inline fast path
 * itself: a caller of rmm_alloc_page() is one call away from the pcp
 * list, as a caller of the kernel's alloc_pages() is from
 * rmqueue_pcplist(), instead of three (rmm_alloc_page -> rmm_alloc_pages
 * -> rmm_mm_alloc_pages), each call and return a branch through the
 * return thunk.  rmm_mm_global: see api.c.
 */
struct rmm_page *rmm_alloc_pages(int nid, unsigned int order, rmm_gfp_t gfp)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	if (unlikely(!mm))
		return NULL;
	return alloc_pages_fast(mm, nid, order, gfp, -1);
}
RMM_EXPORT(rmm_alloc_pages);

struct rmm_page *rmm_alloc_page(rmm_gfp_t gfp)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	if (unlikely(!mm))
		return NULL;
	return alloc_pages_fast(mm, RMM_NUMA_NO_NODE, 0, gfp, -1);
}
RMM_EXPORT(rmm_alloc_page);

void rmm_free_pages(struct rmm_page *page, unsigned int order)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	if (likely(mm && page))
		free_pages_fast(mm, page, order);
}
RMM_EXPORT(rmm_free_pages);

void rmm_free_page(struct rmm_page *page)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	if (likely(mm && page))
		free_pages_fast(mm, page, 0);
}
RMM_EXPORT(rmm_free_page);

