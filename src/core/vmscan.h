/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmscan.h - page reclaim (vmscan.c): the classic two-list LRU policy of
 * mm/vmscan.c (6.1's, and 6.12's with MGLRU off; kernel-compat.rst row
 * `lru`), kswapd's balance_pgdat() as a function the glue's per-node
 * thread calls, direct reclaim for the allocation slow path, and the
 * shrinker API.
 *
 * Policy in the core, mechanism in the glue: the glue owns the threads
 * (src/linux/kswapd.c), sleeping and waking; the core decides what to
 * scan, when a node is balanced, how long to sleep, and keeps the
 * counters.  Time comes from mm->ops->now_ns (a fake clock in tests).
 *
 * Arithmetic (6.12.117, classic LRU; the same in 6.1; each with its
 * kernel function name in vmscan.c):
 *   get_scan_count(): sw = vm.swappiness (0..200).  No swap possible:
 *     file lists only.  Priority 0 and sw > 0: every list in full.  File
 *     tiny: anon only; cache trim mode: file only.  Otherwise
 *       tot = anon_cost + file_cost
 *       ac  = tot + anon_cost          fc = tot + file_cost
 *       ap  = sw * (ac + fc + 1) / (ac + 1)
 *       fp  = (200 - sw) * (ac + fc + 1) / (fc + 1)
 *     and list l of kind k (anon or file) scans
 *       (size(l) >> priority) * (k == anon ? ap : fp) / (ap + fp)
 *     (integer division at each step).
 *   inactive_is_low(): inactive * ratio < active, ratio = int_sqrt(10 *
 *     gb) with gb = (inactive + active) in whole GiB, 1 below 1 GiB.
 *   folio_check_references(): referenced_ptes from the owner's
 *     referenced() (< 0: busy -> keep); referenced: set PG_referenced,
 *     activate if it was already set or more than one mapping
 *     referenced it, else keep; unreferenced: reclaim (reclaim-clean for
 *     a file page that had PG_referenced).
 *   lru_note_cost(): 6.12: cost += pages_written * SWAP_CLUSTER_MAX +
 *     pages_rotated; 6.1: cost += pages_written; both halved when
 *     anon_cost + file_cost > (size of the four lists) / 4.
 *   balance_pgdat(): DEF_PRIORITY 12 down to 1, nr_to_reclaim per round
 *     = sum over eligible zones of max(high wmark, SWAP_CLUSTER_MAX);
 *     boost: reclaim sum(watermark_boost) pages beyond a balanced node
 *     without swapping, not below priority 10; a node below its
 *     (boosted) high mark gets normal reclaim instead; the boosts it
 *     started with are subtracted at the end; the order drops to 0 once
 *     compact_gap(order) = 2 << order pages were reclaimed; a run that
 *     reclaims nothing: kswapd_failures++.
 *   should_reclaim_retry(): up to MAX_RECLAIM_RETRIES (16) rounds in a
 *     row without progress, while a zone's free + reclaimable pages pass
 *     its min watermark (page_alloc.c implements it, as the kernel).
 *   shrinkers (do_shrink_slab()): delta = (freeable >> priority) * 4 /
 *     seeks; total = min((nr_deferred >> priority) + delta, 2 *
 *     freeable); scanned in batches of 128 while total >= batch or total
 *     >= freeable; nr_deferred = min(max(nr + delta - scanned, 0), 2 *
 *     freeable).  seeks 0 means DEFAULT_SEEKS here (the kernel's 0 is
 *     "freeable / 2").
 *
 * Locking: reclaim runs in process or kthread context, may sleep, holds
 * no lock of its own across the owner's callbacks; lruvec->lru_lock
 * only around list operations; reclaim->wait_lock (spinlock, leaf, any
 * context: wakeups come from the allocator with interrupts possibly
 * off) protects each node's kswapd_order/kswapd_highest_zoneidx;
 * reclaim->shrinker_lock (mutex) the shrinker list; it is held across
 * the shrinkers' callbacks (so that unregistering waits for them), which
 * must not allocate with __GFP_DIRECT_RECLAIM.  Lock order:
 * Documentation/core.rst.
 */
#ifndef _RMM_VMSCAN_H
#define _RMM_VMSCAN_H

#include "rmm_port.h"
#include "mmzone.h"
#include "lru.h"

#define RMM_DEF_PRIORITY		12
#define RMM_SWAP_CLUSTER_MAX		32
#define RMM_MAX_RECLAIM_RETRIES		16
#define RMM_DEFAULT_SEEKS		2
#define RMM_SHRINK_BATCH		128
#define RMM_SHRINK_STOP			(~0UL)
#define RMM_SHRINK_EMPTY		(~0UL - 1)

/* shrinkers: the kernel's struct shrinker, for users of regionmm's slab */
struct rmm_shrink_control {
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;	/* set by scan_objects if it differs */
	rmm_gfp_t gfp_mask;
};

struct rmm_shrinker {
	unsigned long (*count_objects)(struct rmm_shrinker *s,
				       struct rmm_shrink_control *sc);
	unsigned long (*scan_objects)(struct rmm_shrinker *s,
				      struct rmm_shrink_control *sc);
	long batch;			/* 0: RMM_SHRINK_BATCH */
	int seeks;			/* 0: RMM_DEFAULT_SEEKS */
	void *private_data;
	/* vmscan.c's: */
	struct rmm_shrinker *next;
	long nr_deferred[RMM_MAX_NUMNODES];
};

/*
 * Register/unregister a shrinker with @mm.  Unregister waits until no
 * reclaim is inside the shrinker's callbacks.  May sleep.
 */
void rmm_register_shrinker(struct rmm_mm *mm, struct rmm_shrinker *s);
void rmm_unregister_shrinker(struct rmm_mm *mm, struct rmm_shrinker *s);

/* per instance: mm->reclaim */
struct rmm_reclaim_state;

/* after rmm_lru_init(); before the glue starts the kswapd threads */
int rmm_reclaim_init(struct rmm_mm *mm);
void rmm_reclaim_fini(struct rmm_mm *mm);

/*
 * wakeup_kswapd(): a zone of node @zone's node cannot serve @order at low
 * (or is boosted).  Raises the node's kswapd_order/highest_zoneidx and
 * asks the glue to wake the thread (mm->ops->wake_kswapd) unless the node
 * is hopeless (kswapd_failures >= 16) or already balanced and not
 * boosted.  Any context; does not sleep.
 */
void rmm_wakeup_kswapd(struct rmm_mm *mm, struct rmm_zone *zone,
		       unsigned int order, int highest_zoneidx);

/*
 * One pass of node @nid's kswapd: what the body of kswapd()'s loop does
 * after it woke: read and reset the requested order/zoneidx, run
 * balance_pgdat(), count pageoutrun.  Returns the order reclaimed for.
 * The glue's thread calls it, then rmm_kswapd_sleep_decision() to learn
 * how to sleep.  May sleep (owner callbacks, swap I/O).
 */
unsigned int rmm_kswapd_run(struct rmm_mm *mm, int nid);

/*
 * kswapd_try_to_sleep()'s decisions, asked after rmm_kswapd_run() with
 * @after_nap false: RMM_KSWAPD_SLEEP_SHORT when prepare_kswapd_sleep()
 * (balanced at the order reclaimed for, or hopeless) -> nap HZ/10 and ask
 * again with @after_nap true and @woken_early = a wakeup ended the nap;
 * then RMM_KSWAPD_SLEEP_FULL (sleep until rmm_kswapd_pending()) or
 * RMM_KSWAPD_RUN (not balanced, or woken early: run again).  Counts
 * kswapd_low_wmark_hit_quickly for a nap cut short and
 * kswapd_high_wmark_hit_quickly for a node found unbalanced before or
 * after the nap, as the kernel does.  Once it returned SHORT or FULL,
 * wakeups make rmm_kswapd_pending() true and call ops->wake_kswapd.
 */
enum rmm_kswapd_sleep {
	RMM_KSWAPD_RUN,
	RMM_KSWAPD_SLEEP_SHORT,
	RMM_KSWAPD_SLEEP_FULL,
};
enum rmm_kswapd_sleep rmm_kswapd_sleep_decision(struct rmm_mm *mm, int nid,
						bool after_nap,
						bool woken_early);

/* node @nid has work waiting (a wakeup raised its order/zoneidx) */
bool rmm_kswapd_pending(struct rmm_mm *mm, int nid);

/*
 * try_to_free_pages(): direct reclaim for an allocation of @order with
 * @gfp (must contain __GFP_DIRECT_RECLAIM) from the zones of @ac's
 * zonelist; counts allocstall for @highest_zoneidx and pgscan_direct...
 * Returns the pages reclaimed.  May sleep.
 */
struct rmm_alloc_context;
unsigned long rmm_try_to_free_pages(struct rmm_mm *mm,
				    struct rmm_alloc_context *ac,
				    unsigned int order, rmm_gfp_t gfp);

/*
 * should_reclaim_retry() (page_alloc.c, its slow path calls it): @did_progress
 * from the last direct reclaim; *no_progress_loops is the caller's
 * counter.  True: retry the allocation.
 */
bool rmm_should_reclaim_retry(struct rmm_mm *mm, struct rmm_alloc_context *ac,
			      unsigned int order, unsigned int alloc_flags,
			      bool did_progress, int *no_progress_loops);

/*
 * zone_reclaimable_pages(): pages of @zone reclaim could free (its file
 * LRU pages, and its anon LRU pages while a swap slot is free)
 */
unsigned long rmm_zone_reclaimable_pages(struct rmm_zone *zone);

/* node_unreclaimable for zoneinfo: kswapd_failures >= 16 */
bool rmm_node_unreclaimable(const struct rmm_mm *mm, int nid);

/*
 * The policy functions, exposed for host tests against hand-worked
 * values (each is the kernel function of the same name without rmm_).
 */
struct rmm_scan_count_in {
	unsigned long lru_size[RMM_NR_LRU_LISTS];
	unsigned long anon_cost, file_cost;
	int swappiness;
	int priority;
	bool may_swap;		/* swap space exists and swapping allowed */
	bool file_is_tiny;
	bool cache_trim_mode;
};
void rmm_get_scan_count(const struct rmm_scan_count_in *in,
			unsigned long nr[RMM_NR_LRU_LISTS]);
bool rmm_inactive_is_low(unsigned long inactive, unsigned long active);

enum rmm_page_references {
	RMM_PAGEREF_RECLAIM,
	RMM_PAGEREF_RECLAIM_CLEAN,
	RMM_PAGEREF_KEEP,
	RMM_PAGEREF_ACTIVATE,
};
/*
 * folio_check_references() on an isolated page with @referenced_ptes;
 * sets/clears PG_rmm_referenced, so the caller holds the page's
 * lru_lock (rmm_mark_page_accessed() may set that flag meanwhile)
 */
enum rmm_page_references rmm_page_check_references(struct rmm_page *page,
						   int referenced_ptes);

/* do_shrink_slab()'s arithmetic: objects to scan this round */
unsigned long rmm_shrinker_delta(unsigned long freeable, int priority,
				 int seeks);

/*
 * lru_note_cost_refault(): @page (not on the LRU yet, so @file says what
 * it is) refaulted and was active before its eviction.  Takes lru_lock.
 */
void rmm_lru_note_cost_refault(struct rmm_mm *mm, struct rmm_page *page,
			       bool file);

#endif /* _RMM_VMSCAN_H */
