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
 * Arithmetic (6.12.117, classic LRU; PHASE2 notes; each with its kernel
 * function name in vmscan.c):
 *   get_scan_count(): swappiness sw (0..200), anon_cost/file_cost;
 *     tot = anon_cost + file_cost; ap = sw * (tot+anon_cost + tot+file_cost
 *     + 1) / (tot+anon_cost + 1) ... (as the kernel), scan = (size >>
 *     priority) * fraction / denominator; no swap space => no anon scan.
 *   inactive_is_low(): inactive * int_sqrt(10 * gb) < active (gb = size
 *     of both lists in GiB, ratio 1 below 1 GiB).
 *   folio_check_references(): referenced_ptes (owner->referenced()),
 *     PG_referenced: activate / keep / reclaim.
 *   balance_pgdat(): DEF_PRIORITY 12 down to 1, nr_to_reclaim = sum of
 *     max(high wmark, SWAP_CLUSTER_MAX) of eligible zones, boost handling
 *     (no swap while boosted, priority stops at 10), order drops to 0
 *     after compact_gap(order) pages reclaimed, kswapd_failures.
 *   should_reclaim_retry(): MAX_RECLAIM_RETRIES 16.
 *   shrinkers: delta = (freeable >> priority) * 4 / seeks, batch 128.
 *
 * Locking: reclaim runs in process or kthread context, may sleep, holds
 * no lock of its own across the owner's callbacks; lruvec->lru_lock
 * only around list operations; reclaim->wait_lock (spinlock, leaf, any
 * context: wakeups come from the allocator with interrupts possibly
 * off) protects each node's kswapd_order/kswapd_highest_zoneidx;
 * reclaim->shrinker_lock (mutex) the shrinker list.  Lock order:
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
 * kswapd_try_to_sleep()'s decisions.  RMM_KSWAPD_SLEEP_SHORT: nap HZ/10
 * (prepare_kswapd_sleep() true), then ask again with @after_nap =
 * true; RMM_KSWAPD_SLEEP_FULL: sleep until woken; RMM_KSWAPD_RUN: not
 * balanced (or woken meanwhile): run again.  Counts
 * kswapd_low_wmark_hit_quickly / kswapd_high_wmark_hit_quickly as the
 * kernel does (a nap cut short / a full sleep cut short: @woken_early).
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
 * should_reclaim_retry() (page_alloc.c's slow path calls it): @did_progress
 * from the last direct reclaim; *no_progress_loops is the caller's
 * counter.  True: retry the allocation.
 */
bool rmm_should_reclaim_retry(struct rmm_mm *mm, struct rmm_alloc_context *ac,
			      unsigned int order, unsigned int alloc_flags,
			      bool did_progress, int *no_progress_loops);

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
/* folio_check_references() on a page with @referenced_ptes (lru_lock not
 * needed: the page is isolated); sets/clears PG_rmm_referenced */
enum rmm_page_references rmm_page_check_references(struct rmm_page *page,
						   int referenced_ptes);

/* do_shrink_slab()'s arithmetic: objects to scan this round */
unsigned long rmm_shrinker_delta(unsigned long freeable, int priority,
				 int seeks);

#endif /* _RMM_VMSCAN_H */
