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
 *   migrate scanner     suitable_migration_source(), update_cached_migrate(),
 *                       test_and_set_skip(), isolate_migratepages_block(),
 *                       isolate_migratepages() (without
 *                       fast_find_migrateblock() and too_many_isolated())
 *   engine              __compact_finished(), compact_finished(),
 *                       compact_zone() (without capture control),
 *                       compact_node(), compact_nodes()
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
 * reschedule.  Nothing here allocates; release_free_list() frees.  The
 * migrate scanner and compact_zone() hold no lock across their steps:
 * isolation and migration take their own (migrate.c: lru_lock, then the
 * owners' locks), so the engine runs in process context with no
 * regionmm lock held and may sleep.
 */
#include "rmm_port.h"
#include "compaction.h"
#include "pageblock.h"
#include "vmscan.h"
#include "internal.h"
#include "migrate.h"
#include "pcp.h"

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
	if ((cc)->mode == RMM_MIGRATE_ASYNC && !(cc)->contended) {	\
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
	stride = cc->mode == RMM_MIGRATE_ASYNC ?
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

/* ---- the migrate scanner and compact_zone() ---- */

/*
 * Only scan a pageblock once for an async direct compaction of a
 * migratetype (suitable_migration_source()); compound pages of pageblock
 * order are never sources
 */
static bool suitable_migration_source(struct rmm_compact_control *cc,
				      struct rmm_page *page)
{
	int block_mt;

	if (pageblock_skip_persistent(page))
		return false;

	if (cc->mode != RMM_MIGRATE_ASYNC || !cc->direct_compaction)
		return true;

	block_mt = rmm_pageblock_mt(cc->zone->mm, page);
	if (cc->migratetype == RMM_MIGRATE_MOVABLE)
		return block_mt == RMM_MIGRATE_MOVABLE ||
			block_mt == RMM_MIGRATE_CMA;
	return block_mt == cc->migratetype;
}

/*
 * update_cached_migrate(): both cached migrate pfns move up to the end of
 * @pfn's pageblock (the sync one only for sync modes)
 */
static void update_cached_migrate(struct rmm_compact_control *cc,
				  unsigned long pfn)
{
	struct rmm_zone *zone = cc->zone;

	/* Set for isolation rather than compaction */
	if (cc->no_set_skip_hint)
		return;

	pfn = rmm_pb_end_pfn(pfn);

	/* Update where async and sync compaction should restart */
	if (pfn > zone->compact_cached_migrate_pfn[0])
		zone->compact_cached_migrate_pfn[0] = pfn;
	if (cc->mode != RMM_MIGRATE_ASYNC &&
	    pfn > zone->compact_cached_migrate_pfn[1])
		zone->compact_cached_migrate_pfn[1] = pfn;
}

/*
 * test_and_set_skip(): true if the block was already marked skip; marks
 * it otherwise.  The kernel does it under the first lru_lock it takes in
 * a block so that two compactors do not scan one block.
 */
static bool test_and_set_skip(struct rmm_compact_control *cc,
			      struct rmm_page *page)
{
	bool skip;

	/* Do not update if skip hint is being ignored */
	if (cc->ignore_skip_hint)
		return false;

	skip = rmm_get_pageblock_skip(cc->zone->mm, page);
	if (!skip && !cc->no_set_skip_hint)
		rmm_set_pageblock_skip(cc->zone->mm, page);

	return skip;
}

/* block_start_pfn()/block_end_pfn() of mm/compaction.c: @order-aligned */
static inline unsigned long cc_block_start_pfn(unsigned long pfn, int order)
{
	return pfn & ~((1UL << order) - 1);
}

static inline unsigned long cc_block_end_pfn(unsigned long pfn, int order)
{
	return cc_block_start_pfn(pfn, order) + (1UL << order);
}

int rmm_isolate_migratepages_block(struct rmm_compact_control *cc,
				   unsigned long low_pfn,
				   unsigned long end_pfn)
{
	struct rmm_zone *zone = cc->zone;
	struct rmm_mm *mm = zone->mm;
	unsigned long nr_scanned = 0, nr_isolated = 0;
	unsigned long next_skip_pfn = 0;
	struct rmm_page *page = NULL, *valid_page = NULL;
	bool skip_on_failure = false;
	bool skip_updated = false;
	int ret = 0;

	cc->migrate_pfn = low_pfn;

	/*
	 * too_many_isolated() is not needed: regionmm's compactors isolate
	 * at most COMPACT_CLUSTER_MAX pages each and reclaim's isolation
	 * never waits on them.
	 */

	if (cc->direct_compaction && cc->mode == RMM_MIGRATE_ASYNC) {
		skip_on_failure = true;
		next_skip_pfn = cc_block_end_pfn(low_pfn, cc->order);
	}

	/* Time to isolate some pages for migration */
	for (; low_pfn < end_pfn; low_pfn++) {
		if (skip_on_failure && low_pfn >= next_skip_pfn) {
			/*
			 * We have isolated all migration candidates in the
			 * previous order-aligned block, and did not skip it
			 * due to failure.  We should migrate the pages now
			 * and hopefully succeed compaction.
			 */
			if (nr_isolated)
				break;

			/*
			 * We failed to isolate in the previous order-aligned
			 * block.  Set the new boundary to the end of the
			 * current block.  Note we can't simply increase
			 * next_skip_pfn by 1 << order, as low_pfn might have
			 * been incremented by a higher number due to skipping
			 * a compound or a high-order buddy page in the
			 * previous loop iteration.
			 */
			next_skip_pfn = cc_block_end_pfn(low_pfn, cc->order);
		}

		/*
		 * Periodically drop the lock (regionmm holds none here) to
		 * give a chance to others.  Abort on a fatal signal.
		 */
		if (!(low_pfn % RMM_COMPACT_CLUSTER_MAX)) {
			if (rmm_fatal_signal_pending()) {
				cc->contended = true;
				ret = -EINTR;
				goto fatal_pending;
			}
			rmm_cond_resched();
		}

		nr_scanned++;

		page = rmm_mm_pfn_to_page(mm, low_pfn);

		/*
		 * Check if the pageblock has already been marked skipped.
		 * Only the first PFN is checked as the caller isolates
		 * COMPACT_CLUSTER_MAX at a time so the second call must not
		 * checkpoint.
		 */
		if (!valid_page && (rmm_pb_start_pfn(low_pfn) == low_pfn ||
				    low_pfn == zone->zone_start_pfn)) {
			if (!rmm_isolation_suitable(cc, page)) {
				low_pfn = end_pfn;
				page = NULL;
				goto isolate_abort;
			}
			valid_page = page;
		}

		/*
		 * Skip if free.  We read page order here without zone lock
		 * which is generally unsafe, but the race window is small
		 * and the worst thing that can happen is that we skip some
		 * potential isolation targets.
		 */
		if (RmmPageBuddy(page)) {
			unsigned long freepage_order = READ_ONCE(page->private);

			/*
			 * Without lock, we cannot be sure that what we got is
			 * a valid page order.  Consider only values in the
			 * valid order range to prevent low_pfn overflow.
			 */
			if (freepage_order > 0 &&
			    freepage_order <= RMM_MAX_ORDER) {
				low_pfn += (1UL << freepage_order) - 1;
				nr_scanned += (1UL << freepage_order) - 1;
			}
			continue;
		}

		/*
		 * Regardless of being on LRU, compound pages such as THP
		 * (regionmm: every order > 0 allocation) are not migrated:
		 * skip them at once.  The check is racy, only valid values
		 * are used.
		 */
		if (RmmPageHead(page) || RmmPageTail(page)) {
			const unsigned int order = rmm_compound_order(page);

			if (order <= RMM_MAX_ORDER) {
				low_pfn += (1UL << order) - 1;
				nr_scanned += (1UL << order) - 1;
			}
			goto isolate_fail;
		}

		/*
		 * The kernel tests and sets the skip bit when it first
		 * takes an lru_lock in the block; rmm_isolate_movable_page()
		 * takes it itself, so it is done before the first attempt:
		 * if another compactor marked the block meanwhile, leave it
		 * to that one (unless this is the rescan to the block's end).
		 */
		if (!skip_updated && valid_page) {
			skip_updated = true;
			if (test_and_set_skip(cc, valid_page) &&
			    !cc->finish_pageblock) {
				low_pfn = end_pfn;
				goto isolate_abort;
			}
		}

		/*
		 * LRU pages of an owner that can migrate them
		 * (isolate_lru_folio() and the kernel's checks of the
		 * folio), and pages with movable operations
		 * (isolate_movable_page()); anything else is a failure.
		 */
		if (!rmm_isolate_movable_page(mm, page, &cc->migratepages))
			goto isolate_fail;

		/* Successfully isolated */
		cc->nr_migratepages += 1;
		nr_isolated += 1;

		/*
		 * Avoid isolating too much unless this block is being fully
		 * scanned (e.g. dirty/writeback pages, parallel allocation)
		 * or a lock is contended.  For contention, isolate quickly to
		 * potentially remove one source of contention.
		 */
		if (cc->nr_migratepages >= RMM_COMPACT_CLUSTER_MAX &&
		    !cc->finish_pageblock && !cc->contended) {
			++low_pfn;
			break;
		}

		continue;

isolate_fail:
		if (!skip_on_failure)
			continue;

		/*
		 * We have isolated some pages, but then failed.  Release
		 * them instead of migrating, as we cannot form the cc->order
		 * buddy page anyway.
		 */
		if (nr_isolated) {
			rmm_putback_movable_pages(mm, &cc->migratepages);
			cc->nr_migratepages = 0;
			nr_isolated = 0;
		}

		if (low_pfn < next_skip_pfn) {
			low_pfn = next_skip_pfn - 1;
			/*
			 * The check near the loop beginning would have
			 * updated next_skip_pfn too, but this is a bit
			 * simpler.
			 */
			next_skip_pfn += 1UL << cc->order;
		}
	}

	/*
	 * The PageBuddy() check could have potentially brought us outside
	 * the range to be scanned.
	 */
	if (unlikely(low_pfn > end_pfn))
		low_pfn = end_pfn;

isolate_abort:
	/*
	 * Update the cached scanner pfn once the pageblock has been
	 * scanned.  Pages will either be migrated in which case there is no
	 * point scanning in the near future or migration failed in which
	 * case the failure reason may persist.  The block is marked for
	 * skipping if there were no pages isolated in the block or if the
	 * block is rescanned twice in a row.
	 */
	if (low_pfn == end_pfn && (!nr_isolated || cc->finish_pageblock)) {
		if (!cc->no_set_skip_hint && valid_page && !skip_updated)
			rmm_set_pageblock_skip(mm, valid_page);
		update_cached_migrate(cc, low_pfn);
	}

fatal_pending:
	cc->total_migrate_scanned += nr_scanned;
	if (nr_isolated)
		count_compact_events(cc, RMM_COMPACTISOLATED, nr_isolated);

	cc->migrate_pfn = low_pfn;

	return ret;
}
RMM_EXPORT(rmm_isolate_migratepages_block);

enum rmm_isolate_migrate_t
rmm_isolate_migratepages(struct rmm_compact_control *cc)
{
	unsigned long block_start_pfn;
	unsigned long block_end_pfn;
	unsigned long low_pfn;
	struct rmm_page *page;

	/*
	 * Start at where we last stopped, or beginning of the zone as
	 * initialized by compact_zone().  6.12's fast_find_migrateblock()
	 * (a search of the free lists for a migration source near the
	 * start) is not here: see Documentation/compaction.rst.
	 */
	low_pfn = cc->migrate_pfn;
	block_start_pfn = rmm_pb_start_pfn(low_pfn);
	if (block_start_pfn < cc->zone->zone_start_pfn)
		block_start_pfn = cc->zone->zone_start_pfn;

	/* Only scan within a pageblock boundary */
	block_end_pfn = rmm_pb_end_pfn(low_pfn);

	/*
	 * Iterate over whole pageblocks until we find the first suitable.
	 * Do not cross the free scanner.
	 */
	for (; block_end_pfn <= cc->free_pfn;
	     cc->migrate_pfn = low_pfn = block_end_pfn,
	     block_start_pfn = block_end_pfn,
	     block_end_pfn += RMM_PAGEBLOCK_NR_PAGES) {

		/*
		 * This can potentially iterate a massively long zone with
		 * many pageblocks unsuitable, so periodically check if we
		 * need to schedule.
		 */
		if (!(low_pfn % (RMM_COMPACT_CLUSTER_MAX *
				 RMM_PAGEBLOCK_NR_PAGES)))
			rmm_cond_resched();

		page = pageblock_pfn_to_page(block_start_pfn, block_end_pfn,
					     cc->zone);
		if (!page)
			continue;

		/*
		 * If isolation recently failed, do not retry.  Only check
		 * the pageblock once.  COMPACT_CLUSTER_MAX causes a
		 * pageblock to be visited multiple times.  Assume skip was
		 * checked before making it "skip" so other compaction
		 * instances do not scan the same block.
		 */
		if ((rmm_pb_start_pfn(low_pfn) == low_pfn ||
		     low_pfn == cc->zone->zone_start_pfn) &&
		    !rmm_isolation_suitable(cc, page))
			continue;

		/*
		 * For async direct compaction, only scan the pageblocks of
		 * the same migratetype without huge pages.  Async direct
		 * compaction is optimistic to see if the minimum amount of
		 * work satisfies the allocation.  The cached PFN is updated
		 * as it's possible that all remaining blocks between source
		 * and target are unsuitable and the compaction scanners fail
		 * to meet.
		 */
		if (!suitable_migration_source(cc, page)) {
			update_cached_migrate(cc, block_end_pfn);
			continue;
		}

		/* Perform the isolation */
		if (rmm_isolate_migratepages_block(cc, low_pfn, block_end_pfn))
			return RMM_ISOLATE_ABORT;

		/*
		 * Either we isolated something and proceed with migration.
		 * Or we failed and compact_zone should decide if we should
		 * continue or not.
		 */
		break;
	}

	return cc->nr_migratepages ? RMM_ISOLATE_SUCCESS : RMM_ISOLATE_NONE;
}
RMM_EXPORT(rmm_isolate_migratepages);

/* is_via_compact_memory(): order -1, the whole zone */
static inline bool is_via_compact_memory(int order)
{
	return order == -1;
}

/*
 * find_suitable_fallback(area, order, mt, only_stealable = true): would
 * an allocation of @mt steal a free block of another type at @order
 * (can_steal_fallback(): order >= pageblock_order / 2, or an unmovable
 * or reclaimable allocation)?  fallbacks[] of page_alloc.c.
 */
static bool compact_fallback_free(const struct rmm_free_area *area,
				  unsigned int order, int mt)
{
	static const int fallbacks[][2] = {
		[RMM_MIGRATE_UNMOVABLE] = { RMM_MIGRATE_RECLAIMABLE,
					    RMM_MIGRATE_MOVABLE },
		[RMM_MIGRATE_MOVABLE] = { RMM_MIGRATE_RECLAIMABLE,
					  RMM_MIGRATE_UNMOVABLE },
		[RMM_MIGRATE_RECLAIMABLE] = { RMM_MIGRATE_UNMOVABLE,
					      RMM_MIGRATE_MOVABLE },
	};
	int i;

	if (mt > RMM_MIGRATE_RECLAIMABLE)
		return false;
	if (order < RMM_PAGEBLOCK_ORDER / 2 && mt == RMM_MIGRATE_MOVABLE)
		return false;
	for (i = 0; i < 2; i++)
		if (READ_ONCE(area->nr_free_mt[fallbacks[mt][i]]))
			return true;
	return false;
}

static enum rmm_compact_result __compact_finished(struct rmm_compact_control *cc)
{
	const int migratetype = cc->migratetype;
	enum rmm_compact_result ret;
	unsigned int order;

	/* Compaction run completes if the migrate and free scanner meet */
	if (rmm_compact_scanners_met(cc)) {
		/* Let the next compaction start anew. */
		rmm_reset_cached_positions(cc->zone);

		/*
		 * Mark that the PG_migrate_skip information should be
		 * cleared by kswapd when it goes to sleep.  kcompactd does
		 * not set the flag itself as the decision to be clear
		 * should be directly based on an allocation request.
		 */
		if (cc->direct_compaction)
			cc->zone->compact_blockskip_flush = true;

		if (cc->whole_zone)
			return RMM_COMPACT_COMPLETE;
		else
			return RMM_COMPACT_PARTIAL_SKIPPED;
	}

	if (cc->proactive_compaction) {
		unsigned int score, wmark_low;

		/*
		 * kswapd_is_running(): the host's reclaim worker; none is
		 * known to the core here (kcompactd, when it exists, passes it)
		 */
		score = rmm_fragmentation_score_zone(cc->zone);
		wmark_low = rmm_fragmentation_score_wmark(cc->zone->mm, true);

		if (score > wmark_low)
			ret = RMM_COMPACT_CONTINUE;
		else
			ret = RMM_COMPACT_SUCCESS;

		goto out;
	}

	if (is_via_compact_memory(cc->order))
		return RMM_COMPACT_CONTINUE;

	/*
	 * Always finish scanning a pageblock to reduce the possibility of
	 * fallbacks in the future.  This is particularly important when
	 * migration source is unmovable/reclaimable but it's not worth
	 * special casing.
	 */
	if (rmm_pb_start_pfn(cc->migrate_pfn) != cc->migrate_pfn)
		return RMM_COMPACT_CONTINUE;

	/* Direct compactor: Is a suitable page free? */
	ret = RMM_COMPACT_NO_SUITABLE_PAGE;
	for (order = cc->order; order < RMM_NR_ORDERS; order++) {
		const struct rmm_free_area *area = &cc->zone->free_area[order];

		/* Job done if page is free of the right migratetype */
		if (READ_ONCE(area->nr_free_mt[migratetype]))
			return RMM_COMPACT_SUCCESS;

		/* MIGRATE_MOVABLE can fallback on MIGRATE_CMA */
		if (migratetype == RMM_MIGRATE_MOVABLE &&
		    READ_ONCE(area->nr_free_mt[RMM_MIGRATE_CMA]))
			return RMM_COMPACT_SUCCESS;

		/*
		 * Job done if allocation would steal freepages from other
		 * migratetype buddy lists.
		 */
		if (compact_fallback_free(area, order, migratetype))
			return RMM_COMPACT_SUCCESS;
	}

out:
	if (cc->contended || rmm_fatal_signal_pending())
		ret = RMM_COMPACT_CONTENDED;

	return ret;
}

enum rmm_compact_result rmm_compact_finished(struct rmm_compact_control *cc)
{
	enum rmm_compact_result ret;

	ret = __compact_finished(cc);
	if (ret == RMM_COMPACT_NO_SUITABLE_PAGE)
		ret = RMM_COMPACT_CONTINUE;

	return ret;
}
RMM_EXPORT(rmm_compact_finished);

enum rmm_compact_result rmm_compact_zone(struct rmm_compact_control *cc)
{
	struct rmm_zone *zone = cc->zone;
	struct rmm_mm *mm = zone->mm;
	enum rmm_compact_result ret;
	unsigned long start_pfn = zone->zone_start_pfn;
	unsigned long end_pfn = rmm_zone_end_pfn(zone);
	unsigned long last_migrated_pfn;
	const bool sync = cc->mode != RMM_MIGRATE_ASYNC;
	bool update_cached;
	unsigned int nr_succeeded = 0;
	int order;

	rmm_might_sleep();

	/*
	 * These counters track activities during zone compaction.
	 * Initialize them before compacting a new zone.
	 */
	cc->total_migrate_scanned = 0;
	cc->total_free_scanned = 0;
	cc->nr_migratepages = 0;
	cc->nr_freepages = 0;
	for (order = 0; order < RMM_NR_ORDERS; order++)
		rmm_plist_init(&cc->freepages[order]);
	rmm_plist_init(&cc->migratepages);

	cc->migratetype = rmm_gfp_migratetype(cc->gfp_mask);

	if (!is_via_compact_memory(cc->order)) {
		ret = rmm_compaction_suit_allocation_order(zone, cc->order,
							   cc->highest_zoneidx,
							   cc->alloc_flags);
		if (ret != RMM_COMPACT_CONTINUE)
			return ret;
	}

	/*
	 * Clear pageblock skip if there were failures recently and
	 * compaction is about to be retried after being deferred.
	 */
	if (rmm_compaction_restarting(zone, cc->order))
		__rmm_reset_isolation_suitable(zone);

	/*
	 * Setup to move all movable pages to the end of the zone.  Used
	 * cached information on where the scanners should start (unless we
	 * explicitly want to compact the whole zone, which is the case for
	 * kcompactd and compact_memory).
	 */
	cc->fast_start_pfn = 0;
	if (cc->whole_zone) {
		cc->migrate_pfn = start_pfn;
		cc->free_pfn = rmm_pb_start_pfn(end_pfn - 1);
	} else {
		cc->migrate_pfn = zone->compact_cached_migrate_pfn[sync];
		cc->free_pfn = zone->compact_cached_free_pfn;
		if (cc->free_pfn < start_pfn || cc->free_pfn >= end_pfn) {
			cc->free_pfn = rmm_pb_start_pfn(end_pfn - 1);
			zone->compact_cached_free_pfn = cc->free_pfn;
		}
		if (cc->migrate_pfn < start_pfn || cc->migrate_pfn >= end_pfn) {
			cc->migrate_pfn = start_pfn;
			zone->compact_cached_migrate_pfn[0] = cc->migrate_pfn;
			zone->compact_cached_migrate_pfn[1] = cc->migrate_pfn;
		}

		if (cc->migrate_pfn <= zone->compact_init_migrate_pfn)
			cc->whole_zone = true;
	}

	last_migrated_pfn = 0;

	/*
	 * Migrate has separate cached PFNs for ASYNC and SYNC* migration on
	 * the basis that some migrations will fail in ASYNC mode.  However,
	 * if the cached PFNs match and pageblocks are skipped due to having
	 * no isolation candidates, then the sync state does not matter.
	 * Until a pageblock with isolation candidates is found, keep the
	 * cached PFNs in sync to avoid revisiting the same blocks.
	 */
	update_cached = !sync &&
		zone->compact_cached_migrate_pfn[0] ==
		zone->compact_cached_migrate_pfn[1];

	while ((ret = rmm_compact_finished(cc)) == RMM_COMPACT_CONTINUE) {
		unsigned long iteration_start_pfn = cc->migrate_pfn;
		int err;

		/*
		 * Avoid multiple rescans of the same pageblock which can
		 * happen if a page cannot be isolated (dirty/writeback in
		 * async mode) or if the migrated pages are being allocated
		 * before the pageblock is cleared.  The first rescan will
		 * capture the entire pageblock for migration.  If it fails,
		 * it'll be marked skip and scanning will proceed as normal.
		 */
		cc->finish_pageblock = false;
		if (rmm_pb_start_pfn(last_migrated_pfn) ==
		    rmm_pb_start_pfn(iteration_start_pfn))
			cc->finish_pageblock = true;

rescan:
		switch (rmm_isolate_migratepages(cc)) {
		case RMM_ISOLATE_ABORT:
			ret = RMM_COMPACT_CONTENDED;
			rmm_putback_movable_pages(mm, &cc->migratepages);
			cc->nr_migratepages = 0;
			goto out;
		case RMM_ISOLATE_NONE:
			if (update_cached)
				zone->compact_cached_migrate_pfn[1] =
					zone->compact_cached_migrate_pfn[0];

			/*
			 * We haven't isolated and migrated anything, but
			 * there might still be unflushed migrations from
			 * previous cc->order aligned block.
			 */
			goto check_drain;
		case RMM_ISOLATE_SUCCESS:
			update_cached = false;
			last_migrated_pfn = max(zone->zone_start_pfn,
				rmm_pb_start_pfn(cc->migrate_pfn - 1));
		}

		err = rmm_migrate_pages(mm, &cc->migratepages,
					rmm_compaction_alloc,
					rmm_compaction_free,
					(unsigned long)cc,
					(enum rmm_migrate_mode)cc->mode,
					RMM_MR_COMPACTION, &nr_succeeded);

		/* All pages were either migrated or will be released */
		cc->nr_migratepages = 0;
		if (err) {
			rmm_putback_movable_pages(mm, &cc->migratepages);
			/*
			 * migrate_pages() may return -ENOMEM when scanners
			 * meet and we want compact_finished() to detect it
			 */
			if (err == -ENOMEM && !rmm_compact_scanners_met(cc)) {
				ret = RMM_COMPACT_CONTENDED;
				goto out;
			}
			/*
			 * If an ASYNC or SYNC_LIGHT fails to migrate a page
			 * within the pageblock_order-aligned block then scan
			 * the remainder of the pageblock.  This will mark the
			 * pageblock "skip" to avoid rescanning in the near
			 * future.
			 */
			if (rmm_pb_start_pfn(cc->migrate_pfn) !=
			    cc->migrate_pfn &&
			    !cc->ignore_skip_hint && !cc->finish_pageblock &&
			    cc->mode < RMM_MIGRATE_SYNC) {
				cc->finish_pageblock = true;

				/*
				 * Draining pcplists does not help THP if any
				 * page failed to migrate.  Even after drain,
				 * the pageblock will not be free.
				 */
				if (cc->order == RMM_COMPACTION_HPAGE_ORDER)
					last_migrated_pfn = 0;

				goto rescan;
			}
		}

check_drain:
		/*
		 * Has the migration scanner moved away from the previous
		 * cc->order aligned block where we migrated from?  If yes,
		 * flush the pages that were freed, so that they can merge
		 * and compact_finished() can detect immediately if
		 * allocation would succeed.
		 */
		if (cc->order > 0 && last_migrated_pfn) {
			unsigned long current_block_start =
				cc_block_start_pfn(cc->migrate_pfn, cc->order);

			if (last_migrated_pfn < current_block_start) {
				/* lru_add_drain_cpu_zone(): the pcp lists */
				rmm_drain_local_pages(mm);
				/* No more flushing until we migrate again */
				last_migrated_pfn = 0;
			}
		}
	}

out:
	/*
	 * Release free pages and update where the free scanner should
	 * restart, so we don't leave any returned pages behind in the next
	 * attempt; count the scanned pages.
	 */
	rmm_compact_finish_free(cc);

	RMM_WARN_ON(!rmm_plist_empty(&cc->migratepages));

	return ret;
}
RMM_EXPORT(rmm_compact_zone);

int rmm_compact_node(struct rmm_node *node, bool proactive)
{
	struct rmm_compact_control cc;
	int zoneid;

	rmm_compact_control_init(&cc, NULL, -1);
	cc.mode = proactive ? RMM_MIGRATE_SYNC_LIGHT : RMM_MIGRATE_SYNC;
	cc.ignore_skip_hint = true;
	cc.whole_zone = true;
	cc.gfp_mask = RMM_GFP_KERNEL;
	cc.proactive_compaction = proactive;

	for (zoneid = 0; zoneid < RMM_MAX_NR_ZONES; zoneid++) {
		struct rmm_zone *zone = &node->node_zones[zoneid];

		if (!zone->mm || !rmm_populated_zone(zone))
			continue;

		if (rmm_fatal_signal_pending())
			return -EINTR;

		cc.zone = zone;
		rmm_compact_zone(&cc);

		if (proactive) {
			count_compact_events(&cc, RMM_KCOMPACTD_MIGRATE_SCANNED,
					     cc.total_migrate_scanned);
			count_compact_events(&cc, RMM_KCOMPACTD_FREE_SCANNED,
					     cc.total_free_scanned);
		}
	}

	return 0;
}
RMM_EXPORT(rmm_compact_node);

int rmm_compact_nodes(struct rmm_mm *mm)
{
	int nid, ret;

	/* Flush pending updates to the LRU lists (lru_add_drain_all()) */
	rmm_drain_all_pages(mm);

	for (nid = 0; nid < mm->nr_nodes; nid++) {
		ret = rmm_compact_node(&mm->nodes[nid], false);
		if (ret)
			return ret;
	}

	return 0;
}
RMM_EXPORT(rmm_compact_nodes);
