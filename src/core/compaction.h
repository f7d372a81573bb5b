/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compaction.h - compaction's state and arithmetic (compaction.c), after
 * include/linux/compaction.h and the CONFIG_COMPACTION parts of
 * mm/compaction.c and mm/vmstat.c of Debian 6.12.117 (6.1 where it
 * differs: rmm_compaction_zonelist_suitable()), and the compaction
 * engine: the free scanner and the migration callbacks, the migrate
 * scanner, compact_zone(), compact_node()/compact_nodes().  kcompactd
 * and direct compaction build on this.
 *
 * State: struct rmm_zone's compact_* fields (mmzone.h) and the pageblock
 * skip hint rmm_pageblock.skip (PB_migrate_skip: one byte per pageblock
 * in the section's pageblock array, next to the migratetype).  The
 * tunables are mm->tunables.compaction_proactiveness, extfrag_threshold
 * and compact_unevictable_allowed (rmm_set_tunable()).
 *
 * Locking: none taken except by rmm_zone_nr_free_snapshot() and the free
 * scanner (zone->lock, irqs off: a leaf, see core.rst).  Deferral, cached positions and skip
 * bits are hints read and written with no lock, as the kernel's (plain
 * accesses; the skip bytes with READ_ONCE/WRITE_ONCE, as they are shared
 * by every scanner of the zone); the fragmentation functions read
 * free_area[].nr_free without the lock (the kernel's data_race() reads)
 * unless given a snapshot.  Everything here may run in any context except
 * __rmm_reset_isolation_suitable(), rmm_reset_isolation_suitable() and
 * the free scanner (rmm_isolate_freepages*(), rmm_compaction_alloc()),
 * which may reschedule (process context, no spinlock held).
 */
#ifndef _RMM_COMPACTION_H
#define _RMM_COMPACTION_H

#include "page_alloc.h"
#include "plist.h"
#include <regionmm/regionmm.h>

/*
 * false when loaded with compaction=0: the instance behaves as a kernel
 * built without CONFIG_COMPACTION (direct compaction, kcompactd and
 * compact_memory check it; the scanners themselves do not)
 */
static inline bool rmm_compaction_enabled(const struct rmm_mm *mm)
{
	return mm->layout.compaction;
}

/* Do not skip compaction more than 64 times */
#define RMM_COMPACT_MAX_DEFER_SHIFT	6
/* COMPACTION_HPAGE_ORDER: HPAGE_PMD_ORDER on x86-64, = pageblock order */
#define RMM_COMPACTION_HPAGE_ORDER	RMM_PAGEBLOCK_ORDER

/* enum compact_priority, the kernel's values */
enum rmm_compact_priority {
	RMM_COMPACT_PRIO_SYNC_FULL,
	RMM_MIN_COMPACT_PRIORITY = RMM_COMPACT_PRIO_SYNC_FULL,
	RMM_COMPACT_PRIO_SYNC_LIGHT,
	RMM_MIN_COMPACT_COSTLY_PRIORITY = RMM_COMPACT_PRIO_SYNC_LIGHT,
	RMM_DEF_COMPACT_PRIORITY = RMM_COMPACT_PRIO_SYNC_LIGHT,
	RMM_COMPACT_PRIO_ASYNC,
	RMM_INIT_COMPACT_PRIORITY = RMM_COMPACT_PRIO_ASYNC
};

/* enum compact_result, the kernel's values (same in 6.1 and 6.12) */
enum rmm_compact_result {
	RMM_COMPACT_NOT_SUITABLE_ZONE,
	RMM_COMPACT_SKIPPED,
	RMM_COMPACT_DEFERRED,
	RMM_COMPACT_NO_SUITABLE_PAGE,
	RMM_COMPACT_CONTINUE,
	RMM_COMPACT_COMPLETE,
	RMM_COMPACT_PARTIAL_SKIPPED,
	RMM_COMPACT_CONTENDED,
	RMM_COMPACT_SUCCESS,
};

/*
 * compact_gap(): free order-0 pages compaction wants above the watermark
 * so that the free scanner does not run dry while it isolates targets
 */
static inline unsigned long rmm_compact_gap(unsigned int order)
{
	return 2UL << order;
}

/* ---- fragmentation (mm/vmstat.c) ---- */

/* struct contig_page_info */
struct rmm_contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

/* free_area[o].nr_free of every order, under zone->lock (irqs off) */
void rmm_zone_nr_free_snapshot(struct rmm_zone *zone,
			       unsigned long nr_free[RMM_NR_ORDERS]);
/* fill_contig_page_info() from a snapshot, or from the zone (lockless) */
void rmm_contig_page_info_from(const unsigned long nr_free[RMM_NR_ORDERS],
			       unsigned int suitable_order,
			       struct rmm_contig_page_info *info);
void rmm_fill_contig_page_info(struct rmm_zone *zone,
			       unsigned int suitable_order,
			       struct rmm_contig_page_info *info);
/*
 * __fragmentation_index(): 0 when nothing is free, -1000 when a block of
 * @order is free, else 1000 - (1000 + free_pages * 1000 / 2^order) /
 * free_blocks_total (0: lack of memory .. 1000: fragmentation); WARNs and
 * returns 0 for @order > MAX_PAGE_ORDER
 */
int __rmm_fragmentation_index(unsigned int order,
			      const struct rmm_contig_page_info *info);
int rmm_fragmentation_index(struct rmm_zone *zone, unsigned int order);
/* unusable_free_index(): 1000 with nothing free, else permille unusable */
int rmm_unusable_free_index(unsigned int order,
			    const struct rmm_contig_page_info *info);
/* extfrag_for_order(): percent of free pages in blocks below @order */
unsigned int rmm_extfrag_for_order(struct rmm_zone *zone, unsigned int order);

/* ---- deferral ---- */
void rmm_defer_compaction(struct rmm_zone *zone, int order);
bool rmm_compaction_deferred(struct rmm_zone *zone, int order);
void rmm_compaction_defer_reset(struct rmm_zone *zone, int order,
				bool alloc_success);
bool rmm_compaction_restarting(struct rmm_zone *zone, int order);

/* ---- skip hints and scanner positions ---- */
/* get/set/clear_pageblock_skip() of @page's pageblock */
bool rmm_get_pageblock_skip(const struct rmm_mm *mm,
			    const struct rmm_page *page);
void rmm_set_pageblock_skip(const struct rmm_mm *mm,
			    const struct rmm_page *page);
void rmm_clear_pageblock_skip(const struct rmm_mm *mm,
			      const struct rmm_page *page);
/* reset_cached_positions(): scanners back to the zone's ends */
void rmm_reset_cached_positions(struct rmm_zone *zone);
/*
 * __reset_isolation_suitable(): only when compact_blockskip_flush is set
 * (and clears it): walks the zone from both ends, clears the skip bit of
 * pageblocks a sample shows to hold an LRU page (source) or a free page
 * (target) and sets the cached and init positions to the first such
 * blocks; reset_isolation_suitable() does it for every populated zone of
 * @node.  May sleep (rmm_cond_resched()).
 */
void __rmm_reset_isolation_suitable(struct rmm_zone *zone);
void rmm_reset_isolation_suitable(struct rmm_node *node);

/* ---- suitability ---- */
/*
 * compaction_suitable() (6.12's bool): the order-0 watermark (low for
 * costly orders, else min) + compact_gap(order) with ALLOC_CMA against
 * NR_FREE_PAGES, and for costly orders a fragmentation index in
 * [0, extfrag_threshold] says "lack of memory": not suitable.
 */
bool rmm_compaction_suitable(struct rmm_zone *zone, int order,
			     int highest_zoneidx);
/*
 * compaction_suit_allocation_order() (6.12) = 6.1's compaction_suitable():
 * COMPACT_SUCCESS when the allocation's own watermark is met at @order,
 * COMPACT_SKIPPED when not suitable, else COMPACT_CONTINUE.
 */
enum rmm_compact_result
rmm_compaction_suit_allocation_order(struct rmm_zone *zone, unsigned int order,
				     int highest_zoneidx,
				     unsigned int alloc_flags);
/*
 * compaction_zonelist_suitable(): would one zone of the zonelist pass the
 * order-0 check with a share of its reclaimable pages (reclaimable /
 * order + free)?  On 6.1 layouts a zone that already meets its high-order
 * watermark does not count (6.1 returned COMPACT_SUCCESS there).
 */
bool rmm_compaction_zonelist_suitable(struct rmm_mm *mm,
				      const struct rmm_alloc_context *ac,
				      int order, unsigned int alloc_flags);

/* ---- proactive compaction (mm/compaction.c) ---- */
unsigned int rmm_fragmentation_score_zone(struct rmm_zone *zone);
unsigned int rmm_fragmentation_score_zone_weighted(struct rmm_zone *zone);
unsigned int rmm_fragmentation_score_node(struct rmm_node *node);
unsigned int rmm_fragmentation_score_wmark(struct rmm_mm *mm, bool low);
/*
 * should_proactive_compact_node(): proactiveness on, the node's reclaim
 * worker not running (@kswapd_running: the host knows its thread), and
 * the node's score above the high mark
 */
bool rmm_should_proactive_compact_node(struct rmm_node *node,
				       bool kswapd_running);

/* ---- the free scanner (mm/compaction.c's free side) ---- */

/* COMPACT_CLUSTER_MAX (= SWAP_CLUSTER_MAX): isolation batch, lock breaks */
#define RMM_COMPACT_CLUSTER_MAX		32

/*
 * struct compact_control of mm/internal.h (6.12.117), same fields.  The
 * free side uses freepages[] (isolated free blocks by order, each block's
 * head linked through next/prev, private = its order, as the kernel's
 * set_page_private()), nr_freepages (pages on them), free_pfn,
 * total_free_scanned and the flags; migratepages, nr_migratepages,
 * migrate_pfn and the rest belong to the migrate side.  @mode holds an
 * enum rmm_migrate_mode (include/regionmm/regionmm.h).  One compactor owns a control; its lists
 * need no lock.  Set it up with rmm_compact_control_init() and the
 * fields the caller wants.
 */
struct rmm_compact_control {
	struct rmm_plist freepages[RMM_NR_ORDERS];
	struct rmm_plist migratepages;
	unsigned int nr_freepages;	/* pages on freepages[] */
	unsigned int nr_migratepages;	/* pages still to migrate */
	unsigned long free_pfn;		/* isolate_freepages search base */
	unsigned long migrate_pfn;
	unsigned long fast_start_pfn;
	struct rmm_zone *zone;
	unsigned long total_migrate_scanned;
	unsigned long total_free_scanned;
	unsigned short fast_search_fail;
	short search_order;
	rmm_gfp_t gfp_mask;		/* gfp of a direct compactor */
	int order;			/* -1: whole zone (compact_memory) */
	int migratetype;
	unsigned int alloc_flags;
	int highest_zoneidx;
	enum rmm_migrate_mode mode;
	bool ignore_skip_hint;		/* scan blocks even if marked skip */
	bool no_set_skip_hint;		/* do not mark blocks for skipping */
	bool ignore_block_suitable;	/* scan blocks considered unsuitable */
	bool direct_compaction;
	bool proactive_compaction;
	bool whole_zone;
	bool contended;			/* lock contention or fatal signal */
	bool finish_pageblock;
	bool alloc_contig;
};

/* zero @cc, empty lists, @zone, @order */
void rmm_compact_control_init(struct rmm_compact_control *cc,
			      struct rmm_zone *zone, int order);

/* isolation_suitable(): not marked skip (or the hint ignored) */
bool rmm_isolation_suitable(const struct rmm_compact_control *cc,
			    const struct rmm_page *page);
/*
 * update_pageblock_skip(): mark @page's block skipped and pull the
 * zone's cached free pfn down to @pfn (unless cc->no_set_skip_hint)
 */
void rmm_update_pageblock_skip(struct rmm_compact_control *cc,
			       struct rmm_page *page, unsigned long pfn);
/*
 * suitable_migration_target(): not a free block of >= cc->order
 * (pageblock order for a whole-zone compaction; racy read) and a Movable
 * or CMA pageblock unless cc->ignore_block_suitable
 */
bool rmm_suitable_migration_target(const struct rmm_compact_control *cc,
				   struct rmm_page *page);
/* compact_scanners_met(): free scanner at or below the migrate pageblock */
static inline bool rmm_compact_scanners_met(const struct rmm_compact_control *cc)
{
	return (cc->free_pfn >> RMM_PAGEBLOCK_ORDER) <=
		(cc->migrate_pfn >> RMM_PAGEBLOCK_ORDER);
}

/*
 * isolate_freepages_block(): isolate free blocks from [*@start_pfn,
 * @end_pfn) (one pageblock at most) every @stride pages onto
 * @freelist[order]; non-strict stops once nr_freepages covers
 * nr_migratepages; strict (stride 1) stops at the first pfn that is not
 * free and then returns 0.  *@start_pfn: where it stopped.  Counts
 * cc->total_free_scanned and the COMPACTISOLATED event.  Takes and
 * drops zone->lock (irqs off, dropped every COMPACT_CLUSTER_MAX pfns;
 * async mode records contention), may reschedule: process context, no
 * lock held.
 */
unsigned long rmm_isolate_freepages_block(struct rmm_compact_control *cc,
					  unsigned long *start_pfn,
					  unsigned long end_pfn,
					  struct rmm_plist *freelist,
					  unsigned int stride, bool strict);
/*
 * isolate_freepages_range(): every page of [@start_pfn, @end_pfn) must
 * be free: onto cc->freepages[] (reinitialised), returns the pfn after
 * the last isolated page; else nothing stays isolated and it returns 0
 */
unsigned long rmm_isolate_freepages_range(struct rmm_compact_control *cc,
					  unsigned long start_pfn,
					  unsigned long end_pfn);
/*
 * isolate_freepages(): from cc->free_pfn down, pageblock by pageblock,
 * to the end of the migrate scanner's pageblock, isolate free pages
 * from suitable blocks not marked skip until nr_freepages >=
 * nr_migratepages; marks fully scanned blocks skip; leaves cc->free_pfn
 * where the next call resumes.  (6.12's fast_isolate_freepages() is not
 * here yet: see Documentation/compaction.rst.)  Same context as
 * rmm_isolate_freepages_block().
 */
void rmm_isolate_freepages(struct rmm_compact_control *cc);
/*
 * release_free_list(): give every block on @freepages[] back to the
 * allocator; returns the highest pfn given back (0: none)
 */
unsigned long rmm_release_free_list(struct rmm_mm *mm,
				    struct rmm_plist *freepages);
/*
 * The "out:" of compact_zone(): release what is still isolated, pull the
 * cached free pfn up to the highest released pageblock (only back, never
 * forward), count COMPACTMIGRATE_SCANNED and COMPACTFREE_SCANNED.
 */
void rmm_compact_finish_free(struct rmm_compact_control *cc);

/*
 * The migration callbacks (rmm_new_page_t / rmm_free_page_t of the
 * migration core), private = (unsigned long)cc:
 * compaction_alloc(): a block of @src's order from cc->freepages[],
 * splitting a larger one (its halves go back on the lists), isolating
 * more when they are empty (once); NULL if none.  The block is
 * allocated (compound if order > 0); nr_freepages and nr_migratepages
 * go down by its size.  Same context as rmm_isolate_freepages().
 * compaction_free(): a target the migration did not use goes back on
 * cc->freepages[] (unless it cannot be freed); nr_migratepages goes up.
 */
struct rmm_page *rmm_compaction_alloc(struct rmm_page *src,
				      unsigned long data);
void rmm_compaction_free(struct rmm_page *dst, unsigned long data);

/* ---- the migrate scanner and the engine ---- */

/* isolate_migrate_t of mm/compaction.c */
enum rmm_isolate_migrate_t {
	RMM_ISOLATE_ABORT,	/* Abort compaction now */
	RMM_ISOLATE_NONE,	/* No pages isolated, continue scanning */
	RMM_ISOLATE_SUCCESS,	/* Pages isolated, migrate */
};

/*
 * isolate_migratepages_block(): scan [@low_pfn, @end_pfn) (inside one
 * pageblock) and isolate migratable pages (rmm_isolate_movable_page())
 * onto cc->migratepages, stopping after COMPACT_CLUSTER_MAX of them
 * (unless cc->finish_pageblock); free and compound pages are stepped
 * over.  Async direct compaction gives up on a cc->order-aligned block
 * at its first failure (putting back what it took there).  The block's
 * skip bit is checked at its first pfn and set at the first isolation
 * attempt (test_and_set_skip()) or, with nothing isolated, when the
 * block was scanned to its end; then the cached migrate pfns move up.
 * cc->migrate_pfn: where it stopped.  Counts total_migrate_scanned and
 * COMPACTISOLATED.  0, or -EINTR on a fatal signal (cc->contended).
 * Process context, no lock held; may reschedule.
 */
int rmm_isolate_migratepages_block(struct rmm_compact_control *cc,
				   unsigned long low_pfn,
				   unsigned long end_pfn);
/*
 * isolate_migratepages(): from cc->migrate_pfn, pageblock by pageblock
 * below cc->free_pfn, the first present, not skipped,
 * suitable_migration_source() block is scanned by
 * rmm_isolate_migratepages_block().  (No fast_find_migrateblock().)
 */
enum rmm_isolate_migrate_t
rmm_isolate_migratepages(struct rmm_compact_control *cc);
/*
 * compact_finished(): COMPACT_COMPLETE / PARTIAL_SKIPPED when the
 * scanners met (the cached positions reset), for proactive compaction
 * SUCCESS once the zone's score is at the low mark, CONTINUE for a
 * whole-zone compaction (order -1) or inside a pageblock, SUCCESS when
 * a free block of cc->order or more is of cc->migratetype (or one it
 * would steal), CONTENDED on contention, else CONTINUE.
 */
enum rmm_compact_result rmm_compact_finished(struct rmm_compact_control *cc);
/*
 * compact_zone(): cc->zone, order, mode, gfp_mask, alloc_flags,
 * highest_zoneidx and the flags set by the caller (rmm_compact_control_
 * init() first); runs isolate -> rmm_migrate_pages(rmm_compaction_alloc,
 * rmm_compaction_free) -> putback until compact_finished(), then
 * rmm_compact_finish_free().  Returns the compact_result.  May sleep; no
 * lock held.
 */
enum rmm_compact_result rmm_compact_zone(struct rmm_compact_control *cc);
/*
 * compact_node() (6.12: proactive or not; 6.1's compact_node() is
 * proactive = false): whole-zone sync compaction (order -1,
 * ignore_skip_hint) of every populated zone of @node; -EINTR on a fatal
 * signal.  compact_nodes(): every node of @mm, after draining the pcp
 * lists (the kernel's lru_add_drain_all()).  May sleep.
 */
int rmm_compact_node(struct rmm_node *node, bool proactive);
int rmm_compact_nodes(struct rmm_mm *mm);

#endif /* _RMM_COMPACTION_H */
