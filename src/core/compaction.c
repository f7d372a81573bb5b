// SPDX-License-Identifier: GPL-2.0
/*
 * compaction.c - compaction's per-zone state and arithmetic, after
 * mm/compaction.c and mm/vmstat.c of Debian 6.12.117, same names with an
 * rmm_ prefix (interface and locking: compaction.h):
 *
 *   deferral            defer_compaction(), compaction_deferred(),
 *                       compaction_defer_reset(), compaction_restarting():
 *                       COMPACT_MAX_DEFER_SHIFT 6, identical in 6.1
 *   skip hints          get/set/clear_pageblock_skip() on
 *                       rmm_pageblock.skip; reset_cached_positions(),
 *                       __reset_isolation_pfn(), __reset_isolation_suitable()
 *   fragmentation       fill_contig_page_info(), __fragmentation_index(),
 *                       fragmentation_index(), unusable_free_index(),
 *                       extfrag_for_order() (identical in 6.1, whose loop
 *                       bound MAX_ORDER is 6.12's NR_PAGE_ORDERS, 11)
 *   suitability         __compaction_suitable(), compaction_suitable(),
 *                       compaction_suit_allocation_order(),
 *                       compaction_zonelist_suitable() (6.1's variant on
 *                       6.1 layouts)
 *   proactive           fragmentation_score_zone(_weighted)(),
 *                       fragmentation_score_node(), fragmentation_score_wmark(),
 *                       should_proactive_compact_node()
 *   free scanner        isolation_suitable(), update_pageblock_skip(),
 *                       suitable_migration_target(),
 *                       isolate_freepages_block(), isolate_freepages_range(),
 *                       isolate_freepages() (without 6.12's
 *                       fast_isolate_freepages()), release_free_list(),
 *                       compaction_alloc(), compaction_free() and the
 *                       release at compact_zone()'s end; 6.12's per-order
 *                       isolated lists (6.1 split every isolated block
 *                       into order-0 pages at once, split_map_pages(), on
 *                       one list: regionmm follows 6.12 on both)
 *
 * Invariants: compact_defer_shift <= RMM_COMPACT_MAX_DEFER_SHIFT and
 * compact_considered <= 1 << compact_defer_shift after every function
 * here; the fragmentation functions return the kernel's integers
 * (-1000..1000 permille, 0..100 percent) for the same free-area counts.
 *
 * Free scanner invariant: a block on a compact_control's freepages[o] is
 * off the buddy (not PageBuddy, not in NR_FREE_PAGES), its head's
 * private = o, and cc->nr_freepages is the sum of their sizes; it goes
 * back only through release_free_list() or as a compaction_alloc()
 * target.
 *
 * Locking: the hints are the kernel's racy hints (no lock; the skip bytes
 * through READ_ONCE/WRITE_ONCE); rmm_zone_nr_free_snapshot() and the free
 * scanner take zone->lock with irqs off (a leaf: nothing is taken under
 * it but rmm___isolate_free_page()'s pageblock work, also under
 * zone->lock); the isolation-suitable reset and the free scanner may
 * reschedule.  Nothing here allocates; release_free_list() frees.
 */
#include "rmm_port.h"
#include "compaction.h"
#include "pageblock.h"
#include "vmscan.h"
#include "internal.h"

/* ---- fragmentation ---- */

void rmm_zone_nr_free_snapshot(struct rmm_zone *zone,
			       unsigned long nr_free[RMM_NR_ORDERS])
{
	unsigned long flags;
	unsigned int o;

	rmm_spin_lock_irqsave(&zone->lock, flags);
	for (o = 0; o < RMM_NR_ORDERS; o++)
		nr_free[o] = zone->free_area[o].nr_free;
	rmm_spin_unlock_irqrestore(&zone->lock, flags);
}
RMM_EXPORT(rmm_zone_nr_free_snapshot);

void rmm_contig_page_info_from(const unsigned long nr_free[RMM_NR_ORDERS],
			       unsigned int suitable_order,
			       struct rmm_contig_page_info *info)
{
	unsigned int order;

	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;

	for (order = 0; order < RMM_NR_ORDERS; order++) {
		unsigned long blocks = nr_free[order];

		/* Count number of free blocks */
		info->free_blocks_total += blocks;
		/* Count free base pages */
		info->free_pages += blocks << order;
		/* Count the suitable free blocks */
		if (order >= suitable_order)
			info->free_blocks_suitable +=
				blocks << (order - suitable_order);
	}
}
RMM_EXPORT(rmm_contig_page_info_from);

void rmm_fill_contig_page_info(struct rmm_zone *zone,
			       unsigned int suitable_order,
			       struct rmm_contig_page_info *info)
{
	unsigned long nr_free[RMM_NR_ORDERS];
	unsigned int o;

	/* lockless, as the kernel's data_race() reads: diagnostics only */
	for (o = 0; o < RMM_NR_ORDERS; o++)
		nr_free[o] = READ_ONCE(zone->free_area[o].nr_free);
	rmm_contig_page_info_from(nr_free, suitable_order, info);
}
RMM_EXPORT(rmm_fill_contig_page_info);

/*
 * A fragmentation index only makes sense if an allocation of a requested
 * size would fail.  If that is true, the fragmentation index indicates
 * whether external fragmentation or a lack of memory was the problem.
 */
int __rmm_fragmentation_index(unsigned int order,
			      const struct rmm_contig_page_info *info)
{
	unsigned long requested = 1UL << order;

	if (RMM_WARN_ON_ONCE(order > RMM_MAX_ORDER))
		return 0;
	if (!info->free_blocks_total)
		return 0;
	/* Fragmentation index only makes sense when a request would fail */
	if (info->free_blocks_suitable)
		return -1000;
	/*
	 * Index is between 0 and 1 so return within 3 decimal places
	 * 0 => allocation would fail due to lack of memory
	 * 1 => allocation would fail due to fragmentation
	 */
	return 1000 - (int)((1000 + (u64)info->free_pages * 1000ULL /
			     requested) / info->free_blocks_total);
}
RMM_EXPORT(__rmm_fragmentation_index);

int rmm_fragmentation_index(struct rmm_zone *zone, unsigned int order)
{
	struct rmm_contig_page_info info;

	rmm_fill_contig_page_info(zone, order, &info);
	return __rmm_fragmentation_index(order, &info);
}
RMM_EXPORT(rmm_fragmentation_index);

int rmm_unusable_free_index(unsigned int order,
			    const struct rmm_contig_page_info *info)
{
	/* No free memory is interpreted as all free memory is unusable */
	if (info->free_pages == 0)
		return 1000;
	/* 0 => no fragmentation, 1 => high fragmentation (3 decimals) */
	return (int)((u64)(info->free_pages -
			   (info->free_blocks_suitable << order)) * 1000ULL /
		     info->free_pages);
}
RMM_EXPORT(rmm_unusable_free_index);

unsigned int rmm_extfrag_for_order(struct rmm_zone *zone, unsigned int order)
{
	struct rmm_contig_page_info info;

	rmm_fill_contig_page_info(zone, order, &info);
	if (info.free_pages == 0)
		return 0;
	return (unsigned int)((u64)(info.free_pages -
				    (info.free_blocks_suitable << order)) *
			      100 / info.free_pages);
}
RMM_EXPORT(rmm_extfrag_for_order);

/* ---- deferral ---- */

/*
 * Compaction is deferred when compaction fails to result in a page
 * allocation success.  1 << compact_defer_shift, compactions are skipped
 * up to a limit of 1 << COMPACT_MAX_DEFER_SHIFT
 */
void rmm_defer_compaction(struct rmm_zone *zone, int order)
{
	zone->compact_considered = 0;
	zone->compact_defer_shift++;

	if (order < zone->compact_order_failed)
		zone->compact_order_failed = order;

	if (zone->compact_defer_shift > RMM_COMPACT_MAX_DEFER_SHIFT)
		zone->compact_defer_shift = RMM_COMPACT_MAX_DEFER_SHIFT;
}
RMM_EXPORT(rmm_defer_compaction);

/* Returns true if compaction should be skipped this time */
bool rmm_compaction_deferred(struct rmm_zone *zone, int order)
{
	unsigned long defer_limit = 1UL << zone->compact_defer_shift;

	if (order < zone->compact_order_failed)
		return false;

	/* Avoid possible overflow */
	if (++zone->compact_considered >= defer_limit) {
		zone->compact_considered = defer_limit;
		return false;
	}
	return true;
}
RMM_EXPORT(rmm_compaction_deferred);

/*
 * Update defer tracking counters after successful compaction of given
 * order, which means an allocation either succeeded (alloc_success ==
 * true) or is expected to succeed.
 */
void rmm_compaction_defer_reset(struct rmm_zone *zone, int order,
				bool alloc_success)
{
	if (alloc_success) {
		zone->compact_considered = 0;
		zone->compact_defer_shift = 0;
	}
	if (order >= zone->compact_order_failed)
		zone->compact_order_failed = order + 1;
}
RMM_EXPORT(rmm_compaction_defer_reset);

/* Returns true if restarting compaction after many failures */
bool rmm_compaction_restarting(struct rmm_zone *zone, int order)
{
	if (order < zone->compact_order_failed)
		return false;

	return zone->compact_defer_shift == RMM_COMPACT_MAX_DEFER_SHIFT &&
		zone->compact_considered >= 1UL << zone->compact_defer_shift;
}
RMM_EXPORT(rmm_compaction_restarting);

/* ---- skip hints and scanner positions ---- */

static struct rmm_pageblock *page_pb(const struct rmm_mm *mm,
				     const struct rmm_page *page)
{
	u32 idx;

	return rmm_page_pb(mm, page, &idx);
}

bool rmm_get_pageblock_skip(const struct rmm_mm *mm,
			    const struct rmm_page *page)
{
	return READ_ONCE(page_pb(mm, page)->skip);
}
RMM_EXPORT(rmm_get_pageblock_skip);

void rmm_set_pageblock_skip(const struct rmm_mm *mm,
			    const struct rmm_page *page)
{
	WRITE_ONCE(page_pb(mm, page)->skip, 1);
}
RMM_EXPORT(rmm_set_pageblock_skip);

void rmm_clear_pageblock_skip(const struct rmm_mm *mm,
			      const struct rmm_page *page)
{
	WRITE_ONCE(page_pb(mm, page)->skip, 0);
}
RMM_EXPORT(rmm_clear_pageblock_skip);

static inline unsigned long rmm_pb_start_pfn(unsigned long pfn)
{
	return pfn & ~(RMM_PAGEBLOCK_NR_PAGES - 1);
}

static inline unsigned long rmm_pb_end_pfn(unsigned long pfn)
{
	return rmm_pb_start_pfn(pfn) + RMM_PAGEBLOCK_NR_PAGES;
}

void rmm_reset_cached_positions(struct rmm_zone *zone)
{
	zone->compact_cached_migrate_pfn[0] = zone->zone_start_pfn;
	zone->compact_cached_migrate_pfn[1] = zone->zone_start_pfn;
	zone->compact_cached_free_pfn =
		rmm_pb_start_pfn(rmm_zone_end_pfn(zone) - 1);
}
RMM_EXPORT(rmm_reset_cached_positions);

/* pfn_to_online_page(): present pages of this instance only */
static struct rmm_page *pfn_page(const struct rmm_mm *mm, unsigned long pfn)
{
	return rmm_mm_pfn_to_page(mm, pfn);
}

/*
 * Compound pages of >= pageblock_order should consistently be skipped
 * until released.
 */
static bool pageblock_skip_persistent(struct rmm_page *page)
{
	if (!RmmPageHead(page) && !RmmPageTail(page))
		return false;
	page = rmm_compound_head(page);
	return rmm_compound_order(page) >= RMM_PAGEBLOCK_ORDER;
}

static bool __reset_isolation_pfn(struct rmm_zone *zone, unsigned long pfn,
				  bool check_source, bool check_target)
{
	const struct rmm_mm *mm = zone->mm;
	struct rmm_page *page = pfn_page(mm, pfn);
	struct rmm_page *block_page, *end_page;
	unsigned long block_pfn;

	if (!page)
		return false;
	if (zone != rmm_mm_page_zone(mm, page))
		return false;
	if (pageblock_skip_persistent(page))
		return false;

	/*
	 * If skip is already cleared do no further checking once the
	 * restart points have been set.
	 */
	if (check_source && check_target && !rmm_get_pageblock_skip(mm, page))
		return true;

	/*
	 * If clearing skip for the target scanner, do not select a
	 * non-movable pageblock as the starting point.
	 */
	if (!check_source && check_target &&
	    rmm_pageblock_mt(mm, page) != RMM_MIGRATE_MOVABLE)
		return false;

	/* Ensure the start of the pageblock or zone is online and valid */
	block_pfn = rmm_pb_start_pfn(pfn);
	block_pfn = max(block_pfn, zone->zone_start_pfn);
	block_page = pfn_page(mm, block_pfn);
	if (block_page) {
		page = block_page;
		pfn = block_pfn;
	}

	/* Ensure the end of the pageblock or zone is online and valid */
	block_pfn = rmm_pb_end_pfn(pfn) - 1;
	block_pfn = min(block_pfn, rmm_zone_end_pfn(zone) - 1);
	end_page = pfn_page(mm, block_pfn);
	if (!end_page)
		return false;

	/*
	 * Only clear the hint if a sample indicates there is either a free
	 * page or an LRU page in the block.  One or other condition is
	 * necessary for the block to be a migration source/target.  (A
	 * pageblock never straddles a section, so page + n stays in one
	 * memmap.)
	 */
	do {
		if (check_source && RmmPageLru(page)) {
			rmm_clear_pageblock_skip(mm, page);
			return true;
		}
		if (check_target && RmmPageBuddy(page)) {
			rmm_clear_pageblock_skip(mm, page);
			return true;
		}
		page += 1 << RMM_COSTLY_ORDER;
	} while (page <= end_page);

	return false;
}

void __rmm_reset_isolation_suitable(struct rmm_zone *zone)
{
	unsigned long migrate_pfn = zone->zone_start_pfn;
	unsigned long free_pfn = rmm_zone_end_pfn(zone) - 1;
	unsigned long reset_migrate = free_pfn;
	unsigned long reset_free = migrate_pfn;
	bool source_set = false;
	bool free_set = false;

	/* Only flush if a full compaction finished recently */
	if (!zone->compact_blockskip_flush)
		return;

	zone->compact_blockskip_flush = false;

	/*
	 * Walk the zone and update pageblock skip information.  Source looks
	 * for PageLRU while target looks for PageBuddy.  When the scanner is
	 * found, both PageBuddy and PageLRU are checked as the pageblock is
	 * suitable as both source and target.
	 */
	for (; migrate_pfn < free_pfn; migrate_pfn += RMM_PAGEBLOCK_NR_PAGES,
	     free_pfn -= RMM_PAGEBLOCK_NR_PAGES) {
		rmm_cond_resched();

		/* Update the migrate PFN */
		if (__reset_isolation_pfn(zone, migrate_pfn, true, source_set) &&
		    migrate_pfn < reset_migrate) {
			source_set = true;
			reset_migrate = migrate_pfn;
			zone->compact_init_migrate_pfn = reset_migrate;
			zone->compact_cached_migrate_pfn[0] = reset_migrate;
			zone->compact_cached_migrate_pfn[1] = reset_migrate;
		}

		/* Update the free PFN */
		if (__reset_isolation_pfn(zone, free_pfn, free_set, true) &&
		    free_pfn > reset_free) {
			free_set = true;
			reset_free = free_pfn;
			zone->compact_init_free_pfn = reset_free;
			zone->compact_cached_free_pfn = reset_free;
		}
	}

	/* Leave no distance if no suitable block was reset */
	if (reset_migrate >= reset_free) {
		zone->compact_cached_migrate_pfn[0] = migrate_pfn;
		zone->compact_cached_migrate_pfn[1] = migrate_pfn;
		zone->compact_cached_free_pfn = free_pfn;
	}
}
RMM_EXPORT(__rmm_reset_isolation_suitable);

void rmm_reset_isolation_suitable(struct rmm_node *node)
{
	int z;

	for (z = 0; z < RMM_MAX_NR_ZONES; z++) {
		struct rmm_zone *zone = &node->node_zones[z];

		if (!zone->mm || !rmm_populated_zone(zone))
			continue;
		__rmm_reset_isolation_suitable(zone);
	}
}
RMM_EXPORT(rmm_reset_isolation_suitable);

/* ---- suitability ---- */

static bool __compaction_suitable(struct rmm_zone *zone, int order,
				  int highest_zoneidx,
				  unsigned long wmark_target)
{
	unsigned long watermark;

	/*
	 * Watermarks for order-0 must be met for compaction to be able to
	 * isolate free pages for migration targets.  For costly orders,
	 * the low watermark instead of min; ALLOC_CMA, as pages in CMA
	 * pageblocks are suitable migration targets.
	 */
	watermark = order > RMM_COSTLY_ORDER ? rmm_low_wmark_pages(zone) :
					       rmm_min_wmark_pages(zone);
	watermark += rmm_compact_gap(order);
	return __rmm_zone_watermark_ok(zone, 0, watermark, highest_zoneidx,
				       RMM_ALLOC_CMA, wmark_target);
}

bool rmm_compaction_suitable(struct rmm_zone *zone, int order,
			     int highest_zoneidx)
{
	bool suitable;

	suitable = __compaction_suitable(zone, order, highest_zoneidx,
					 rmm_zone_page_state(zone,
							     RMM_NR_FREE_PAGES));
	/*
	 * Only compact if a failure would be due to fragmentation; ignore
	 * fragindex for non-costly orders, where the alternative to a
	 * successful reclaim/compaction is OOM.
	 */
	if (suitable && order > RMM_COSTLY_ORDER) {
		int fragindex = rmm_fragmentation_index(zone, order);

		if (fragindex >= 0 &&
		    fragindex <= READ_ONCE(zone->mm->tunables.extfrag_threshold))
			suitable = false;
	}
	return suitable;
}
RMM_EXPORT(rmm_compaction_suitable);

enum rmm_compact_result
rmm_compaction_suit_allocation_order(struct rmm_zone *zone, unsigned int order,
				     int highest_zoneidx,
				     unsigned int alloc_flags)
{
	unsigned long watermark;

	watermark = rmm_wmark_pages(zone, alloc_flags & RMM_ALLOC_WMARK_MASK);
	if (rmm_zone_watermark_ok(zone, order, watermark, highest_zoneidx,
				  alloc_flags))
		return RMM_COMPACT_SUCCESS;

	if (!rmm_compaction_suitable(zone, order, highest_zoneidx))
		return RMM_COMPACT_SKIPPED;

	return RMM_COMPACT_CONTINUE;
}
RMM_EXPORT(rmm_compaction_suit_allocation_order);

bool rmm_compaction_zonelist_suitable(struct rmm_mm *mm,
				      const struct rmm_alloc_context *ac,
				      int order, unsigned int alloc_flags)
{
	const struct rmm_zoneref *zr;
	bool v61 = mm->layout.kver < RMM_KVER(6, 12);

	/*
	 * Make sure at least one zone would pass __compaction_suitable if
	 * we continue retrying the reclaim.
	 */
	for (zr = ac->zonelist->_zonerefs; zr->zone; zr++) {
		struct rmm_zone *zone = zr->zone;
		unsigned long available;

		if (zr->zone_idx > ac->highest_zoneidx)
			continue;
		/*
		 * 6.1's __compaction_suitable() first answered
		 * COMPACT_SUCCESS for a zone whose watermark is already met
		 * at @order, which is not COMPACT_CONTINUE
		 */
		if (v61 && rmm_zone_watermark_ok(zone, order,
				rmm_wmark_pages(zone,
						alloc_flags & RMM_ALLOC_WMARK_MASK),
				ac->highest_zoneidx, alloc_flags))
			continue;
		/*
		 * Do not consider all the reclaimable memory because we do
		 * not want to trash just for a single high order allocation
		 */
		available = rmm_zone_reclaimable_pages(zone) / order;
		available += rmm_zone_page_state(zone, RMM_NR_FREE_PAGES);
		if (__compaction_suitable(zone, order, ac->highest_zoneidx,
					  available))
			return true;
	}
	return false;
}
RMM_EXPORT(rmm_compaction_zonelist_suitable);

/* ---- proactive compaction ---- */

/*
 * A zone's fragmentation score is the external fragmentation wrt to the
 * COMPACTION_HPAGE_ORDER, 0..100.
 */
unsigned int rmm_fragmentation_score_zone(struct rmm_zone *zone)
{
	return rmm_extfrag_for_order(zone, RMM_COMPACTION_HPAGE_ORDER);
}
RMM_EXPORT(rmm_fragmentation_score_zone);

/* the score scaled by the zone's share of the node, 0..100 */
unsigned int rmm_fragmentation_score_zone_weighted(struct rmm_zone *zone)
{
	unsigned long score;

	score = zone->present_pages * rmm_fragmentation_score_zone(zone);
	return score / (zone->zone_pgdat->node_present_pages + 1);
}
RMM_EXPORT(rmm_fragmentation_score_zone_weighted);

unsigned int rmm_fragmentation_score_node(struct rmm_node *node)
{
	unsigned int score = 0;
	int z;

	for (z = 0; z < RMM_MAX_NR_ZONES; z++) {
		struct rmm_zone *zone = &node->node_zones[z];

		if (!zone->mm || !rmm_populated_zone(zone))
			continue;
		score += rmm_fragmentation_score_zone_weighted(zone);
	}
	return score;
}
RMM_EXPORT(rmm_fragmentation_score_node);

unsigned int rmm_fragmentation_score_wmark(struct rmm_mm *mm, bool low)
{
	unsigned int proactiveness =
		READ_ONCE(mm->tunables.compaction_proactiveness);
	unsigned int wmark_low;

	/*
	 * Cap the low watermark to avoid excessive compaction activity in
	 * case a user sets the proactiveness tunable close to 100.
	 */
	wmark_low = max(100U - proactiveness, 5U);
	return low ? wmark_low : min(wmark_low + 10, 100U);
}
RMM_EXPORT(rmm_fragmentation_score_wmark);

bool rmm_should_proactive_compact_node(struct rmm_node *node,
				       bool kswapd_running)
{
	struct rmm_mm *mm = node->node_zones[0].mm;
	unsigned int wmark_high;

	if (!READ_ONCE(mm->tunables.compaction_proactiveness) ||
	    kswapd_running)
		return false;

	wmark_high = rmm_fragmentation_score_wmark(mm, false);
	return rmm_fragmentation_score_node(node) > wmark_high;
}
RMM_EXPORT(rmm_should_proactive_compact_node);

/* ---- the free scanner ---- */

void rmm_compact_control_init(struct rmm_compact_control *cc,
			      struct rmm_zone *zone, int order)
{
	int o;

	memset(cc, 0, sizeof(*cc));
	for (o = 0; o < RMM_NR_ORDERS; o++)
		rmm_plist_init(&cc->freepages[o]);
	rmm_plist_init(&cc->migratepages);
	cc->zone = zone;
	cc->order = order;
}
RMM_EXPORT(rmm_compact_control_init);

static inline void count_compact_events(struct rmm_compact_control *cc,
					enum rmm_vm_event_item item,
					unsigned long delta)
{
	rmm_count_vm_events(cc->zone->mm, item, delta);
}

/* Returns true if the pageblock should be scanned for pages to isolate. */
bool rmm_isolation_suitable(const struct rmm_compact_control *cc,
			    const struct rmm_page *page)
{
	if (cc->ignore_skip_hint)
		return true;

	return !rmm_get_pageblock_skip(cc->zone->mm, page);
}
RMM_EXPORT(rmm_isolation_suitable);

/*
 * If no pages were isolated then mark this pageblock to be skipped in the
 * future.  The information is later cleared by __reset_isolation_suitable().
 */
void rmm_update_pageblock_skip(struct rmm_compact_control *cc,
			       struct rmm_page *page, unsigned long pfn)
{
	struct rmm_zone *zone = cc->zone;

	if (cc->no_set_skip_hint)
		return;

	rmm_set_pageblock_skip(zone->mm, page);

	if (pfn < zone->compact_cached_free_pfn)
		zone->compact_cached_free_pfn = pfn;
}
RMM_EXPORT(rmm_update_pageblock_skip);

/*
 * compact_lock_irqsave(): async compaction tries the lock and records
 * contention (compaction then aborts after this block); the lock is
 * taken either way.  A macro so that the lock and its unlock sit in one
 * function for sparse.
 */
#define compact_lock_irqsave(lock, flags, cc) do {			\
	if ((cc)->mode == RMM_COMPACT_MODE_ASYNC && !(cc)->contended) {	\
		rmm_local_irq_save(flags);				\
		if (!rmm_spin_trylock(lock)) {				\
			rmm_local_irq_restore(flags);			\
			(cc)->contended = true;				\
			rmm_spin_lock_irqsave(lock, flags);		\
		}							\
	} else {							\
		rmm_spin_lock_irqsave(lock, flags);			\
	}								\
} while (0)

/*
 * compact_unlock_should_abort() without the lock (see
 * rmm_isolate_freepages_block()): give the scheduler a chance; true if
 * a fatal signal is pending (abort).
 */
static bool compact_should_abort(struct rmm_compact_control *cc)
{
	if (rmm_fatal_signal_pending()) {
		cc->contended = true;
		return true;
	}

	rmm_cond_resched();
	return false;
}

unsigned long rmm_isolate_freepages_block(struct rmm_compact_control *cc,
					  unsigned long *start_pfn,
					  unsigned long end_pfn,
					  struct rmm_plist *freelist,
					  unsigned int stride, bool strict)
{
	struct rmm_zone *zone = cc->zone;
	const struct rmm_mm *mm = zone->mm;
	unsigned long nr_scanned = 0, total_isolated = 0;
	unsigned long blockpfn = *start_pfn;
	unsigned long flags;
	struct rmm_page *page;
	unsigned int order;

	/* Strict mode is for isolation, speed is secondary */
	if (strict)
		stride = 1;

	/*
	 * The caller checked the range (pageblock_pfn_to_page()): present,
	 * in this zone, inside one pageblock and so one section's memmap.
	 */
	page = rmm_mm_pfn_to_page(mm, blockpfn);

	/* Isolate free pages. */
	for (; blockpfn < end_pfn; blockpfn += stride, page += stride) {
		unsigned long isolated;

		/*
		 * Periodically drop the lock (if held) regardless of its
		 * contention, to give chance to IRQs.  Abort if fatal
		 * signal pending.
		 */
		if (!(blockpfn % RMM_COMPACT_CLUSTER_MAX) &&
		    compact_should_abort(cc))
			break;

		nr_scanned++;

		/*
		 * For compound pages we can save potentially a lot of
		 * iterations if we skip them at once.  The check is racy,
		 * but we can consider only valid values and the only danger
		 * is skipping too much.
		 */
		if (RmmPageHead(page) || RmmPageTail(page)) {
			const unsigned int corder = rmm_compound_order(page);

			if (corder <= RMM_MAX_ORDER &&
			    blockpfn + (1UL << corder) <= end_pfn) {
				blockpfn += (1UL << corder) - 1;
				page += (1UL << corder) - 1;
				nr_scanned += (1UL << corder) - 1;
			}
			goto isolate_fail;
		}

		if (!RmmPageBuddy(page))
			goto isolate_fail;

		/*
		 * The zone lock is held per free block here, not from the
		 * first one to the next COMPACT_CLUSTER_MAX-aligned pfn as
		 * the kernel's "locked" does: the same blocks are isolated,
		 * and every lock has its unlock in sight (sparse).
		 */
		compact_lock_irqsave(&zone->lock, flags, cc);
		/* Recheck this is a buddy page under lock */
		if (!RmmPageBuddy(page)) {
			rmm_spin_unlock_irqrestore(&zone->lock, flags);
			goto isolate_fail;
		}

		/* Found a free page, will break it into order-0 pages */
		order = page->private;
		isolated = rmm___isolate_free_page(zone, page, order);
		rmm_spin_unlock_irqrestore(&zone->lock, flags);
		if (!isolated)
			break;
		page->private = order;	/* set_page_private() */

		nr_scanned += isolated - 1;
		total_isolated += isolated;
		cc->nr_freepages += isolated;
		rmm_plist_add_tail(mm, &freelist[order], page);

		if (!strict && cc->nr_migratepages <= cc->nr_freepages) {
			blockpfn += isolated;
			break;
		}
		/* Advance to the end of split page */
		blockpfn += isolated - 1;
		page += isolated - 1;
		continue;

isolate_fail:
		if (strict)
			break;
	}

	/* Be careful to not go outside of the pageblock. */
	if (unlikely(blockpfn > end_pfn))
		blockpfn = end_pfn;

	/* Record how far we have got within the block */
	*start_pfn = blockpfn;

	/*
	 * If strict isolation is requested then check that all the pages
	 * requested were isolated.  If there were any failures, 0 is
	 * returned.
	 */
	if (strict && blockpfn < end_pfn)
		total_isolated = 0;

	cc->total_free_scanned += nr_scanned;
	if (total_isolated)
		count_compact_events(cc, RMM_COMPACTISOLATED, total_isolated);
	return total_isolated;
}
RMM_EXPORT(rmm_isolate_freepages_block);

/*
 * pageblock_pfn_to_page(): the first page of [@start_pfn, @end_pfn) if
 * its first and last pfns are present pages of @zone, else NULL
 */
static struct rmm_page *pageblock_pfn_to_page(unsigned long start_pfn,
					      unsigned long end_pfn,
					      struct rmm_zone *zone)
{
	const struct rmm_mm *mm = zone->mm;
	struct rmm_page *start_page, *end_page;

	start_page = pfn_page(mm, start_pfn);
	if (!start_page || rmm_mm_page_zone(mm, start_page) != zone)
		return NULL;
	end_page = pfn_page(mm, end_pfn - 1);
	if (!end_page || rmm_mm_page_zone(mm, end_page) != zone)
		return NULL;
	return start_page;
}

unsigned long rmm_release_free_list(struct rmm_mm *mm,
				    struct rmm_plist *freepages)
{
	unsigned long high_pfn = 0;
	int order;

	for (order = 0; order < RMM_NR_ORDERS; order++) {
		struct rmm_page *page;

		while ((page = rmm_plist_pop(mm, &freepages[order]))) {
			unsigned long pfn = rmm_mm_page_to_pfn(mm, page);

			/*
			 * Convert free pages into post allocation pages, so
			 * that we can free them via __free_page.
			 */
			rmm_post_alloc_page(mm, page, order,
					    RMM___GFP_MOVABLE);
			rmm_mm_free_pages(mm, page, order);
			if (pfn > high_pfn)
				high_pfn = pfn;
		}
	}
	return high_pfn;
}
RMM_EXPORT(rmm_release_free_list);

unsigned long rmm_isolate_freepages_range(struct rmm_compact_control *cc,
					  unsigned long start_pfn,
					  unsigned long end_pfn)
{
	unsigned long isolated, pfn, block_start_pfn, block_end_pfn;
	int order;

	for (order = 0; order < RMM_NR_ORDERS; order++)
		rmm_plist_init(&cc->freepages[order]);

	pfn = start_pfn;
	block_start_pfn = rmm_pb_start_pfn(pfn);
	if (block_start_pfn < cc->zone->zone_start_pfn)
		block_start_pfn = cc->zone->zone_start_pfn;
	block_end_pfn = rmm_pb_end_pfn(pfn);

	for (; pfn < end_pfn; pfn += isolated,
	     block_start_pfn = block_end_pfn,
	     block_end_pfn += RMM_PAGEBLOCK_NR_PAGES) {
		/* Protect pfn from changing by isolate_freepages_block */
		unsigned long isolate_start_pfn = pfn;

		/*
		 * pfn could pass the block_end_pfn if isolated freepage is
		 * more than pageblock order.  In this case, we adjust
		 * scanning range to right one.
		 */
		if (pfn >= block_end_pfn) {
			block_start_pfn = rmm_pb_start_pfn(pfn);
			block_end_pfn = rmm_pb_end_pfn(pfn);
		}

		block_end_pfn = min(block_end_pfn, end_pfn);

		if (!pageblock_pfn_to_page(block_start_pfn, block_end_pfn,
					   cc->zone))
			break;

		isolated = rmm_isolate_freepages_block(cc, &isolate_start_pfn,
						       block_end_pfn,
						       cc->freepages, 0, true);

		/*
		 * In strict mode, isolate_freepages_block() returns 0 if
		 * there are any holes in the block (ie. invalid PFNs or
		 * non-free pages).
		 */
		if (!isolated)
			break;
	}

	if (pfn < end_pfn) {
		/* Loop terminated early, cleanup. */
		rmm_release_free_list(cc->zone->mm, cc->freepages);
		return 0;
	}

	/* We don't use freelists for anything. */
	return pfn;
}
RMM_EXPORT(rmm_isolate_freepages_range);

/* Returns true if the page is within a block suitable for migration to */
bool rmm_suitable_migration_target(const struct rmm_compact_control *cc,
				   struct rmm_page *page)
{
	/* If the page is a large free page, then disallow migration */
	if (RmmPageBuddy(page)) {
		int order = cc->order > 0 ? cc->order : RMM_PAGEBLOCK_ORDER;

		/*
		 * We are checking page_order without zone->lock taken.  But
		 * the only small danger is that we skip a potentially
		 * suitable pageblock, so it's not worth to check order for
		 * valid range.
		 */
		if ((int)READ_ONCE(page->private) >= order)
			return false;
	}

	if (cc->ignore_block_suitable)
		return true;

	/* If the block is MIGRATE_MOVABLE or MIGRATE_CMA, allow migration */
	switch (rmm_pageblock_mt(cc->zone->mm, page)) {
	case RMM_MIGRATE_MOVABLE:
	case RMM_MIGRATE_CMA:
		return true;
	default:
		/* Otherwise skip the block */
		return false;
	}
}
RMM_EXPORT(rmm_suitable_migration_target);

void rmm_isolate_freepages(struct rmm_compact_control *cc)
{
	struct rmm_zone *zone = cc->zone;
	struct rmm_page *page;
	unsigned long block_start_pfn;	/* start of current pageblock */
	unsigned long isolate_start_pfn; /* exact pfn we start at */
	unsigned long block_end_pfn;	/* end of current pageblock */
	unsigned long low_pfn;		/* lowest pfn scanner is able to scan */
	unsigned int stride;

	/*
	 * 6.12 first tries fast_isolate_freepages() for cc->order > 0 (a
	 * search of the zone's free lists); regionmm keeps free blocks below
	 * pageblock order on per-pageblock lists, so that search is not
	 * here yet: the linear scan below is what the kernel does for
	 * cc->order <= 0 and when the fast search finds nothing.
	 */

	/*
	 * Initialise the free scanner.  The starting point is where we last
	 * successfully isolated from, zone-cached value, or the end of the
	 * zone when isolating for the first time.  For looping we also need
	 * this pfn aligned down to the pageblock boundary, because we do
	 * block_start_pfn -= pageblock_nr_pages in the for loop.  For ending
	 * point, take care when isolating in last pageblock of a zone which
	 * ends in the middle of a pageblock.  The low boundary is the end of
	 * the pageblock the migration scanner is using.
	 */
	isolate_start_pfn = cc->free_pfn;
	block_start_pfn = rmm_pb_start_pfn(isolate_start_pfn);
	block_end_pfn = min(block_start_pfn + RMM_PAGEBLOCK_NR_PAGES,
			    rmm_zone_end_pfn(zone));
	low_pfn = rmm_pb_end_pfn(cc->migrate_pfn);
	stride = cc->mode == RMM_COMPACT_MODE_ASYNC ?
		RMM_COMPACT_CLUSTER_MAX : 1;

	/*
	 * Isolate free pages until enough are available to migrate the pages
	 * on cc->migratepages.  We stop searching if the migrate and free
	 * page scanners meet or enough free pages are isolated.
	 */
	for (; block_start_pfn >= low_pfn;
	     block_end_pfn = block_start_pfn,
	     block_start_pfn -= RMM_PAGEBLOCK_NR_PAGES,
	     isolate_start_pfn = block_start_pfn) {
		unsigned long nr_isolated;

		/*
		 * This can iterate a massively long zone without finding any
		 * suitable migration targets, so periodically check resched.
		 */
		if (!(block_start_pfn %
		      (RMM_COMPACT_CLUSTER_MAX * RMM_PAGEBLOCK_NR_PAGES)))
			rmm_cond_resched();

		/*
		 * An absent block (regionmm: a hole section) is stepped
		 * over block by block; the kernel's
		 * skip_offline_sections_reverse() only saves time.
		 */
		page = pageblock_pfn_to_page(block_start_pfn, block_end_pfn,
					     zone);
		if (!page)
			continue;

		/* Check the block is suitable for migration */
		if (!rmm_suitable_migration_target(cc, page))
			continue;

		/* If isolation recently failed, do not retry */
		if (!rmm_isolation_suitable(cc, page))
			continue;

		/* Found a block suitable for isolating free pages from. */
		nr_isolated = rmm_isolate_freepages_block(cc,
							  &isolate_start_pfn,
							  block_end_pfn,
							  cc->freepages,
							  stride, false);

		/* Update the skip hint if the full pageblock was scanned */
		if (isolate_start_pfn == block_end_pfn)
			rmm_update_pageblock_skip(cc, page, block_start_pfn -
						  RMM_PAGEBLOCK_NR_PAGES);

		/* Are enough freepages isolated? */
		if (cc->nr_freepages >= cc->nr_migratepages) {
			if (isolate_start_pfn >= block_end_pfn) {
				/*
				 * Restart at previous pageblock if more
				 * freepages can be isolated next time.
				 */
				isolate_start_pfn =
					block_start_pfn - RMM_PAGEBLOCK_NR_PAGES;
			}
			break;
		} else if (isolate_start_pfn < block_end_pfn) {
			/*
			 * If isolation failed early, do not continue
			 * needlessly.
			 */
			break;
		}

		/* Adjust stride depending on isolation */
		if (nr_isolated) {
			stride = 1;
			continue;
		}
		stride = min_t(unsigned int, RMM_COMPACT_CLUSTER_MAX,
			       stride << 1);
	}

	/*
	 * Record where the free scanner will restart next time.  Either we
	 * broke from the loop and set isolate_start_pfn based on the last
	 * call to isolate_freepages_block(), or we met the migration scanner
	 * and the loop terminated due to isolate_start_pfn < low_pfn
	 */
	cc->free_pfn = isolate_start_pfn;
}
RMM_EXPORT(rmm_isolate_freepages);

void rmm_compact_finish_free(struct rmm_compact_control *cc)
{
	/*
	 * Release free pages and update where the free scanner should
	 * restart, so we don't leave any returned pages behind in the next
	 * attempt.
	 */
	if (cc->nr_freepages > 0) {
		unsigned long free_pfn;

		free_pfn = rmm_release_free_list(cc->zone->mm, cc->freepages);
		cc->nr_freepages = 0;
		RMM_WARN_ON_ONCE(free_pfn == 0);
		/* The cached pfn is always the first in a pageblock */
		free_pfn = rmm_pb_start_pfn(free_pfn);
		/*
		 * Only go back, not forward.  The cached pfn might have been
		 * already reset to zone end in compact_finished()
		 */
		if (free_pfn > cc->zone->compact_cached_free_pfn)
			cc->zone->compact_cached_free_pfn = free_pfn;
	}

	count_compact_events(cc, RMM_COMPACTMIGRATE_SCANNED,
			     cc->total_migrate_scanned);
	count_compact_events(cc, RMM_COMPACTFREE_SCANNED,
			     cc->total_free_scanned);
}
RMM_EXPORT(rmm_compact_finish_free);

/*
 * This is a migrate-callback that "allocates" freepages by taking pages
 * from the isolated freelists in the block we are migrating to.
 */
struct rmm_page *rmm_compaction_alloc(struct rmm_page *src,
				      unsigned long data)
{
	struct rmm_compact_control *cc = (struct rmm_compact_control *)data;
	struct rmm_mm *mm = cc->zone->mm;
	unsigned int order = rmm_compound_order(src);
	bool has_isolated_pages = false;
	struct rmm_page *freepage;
	unsigned int start_order;
	unsigned long size;

again:
	for (start_order = order; start_order < RMM_NR_ORDERS; start_order++)
		if (!rmm_plist_empty(&cc->freepages[start_order]))
			break;

	/* no free pages in the list */
	if (start_order == RMM_NR_ORDERS) {
		if (has_isolated_pages)
			return NULL;
		rmm_isolate_freepages(cc);
		has_isolated_pages = true;
		goto again;
	}

	freepage = rmm_plist_pop(mm, &cc->freepages[start_order]);
	size = 1UL << start_order;

	while (start_order > order) {
		start_order--;
		size >>= 1;

		rmm_plist_add(mm, &cc->freepages[start_order],
			      &freepage[size]);
		freepage[size].private = start_order;
	}

	/* post_alloc_hook() + prep_compound_page() */
	rmm_post_alloc_page(mm, freepage, order, RMM___GFP_MOVABLE |
			    (order ? RMM___GFP_COMP : 0));
	cc->nr_freepages -= 1U << order;
	cc->nr_migratepages -= 1U << order;
	return freepage;
}
RMM_EXPORT(rmm_compaction_alloc);

/*
 * This is a migrate-callback that "frees" freepages back to the isolated
 * freelist.  All pages on the freelist are from the same zone, so there
 * is no special handling needed for NUMA.  (regionmm pages have no
 * reference count: the migration core gives back only a target nobody
 * else holds, where the kernel's folio_put_testzero() is true.)
 */
void rmm_compaction_free(struct rmm_page *dst, unsigned long data)
{
	struct rmm_compact_control *cc = (struct rmm_compact_control *)data;
	struct rmm_mm *mm = cc->zone->mm;
	unsigned int order = rmm_compound_order(dst);

	if (rmm_free_pages_prepare(mm, dst, order)) {
		rmm_plist_add(mm, &cc->freepages[order], dst);
		cc->nr_freepages += 1U << order;
	}
	cc->nr_migratepages += 1U << order;
	/*
	 * free_pages_prepare() failed: we cannot take it back to our free
	 * list.
	 */
}
RMM_EXPORT(rmm_compaction_free);
