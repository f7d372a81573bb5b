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
 *
 * Invariants: compact_defer_shift <= RMM_COMPACT_MAX_DEFER_SHIFT and
 * compact_considered <= 1 << compact_defer_shift after every function
 * here; the fragmentation functions return the kernel's integers
 * (-1000..1000 permille, 0..100 percent) for the same free-area counts.
 *
 * Locking: the hints are the kernel's racy hints (no lock; the skip bytes
 * through READ_ONCE/WRITE_ONCE); rmm_zone_nr_free_snapshot() takes
 * zone->lock with irqs off (a leaf); the isolation-suitable reset may
 * reschedule.  Nothing here allocates.
 */
#include "rmm_port.h"
#include "compaction.h"
#include "pageblock.h"
#include "vmscan.h"

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
