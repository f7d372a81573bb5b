// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan.c - page reclaim (contract: vmscan.h).  It follows mm/vmscan.c
 * of Debian's 6.12.117 with MGLRU off (the classic active/inactive lists,
 * which Debian's 6.1 runs by default) and mm/shrinker.c, function by
 * function with the kernel's names:
 *
 *   kswapd:  wakeup_kswapd() -> the glue's thread -> rmm_kswapd_run()
 *            (balance_pgdat() -> kswapd_shrink_node() -> shrink_node())
 *            -> rmm_kswapd_sleep_decision() (kswapd_try_to_sleep())
 *   direct:  rmm_try_to_free_pages() (do_try_to_free_pages() ->
 *            shrink_zones() -> shrink_node())
 *   node:    shrink_node() = prepare_scan_control() + shrink_lruvec() +
 *            shrink_slab(); shrink_lruvec() = get_scan_count() and
 *            shrink_list() rounds of SWAP_CLUSTER_MAX pages
 *   lists:   shrink_active_list() deactivates (the owner's referenced()
 *            clears the references: unmap, so that the next access
 *            faults and says so), shrink_inactive_list() ->
 *            shrink_folio_list(): folio_check_references(), then the
 *            owner's pageout() (unmap, swap out, let go; or start the
 *            write and keep the page, which its end rotates to the
 *            inactive tail for the next pass to free)
 *
 * Differences from the kernel (Documentation/kernel-compat.rst, `lru`):
 * no memcg, no per-CPU LRU batches, no writeback throttling
 * (reclaim_throttle(), too_many_isolated()), no PF_MEMALLOC (owner
 * callbacks and shrinkers must not allocate with __GFP_DIRECT_RECLAIM),
 * isolation takes pages of every zone of the node (the kernel skips
 * pages above reclaim_idx), slab pages a shrinker frees are not counted
 * in nr_reclaimed (the kernel's reclaim_state), only anonymous
 * (swap-backed) pages exist.  With layout.kver 6.1, lru_note_cost()
 * charges pages written only (6.1's cost = nr_pageout; 6.12's nr_io *
 * SWAP_CLUSTER_MAX + nr_rotated) and balance_pgdat() has no second round
 * without cache trim mode (6.1 has no cache_trim_mode_failed).
 *
 * Locking (place in the tree: Documentation/core.rst):
 *   reclaim->shrinker_lock (mutex) is held across the shrinker walk,
 *     so rmm_unregister_shrinker() returns only when no callback of the
 *     shrinker runs; shrinker callbacks run under it (slab.c's takes the
 *     slab root lock and node locks inside).
 *   reclaim->wait_lock (spinlock, irqsave, leaf) protects each node's
 *     kswapd_order/kswapd_highest_zoneidx and the kswapd[] state.
 *   lruvec->lru_lock is taken by lru.c's helpers and lru_note_cost();
 *     never held across an owner callback but pin().
 *   No lock of this file is held across owner callbacks, swap I/O or
 *     the freeing of pages.
 */
#include "internal.h"
#include "lru.h"
#include "vmscan.h"
#include "swapfile.h"
#include "mm_ops.h"
#include "slab.h"

/* per node: the state of the glue's kswapd thread as the core sees it */
struct rmm_kswapd_node {
	bool woken;		/* a wakeup asked for a run (pending) */
	bool sleeping;		/* waitqueue_active(): asleep or napping */
	bool reread_order;	/* last run reclaimed at its order */
	int alloc_order;	/* of the last run */
	int reclaim_order;	/* what balance_pgdat() returned */
	int highest_zoneidx;	/* of the last run */
};

struct rmm_reclaim_state {
	rmm_spinlock_t wait_lock;
	struct rmm_kswapd_node kswapd[RMM_MAX_NUMNODES];
	rmm_mutex_t shrinker_lock;
	struct rmm_shrinker *shrinkers;
	struct rmm_shrinker slab_shrinker;	/* slab.c's empty slabs */
};

/* scan_control, the fields regionmm uses */
struct scan_control {
	unsigned long nr_to_reclaim;
	rmm_gfp_t gfp_mask;
	int reclaim_idx;
	int order;
	int priority;
	bool may_swap;
	bool kswapd;			/* current_is_kswapd() */
	bool may_deactivate_anon, may_deactivate_file;
	bool force_deactivate;
	bool skipped_deactivate;
	bool cache_trim_mode;
	bool cache_trim_mode_failed;
	bool no_cache_trim_mode;
	bool file_is_tiny;
	unsigned long anon_cost, file_cost;
	unsigned long nr_scanned;
	unsigned long nr_reclaimed;
};

/* ------------------------------------------------------------------ */
/* Policy arithmetic (exposed for tests)                              */
/* ------------------------------------------------------------------ */

enum scan_balance {
	SCAN_EQUAL,
	SCAN_FRACT,
	SCAN_ANON,
	SCAN_FILE,
};

#define RMM_MAX_SWAPPINESS	200

/* rmm_ prefix: <linux/mmzone.h> declares is_file_lru(), is_active_lru() */
static inline bool rmm_is_file_lru(enum rmm_lru_list lru)
{
	return lru == RMM_LRU_INACTIVE_FILE || lru == RMM_LRU_ACTIVE_FILE;
}

static inline bool rmm_is_active_lru(enum rmm_lru_list lru)
{
	return lru == RMM_LRU_ACTIVE_ANON || lru == RMM_LRU_ACTIVE_FILE;
}

/* get_scan_count() from its inputs (the kernel's, without memcg) */
void rmm_get_scan_count(const struct rmm_scan_count_in *in,
			unsigned long nr[RMM_NR_LRU_LISTS])
{
	int swappiness = clamp(in->swappiness, 0, RMM_MAX_SWAPPINESS);
	unsigned long anon_cost, file_cost, total_cost;
	u64 fraction[2] = { 0, 0 };
	u64 denominator = 1;
	enum scan_balance scan_balance;
	unsigned long ap, fp;
	int lru;

	if (!in->may_swap) {
		scan_balance = SCAN_FILE;
		goto out;
	}
	if (!in->priority && swappiness) {
		scan_balance = SCAN_EQUAL;
		goto out;
	}
	if (in->file_is_tiny) {
		scan_balance = SCAN_ANON;
		goto out;
	}
	if (in->cache_trim_mode) {
		scan_balance = SCAN_FILE;
		goto out;
	}
	scan_balance = SCAN_FRACT;
	total_cost = in->anon_cost + in->file_cost;
	anon_cost = total_cost + in->anon_cost;
	file_cost = total_cost + in->file_cost;
	total_cost = anon_cost + file_cost;

	ap = swappiness * (total_cost + 1);
	ap /= anon_cost + 1;
	fp = (RMM_MAX_SWAPPINESS - swappiness) * (total_cost + 1);
	fp /= file_cost + 1;

	fraction[0] = ap;
	fraction[1] = fp;
	denominator = ap + fp;
out:
	for (lru = 0; lru < RMM_NR_LRU_LISTS; lru++) {
		bool file = rmm_is_file_lru(lru);
		unsigned long scan = in->lru_size[lru] >> in->priority;

		switch (scan_balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = denominator ?
				(unsigned long)((u64)scan * fraction[file] /
						denominator) : 0;
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((scan_balance == SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[lru] = scan;
	}
}
RMM_EXPORT(rmm_get_scan_count);

bool rmm_inactive_is_low(unsigned long inactive, unsigned long active)
{
	unsigned long inactive_ratio;
	unsigned long gb;

	gb = (inactive + active) >> (30 - RMM_PAGE_SHIFT);
	if (gb)
		inactive_ratio = rmm_int_sqrt(10 * gb);
	else
		inactive_ratio = 1;
	return inactive * inactive_ratio < active;
}
RMM_EXPORT(rmm_inactive_is_low);

/*
 * folio_check_references() for an isolated page: @referenced_ptes from
 * the owner's referenced() (< 0: its locks were busy).  The caller holds
 * the page's lru_lock (page->flags is not atomic).  regionmm has no
 * VM_LOCKED/VM_EXEC and only swap-backed pages, so RECLAIM_CLEAN is
 * returned only for a file page (none exist yet).
 */
enum rmm_page_references rmm_page_check_references(struct rmm_page *page,
						   int referenced_ptes)
{
	bool referenced_page = RmmPageReferenced(page);

	RmmClearPageReferenced(page);
	if (referenced_ptes < 0)
		return RMM_PAGEREF_KEEP;
	if (referenced_ptes) {
		RmmSetPageReferenced(page);
		if (referenced_page || referenced_ptes > 1)
			return RMM_PAGEREF_ACTIVATE;
		return RMM_PAGEREF_KEEP;
	}
	if (referenced_page && !RmmPageSwapbacked(page))
		return RMM_PAGEREF_RECLAIM_CLEAN;
	return RMM_PAGEREF_RECLAIM;
}
RMM_EXPORT(rmm_page_check_references);

/* do_shrink_slab(): delta = (freeable >> priority) * 4 / seeks */
unsigned long rmm_shrinker_delta(unsigned long freeable, int priority,
				 int seeks)
{
	unsigned long long delta;

	if (seeks <= 0)
		seeks = RMM_DEFAULT_SEEKS;
	delta = freeable >> priority;
	delta *= 4;
	return delta / seeks;
}
RMM_EXPORT(rmm_shrinker_delta);

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

/* can_reclaim_anon_pages(): a free swap slot exists */
static bool can_reclaim_anon_pages(struct rmm_mm *mm)
{
	return mm->swap && rmm_can_swap(mm);
}

/* can_age_anon_pages(): swap is configured (total_swap_pages > 0) */
static bool can_age_anon_pages(struct rmm_mm *mm)
{
	unsigned long total = 0, free = 0;

	if (!mm->swap)
		return false;
	rmm_swap_totals(mm, &total, &free);
	return total > 0;
}

/* vm.swappiness (wmark.c's tunable) */
static int mm_swappiness(const struct rmm_mm *mm)
{
	return READ_ONCE(mm->tunables.swappiness);
}

/* lruvec_lru_size(): pages of @lru in the node's zones up to @zone_idx */
static unsigned long lruvec_lru_size(struct rmm_node *node,
				     enum rmm_lru_list lru, int zone_idx)
{
	unsigned long size = 0;
	int zid;

	for (zid = 0; zid <= zone_idx && zid < RMM_MAX_NR_ZONES; zid++) {
		struct rmm_zone *zone = &node->node_zones[zid];

		if (!rmm_managed_zone(zone))
			continue;
		size += rmm_zone_page_state(zone,
					    RMM_NR_ZONE_INACTIVE_ANON + lru);
	}
	return size;
}

static bool inactive_is_low(struct rmm_lruvec *lruvec,
			    enum rmm_lru_list inactive_lru)
{
	return rmm_inactive_is_low(rmm_lruvec_size(lruvec, inactive_lru),
				   rmm_lruvec_size(lruvec, inactive_lru +
						   RMM_LRU_ACTIVE));
}

/*
 * lru_note_cost() (rmm_ prefix: <linux/swap.h> declares it): the cost of reclaiming one kind of page; decayed by
 * half whenever the costs exceed a quarter of the lists' size.
 */
static void rmm_lru_note_cost(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
			  bool file, unsigned long nr_io,
			  unsigned long nr_rotated)
{
	unsigned long cost, lrusize;
	int l;

	if (mm->layout.kver < RMM_KVER(6, 12))
		cost = nr_io;			/* 6.1: nr_pages written */
	else
		cost = nr_io * RMM_SWAP_CLUSTER_MAX + nr_rotated;
	if (!cost)
		return;
	rmm_spin_lock(&lruvec->lru_lock);
	if (file)
		lruvec->file_cost += cost;
	else
		lruvec->anon_cost += cost;
	lrusize = 0;
	for (l = 0; l < RMM_NR_LRU_LISTS; l++)
		lrusize += rmm_lruvec_size(lruvec, l);
	if (lruvec->file_cost + lruvec->anon_cost > lrusize / 4) {
		lruvec->file_cost /= 2;
		lruvec->anon_cost /= 2;
	}
	rmm_spin_unlock(&lruvec->lru_lock);
}

/*
 * lru_note_cost_refault() (6.12; 6.1: lru_note_cost_folio()): a page
 * that was active before its eviction refaulted (workingset.c)
 */
void rmm_lru_note_cost_refault(struct rmm_mm *mm, struct rmm_page *page,
			       bool file)
{
	rmm_lru_note_cost(mm, rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page)),
			  file, 1, 0);
}
RMM_EXPORT(rmm_lru_note_cost_refault);

/* the owner of a page; read right after isolation (pinned) */
static void *lru_page_owner(struct rmm_mm *mm, struct rmm_page *page)
{
	return rmm_page_ext(mm, page)->owner;
}

static void unpin_owners(struct rmm_mm *mm, void **owners, unsigned long n)
{
	const struct rmm_lru_owner_ops *ops = mm->lru->owner;
	unsigned long i;

	for (i = 0; i < n; i++)
		if (ops && ops->unpin)
			ops->unpin(mm, owners[i]);
}

static void free_page_list(struct rmm_mm *mm, struct rmm_plist *list)
{
	while (!rmm_plist_empty(list))
		rmm_mm_free_pages(mm, rmm_plist_pop(mm, list), 0);
}

/* ------------------------------------------------------------------ */
/* The lists                                                          */
/* ------------------------------------------------------------------ */

/*
 * Isolate at most SWAP_CLUSTER_MAX pages and remember their owners (the
 * pin each holds) for the unpin at the end.
 */
static unsigned long isolate_batch(struct rmm_mm *mm,
				   struct rmm_lruvec *lruvec,
				   enum rmm_lru_list lru, unsigned long nr,
				   struct rmm_plist *dst, void **owners,
				   unsigned long *nr_taken)
{
	unsigned long scanned, i = 0;
	struct rmm_page *page;

	nr = min_t(unsigned long, nr, RMM_SWAP_CLUSTER_MAX);
	scanned = rmm_lru_isolate(mm, lruvec, lru, nr, dst, nr_taken);
	rmm_plist_for_each(mm, page, dst)
		owners[i++] = lru_page_owner(mm, page);
	return scanned;
}

/*
 * shrink_active_list(): every page taken from the active list goes to
 * the inactive list; the owner's referenced() clears its references on
 * the way (the kernel keeps only referenced executable file folios
 * active; regionmm has none).
 */
static void shrink_active_list(struct rmm_mm *mm, unsigned long nr_to_scan,
			       struct rmm_lruvec *lruvec,
			       struct scan_control *sc, enum rmm_lru_list lru)
{
	const struct rmm_lru_owner_ops *ops = mm->lru->owner;
	void *owners[RMM_SWAP_CLUSTER_MAX];
	struct rmm_plist hold, free;
	unsigned long nr_taken, nr_scanned, nr_deactivate;
	struct rmm_page *page;

	rmm_plist_init(&hold);
	rmm_plist_init(&free);
	nr_scanned = isolate_batch(mm, lruvec, lru, nr_to_scan, &hold, owners,
				   &nr_taken);
	sc->nr_scanned += nr_scanned;
	rmm_count_vm_events(mm, RMM_PGREFILL, nr_scanned);
	if (!nr_taken)
		return;

	/* references cleared; the result matters for exec file pages only */
	rmm_plist_for_each(mm, page, &hold)
		if (ops && ops->referenced)
			ops->referenced(mm, page);
	/* page flags change under lru_lock (see shrink_folio_list()) */
	rmm_spin_lock(&lruvec->lru_lock);
	rmm_plist_for_each(mm, page, &hold) {
		RmmClearPageActive(page);	/* we are de-activating */
		rmm_page_ext(mm, page)->flags |= RMM_EXT_WORKINGSET;
	}
	rmm_spin_unlock(&lruvec->lru_lock);
	rmm_lru_putback(mm, lruvec, &hold, &free);
	nr_deactivate = nr_taken - free.nr;
	rmm_count_vm_events(mm, RMM_PGDEACTIVATE, nr_deactivate);
	unpin_owners(mm, owners, nr_taken);
	free_page_list(mm, &free);
}

/*
 * shrink_folio_list(): @pages are isolated and pinned.  Pages the owner
 * let go are moved to @freed; the rest stay on @pages (PG_rmm_active set
 * for those to activate).  Returns the pages reclaimed; *nr_pageout
 * counts those written to swap.
 */
static unsigned long shrink_folio_list(struct rmm_mm *mm,
				       struct rmm_lruvec *lruvec,
				       struct rmm_plist *pages,
				       struct rmm_plist *freed,
				       struct scan_control *sc,
				       unsigned long *nr_pageout)
{
	const struct rmm_lru_owner_ops *ops = mm->lru->owner;
	unsigned long nr_reclaimed = 0, pgactivate = 0;
	struct rmm_plist keep;

	rmm_plist_init(&keep);
	*nr_pageout = 0;
	while (!rmm_plist_empty(pages)) {
		struct rmm_page *page = rmm_plist_pop(mm, pages);
		enum rmm_page_references ref;
		enum rmm_pageout res;
		int referenced_ptes = 0;
		bool anon = RmmPageSwapbacked(page);

		rmm_cond_resched();
		/*
		 * folio_test_writeback(): the write an earlier pass started
		 * is still under way.  The kernel's cases 1 and 2 (no
		 * waiting: regionmm has no writeback throttling) activate
		 * it; its end rotates it back to the inactive tail.
		 */
		if (READ_ONCE(rmm_page_ext(mm, page)->flags) &
		    RMM_EXT_WRITEBACK)
			goto activate;
		if (ops && ops->referenced)
			referenced_ptes = ops->referenced(mm, page);
		/*
		 * page->flags is a plain word: rmm_mark_page_accessed() may
		 * set PG_referenced of an isolated page under lru_lock
		 */
		rmm_spin_lock(&lruvec->lru_lock);
		ref = rmm_page_check_references(page, referenced_ptes);
		rmm_spin_unlock(&lruvec->lru_lock);
		switch (ref) {
		case RMM_PAGEREF_ACTIVATE:
			goto activate;
		case RMM_PAGEREF_KEEP:
			goto keep;
		case RMM_PAGEREF_RECLAIM:
		case RMM_PAGEREF_RECLAIM_CLEAN:
			break;
		}
		res = ops && ops->pageout ?
			ops->pageout(mm, page, sc->may_swap) :
			RMM_PAGEOUT_KEEP;
		if (res == RMM_PAGEOUT_ACTIVATE)
			goto activate;
		if (res == RMM_PAGEOUT_KEEP)
			goto keep;
		if (res == RMM_PAGEOUT_WRITEBACK) {
			/* PAGE_SUCCESS, still under writeback: keep */
			(*nr_pageout)++;
			goto keep;
		}
		/* FREED, CLEAN: the owner let go; the page is the reclaimer's */
		rmm_lru_isolated_done(mm, page);
		rmm_plist_add_tail(mm, freed, page);
		nr_reclaimed++;
		if (anon && res == RMM_PAGEOUT_FREED)
			(*nr_pageout)++;
		continue;
activate:
		rmm_spin_lock(&lruvec->lru_lock);
		RmmSetPageActive(page);
		rmm_spin_unlock(&lruvec->lru_lock);
		pgactivate++;
keep:
		rmm_plist_add_tail(mm, &keep, page);
	}
	*pages = keep;
	rmm_count_vm_events(mm, RMM_PGACTIVATE, pgactivate);
	return nr_reclaimed;
}

static unsigned long shrink_inactive_list(struct rmm_mm *mm,
					  unsigned long nr_to_scan,
					  struct rmm_lruvec *lruvec,
					  struct scan_control *sc,
					  enum rmm_lru_list lru)
{
	void *owners[RMM_SWAP_CLUSTER_MAX];
	struct rmm_plist list, free;
	unsigned long nr_taken, nr_scanned, nr_reclaimed, nr_pageout;
	bool file = rmm_is_file_lru(lru);

	rmm_plist_init(&list);
	rmm_plist_init(&free);
	nr_scanned = isolate_batch(mm, lruvec, lru, nr_to_scan, &list, owners,
				   &nr_taken);
	sc->nr_scanned += nr_scanned;
	rmm_count_vm_events(mm, sc->kswapd ? RMM_PGSCAN_KSWAPD :
			    RMM_PGSCAN_DIRECT, nr_scanned);
	rmm_count_vm_events(mm, RMM_PGSCAN_ANON + file, nr_scanned);
	if (!nr_taken)
		return 0;

	nr_reclaimed = shrink_folio_list(mm, lruvec, &list, &free, sc,
					 &nr_pageout);
	rmm_lru_putback(mm, lruvec, &list, &free);
	rmm_count_vm_events(mm, sc->kswapd ? RMM_PGSTEAL_KSWAPD :
			    RMM_PGSTEAL_DIRECT, nr_reclaimed);
	rmm_count_vm_events(mm, RMM_PGSTEAL_ANON + file, nr_reclaimed);
	unpin_owners(mm, owners, nr_taken);
	free_page_list(mm, &free);

	rmm_lru_note_cost(mm, lruvec, file, nr_pageout,
			  nr_scanned - nr_reclaimed);
	return nr_reclaimed;
}

static unsigned long shrink_list(struct rmm_mm *mm, enum rmm_lru_list lru,
				 unsigned long nr_to_scan,
				 struct rmm_lruvec *lruvec,
				 struct scan_control *sc)
{
	if (rmm_is_active_lru(lru)) {
		bool may = rmm_is_file_lru(lru) ? sc->may_deactivate_file :
			sc->may_deactivate_anon;

		if (may)
			shrink_active_list(mm, nr_to_scan, lruvec, sc, lru);
		else
			sc->skipped_deactivate = true;
		return 0;
	}
	return shrink_inactive_list(mm, nr_to_scan, lruvec, sc, lru);
}

/* prepare_scan_control() */
static void prepare_scan_control(struct rmm_mm *mm, struct rmm_node *node,
				 struct scan_control *sc)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(mm, node->node_id);
	unsigned long file, refaults, free, anon, total_high_wmark = 0;
	int z;

	rmm_spin_lock(&lruvec->lru_lock);
	sc->anon_cost = lruvec->anon_cost;
	sc->file_cost = lruvec->file_cost;
	rmm_spin_unlock(&lruvec->lru_lock);

	if (!sc->force_deactivate) {
		refaults = rmm_node_page_state(node,
					       RMM_WORKINGSET_ACTIVATE_ANON);
		sc->may_deactivate_anon = refaults != lruvec->refaults[0] ||
			inactive_is_low(lruvec, RMM_LRU_INACTIVE_ANON);
		refaults = rmm_node_page_state(node,
					       RMM_WORKINGSET_ACTIVATE_FILE);
		sc->may_deactivate_file = refaults != lruvec->refaults[1] ||
			inactive_is_low(lruvec, RMM_LRU_INACTIVE_FILE);
	} else {
		sc->may_deactivate_anon = true;
		sc->may_deactivate_file = true;
	}

	file = rmm_lruvec_size(lruvec, RMM_LRU_INACTIVE_FILE);
	sc->cache_trim_mode = (file >> sc->priority) &&
		!sc->may_deactivate_file && !sc->no_cache_trim_mode;

	free = 0;
	for (z = 0; z < RMM_MAX_NR_ZONES; z++) {
		struct rmm_zone *zone = &node->node_zones[z];

		if (!rmm_managed_zone(zone))
			continue;
		free += rmm_zone_page_state(zone, RMM_NR_FREE_PAGES);
		total_high_wmark += rmm_high_wmark_pages(zone);
	}
	file = rmm_lruvec_size(lruvec, RMM_LRU_ACTIVE_FILE) +
		rmm_lruvec_size(lruvec, RMM_LRU_INACTIVE_FILE);
	anon = rmm_lruvec_size(lruvec, RMM_LRU_INACTIVE_ANON);
	sc->file_is_tiny = file + free <= total_high_wmark &&
		!sc->may_deactivate_anon && (anon >> sc->priority);
}

static void get_scan_count(struct rmm_mm *mm, struct rmm_node *node,
			   struct scan_control *sc,
			   unsigned long nr[RMM_NR_LRU_LISTS])
{
	struct rmm_scan_count_in in;
	int lru;

	for (lru = 0; lru < RMM_NR_LRU_LISTS; lru++)
		in.lru_size[lru] = lruvec_lru_size(node, lru, sc->reclaim_idx);
	in.anon_cost = sc->anon_cost;
	in.file_cost = sc->file_cost;
	in.swappiness = mm_swappiness(mm);
	in.priority = sc->priority;
	in.may_swap = sc->may_swap && can_reclaim_anon_pages(mm);
	in.file_is_tiny = sc->file_is_tiny;
	in.cache_trim_mode = sc->cache_trim_mode;
	rmm_get_scan_count(&in, nr);
}

/* shrink_lruvec(): rounds of SWAP_CLUSTER_MAX per list, proportional */
static void shrink_lruvec(struct rmm_mm *mm, struct rmm_node *node,
			  struct scan_control *sc)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(mm, node->node_id);
	unsigned long nr[RMM_NR_LRU_LISTS], targets[RMM_NR_LRU_LISTS];
	unsigned long nr_reclaimed = 0, nr_to_reclaim = sc->nr_to_reclaim;
	bool proportional_reclaim;
	struct rmm_io_plug plug;
	int lru;

	get_scan_count(mm, node, sc, nr);
	memcpy(targets, nr, sizeof(nr));
	proportional_reclaim = !sc->kswapd &&
		sc->priority == RMM_DEF_PRIORITY;

	/*
	 * The kernel's plug: the swap writes this pass starts (pageout,
	 * asynchronous) reach the device together, merged where their
	 * slots are adjacent; kswapd and direct reclaim alike.
	 */
	rmm_io_plug_start(&plug);
	while (nr[RMM_LRU_INACTIVE_ANON] || nr[RMM_LRU_ACTIVE_FILE] ||
	       nr[RMM_LRU_INACTIVE_FILE]) {
		unsigned long nr_anon, nr_file, percentage, nr_scanned;

		for (lru = 0; lru < RMM_NR_LRU_LISTS; lru++) {
			if (nr[lru]) {
				unsigned long nr_to_scan =
					min_t(unsigned long, nr[lru],
					      RMM_SWAP_CLUSTER_MAX);

				nr[lru] -= nr_to_scan;
				nr_reclaimed += shrink_list(mm, lru, nr_to_scan,
							    lruvec, sc);
			}
		}
		rmm_cond_resched();
		if (nr_reclaimed < nr_to_reclaim || proportional_reclaim)
			continue;

		nr_file = nr[RMM_LRU_INACTIVE_FILE] + nr[RMM_LRU_ACTIVE_FILE];
		nr_anon = nr[RMM_LRU_INACTIVE_ANON] + nr[RMM_LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		if (nr_file > nr_anon) {
			unsigned long scan_target =
				targets[RMM_LRU_INACTIVE_ANON] +
				targets[RMM_LRU_ACTIVE_ANON] + 1;

			lru = RMM_LRU_INACTIVE_ANON;
			percentage = nr_anon * 100 / scan_target;
		} else {
			unsigned long scan_target =
				targets[RMM_LRU_INACTIVE_FILE] +
				targets[RMM_LRU_ACTIVE_FILE] + 1;

			lru = RMM_LRU_INACTIVE_FILE;
			percentage = nr_file * 100 / scan_target;
		}
		nr[lru] = 0;
		nr[lru + RMM_LRU_ACTIVE] = 0;

		lru = lru == RMM_LRU_INACTIVE_FILE ? RMM_LRU_INACTIVE_ANON :
			RMM_LRU_INACTIVE_FILE;
		nr_scanned = targets[lru] - nr[lru];
		nr[lru] = targets[lru] * (100 - percentage) / 100;
		nr[lru] -= min(nr[lru], nr_scanned);

		lru += RMM_LRU_ACTIVE;
		nr_scanned = targets[lru] - nr[lru];
		nr[lru] = targets[lru] * (100 - percentage) / 100;
		nr[lru] -= min(nr[lru], nr_scanned);
	}
	rmm_io_plug_finish(&plug);
	sc->nr_reclaimed += nr_reclaimed;

	if (can_age_anon_pages(mm) &&
	    inactive_is_low(lruvec, RMM_LRU_INACTIVE_ANON))
		shrink_active_list(mm, RMM_SWAP_CLUSTER_MAX, lruvec, sc,
				   RMM_LRU_ACTIVE_ANON);
}

/* ------------------------------------------------------------------ */
/* Shrinkers                                                          */
/* ------------------------------------------------------------------ */

void rmm_register_shrinker(struct rmm_mm *mm, struct rmm_shrinker *s)
{
	struct rmm_reclaim_state *st = mm->reclaim;

	if (!s->batch)
		s->batch = RMM_SHRINK_BATCH;
	if (!s->seeks)
		s->seeks = RMM_DEFAULT_SEEKS;
	memset(s->nr_deferred, 0, sizeof(s->nr_deferred));
	rmm_mutex_lock(&st->shrinker_lock);
	s->next = st->shrinkers;
	st->shrinkers = s;
	rmm_mutex_unlock(&st->shrinker_lock);
}
RMM_EXPORT(rmm_register_shrinker);

void rmm_unregister_shrinker(struct rmm_mm *mm, struct rmm_shrinker *s)
{
	struct rmm_reclaim_state *st = mm->reclaim;
	struct rmm_shrinker **pp;

	rmm_mutex_lock(&st->shrinker_lock);
	for (pp = &st->shrinkers; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	rmm_mutex_unlock(&st->shrinker_lock);
	s->next = NULL;
}
RMM_EXPORT(rmm_unregister_shrinker);

/* do_shrink_slab(); shrinker_lock held */
static unsigned long do_shrink_slab(struct rmm_mm *mm,
				    struct rmm_shrink_control *sc,
				    struct rmm_shrinker *s, int priority)
{
	long batch_size = s->batch ? s->batch : RMM_SHRINK_BATCH;
	long freeable, nr, total_scan, scanned = 0, next_deferred;
	unsigned long freed = 0, delta;

	freeable = s->count_objects(s, sc);
	if (freeable == 0 || (unsigned long)freeable == RMM_SHRINK_EMPTY)
		return freeable;

	nr = s->nr_deferred[sc->nid];
	s->nr_deferred[sc->nid] = 0;

	delta = rmm_shrinker_delta(freeable, priority, s->seeks);
	total_scan = nr >> priority;
	total_scan += delta;
	total_scan = min(total_scan, 2 * freeable);

	while (total_scan >= batch_size || total_scan >= freeable) {
		unsigned long ret;
		unsigned long nr_to_scan = min(batch_size, total_scan);

		sc->nr_to_scan = nr_to_scan;
		sc->nr_scanned = nr_to_scan;
		ret = s->scan_objects(s, sc);
		if (ret == RMM_SHRINK_STOP)
			break;
		freed += ret;
		rmm_count_vm_events(mm, RMM_SLABS_SCANNED, sc->nr_scanned);
		total_scan -= sc->nr_scanned;
		scanned += sc->nr_scanned;
		rmm_cond_resched();
	}

	next_deferred = max_t(long, nr + (long)delta - scanned, 0);
	next_deferred = min(next_deferred, 2 * freeable);
	s->nr_deferred[sc->nid] += next_deferred;
	return freed;
}

/* shrink_slab(): every registered shrinker once, for node @nid */
static unsigned long shrink_slab(struct rmm_mm *mm, rmm_gfp_t gfp, int nid,
				 int priority)
{
	struct rmm_reclaim_state *st = mm->reclaim;
	unsigned long freed = 0;
	struct rmm_shrinker *s;

	rmm_mutex_lock(&st->shrinker_lock);
	for (s = st->shrinkers; s; s = s->next) {
		struct rmm_shrink_control sc = {
			.nid = nid,
			.gfp_mask = gfp,
		};
		unsigned long ret = do_shrink_slab(mm, &sc, s, priority);

		if (ret == RMM_SHRINK_EMPTY)
			ret = 0;
		freed += ret;
	}
	rmm_mutex_unlock(&st->shrinker_lock);
	return freed;
}

/* ------------------------------------------------------------------ */
/* A node                                                             */
/* ------------------------------------------------------------------ */

static void shrink_node(struct rmm_mm *mm, struct rmm_node *node,
			struct scan_control *sc)
{
	unsigned long nr_reclaimed = sc->nr_reclaimed;

	prepare_scan_control(mm, node, sc);
	shrink_lruvec(mm, node, sc);
	shrink_slab(mm, sc->gfp_mask, node->node_id, sc->priority);

	/*
	 * kswapd gives up on a node after too many failures; any progress
	 * (kswapd's or a direct reclaimer's) revives it
	 */
	if (sc->nr_reclaimed - nr_reclaimed)
		WRITE_ONCE(node->kswapd_failures, 0);
	else if (sc->cache_trim_mode)
		sc->cache_trim_mode_failed = true;
}

/* snapshot_refaults() */
static void snapshot_refaults(struct rmm_mm *mm, struct rmm_node *node)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(mm, node->node_id);

	lruvec->refaults[0] = rmm_node_page_state(node,
						  RMM_WORKINGSET_ACTIVATE_ANON);
	lruvec->refaults[1] = rmm_node_page_state(node,
						  RMM_WORKINGSET_ACTIVATE_FILE);
}

/* ------------------------------------------------------------------ */
/* kswapd                                                             */
/* ------------------------------------------------------------------ */

static bool pgdat_watermark_boosted(struct rmm_node *node, int highest_zoneidx)
{
	int i;

	for (i = highest_zoneidx; i >= 0; i--) {
		struct rmm_zone *zone = &node->node_zones[i];

		if (!rmm_managed_zone(zone))
			continue;
		if (READ_ONCE(zone->watermark_boost))
			return true;
	}
	return false;
}

/* pgdat_balanced(): an eligible zone meets its high watermark at @order */
static bool pgdat_balanced(struct rmm_node *node, int order,
			   int highest_zoneidx)
{
	bool any = false;
	int i;

	for (i = 0; i <= highest_zoneidx && i < RMM_MAX_NR_ZONES; i++) {
		struct rmm_zone *zone = &node->node_zones[i];

		if (!rmm_managed_zone(zone))
			continue;
		any = true;
		if (rmm_zone_watermark_ok_safe(zone, order,
					       rmm_high_wmark_pages(zone),
					       highest_zoneidx))
			return true;
	}
	return !any;
}

static bool prepare_kswapd_sleep(struct rmm_node *node, int order,
				 int highest_zoneidx)
{
	if (READ_ONCE(node->kswapd_failures) >= RMM_MAX_RECLAIM_RETRIES)
		return true;
	return pgdat_balanced(node, order, highest_zoneidx);
}

bool rmm_node_unreclaimable(const struct rmm_mm *mm, int nid)
{
	return READ_ONCE(mm->nodes[nid].kswapd_failures) >=
		RMM_MAX_RECLAIM_RETRIES;
}
RMM_EXPORT(rmm_node_unreclaimable);

/* kswapd_shrink_node(): true when the round scanned enough */
static bool kswapd_shrink_node(struct rmm_mm *mm, struct rmm_node *node,
			       struct scan_control *sc)
{
	unsigned long nr_reclaimed = sc->nr_reclaimed;
	int z;

	sc->nr_to_reclaim = 0;
	for (z = 0; z <= sc->reclaim_idx; z++) {
		struct rmm_zone *zone = &node->node_zones[z];

		if (!rmm_managed_zone(zone))
			continue;
		sc->nr_to_reclaim += max_t(unsigned long,
					   rmm_high_wmark_pages(zone),
					   RMM_SWAP_CLUSTER_MAX);
	}
	shrink_node(mm, node, sc);
	/* compact_gap(order) = 2 << order */
	if (sc->order && sc->nr_reclaimed >= (2UL << sc->order))
		sc->order = 0;
	return max(sc->nr_scanned, sc->nr_reclaimed - nr_reclaimed) >=
		sc->nr_to_reclaim;
}

/* kswapd_age_node(): keep the anon inactive list large enough */
static void kswapd_age_node(struct rmm_mm *mm, struct rmm_node *node,
			    struct scan_control *sc)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(mm, node->node_id);

	if (!can_age_anon_pages(mm))
		return;
	if (!inactive_is_low(lruvec, RMM_LRU_INACTIVE_ANON))
		return;
	shrink_active_list(mm, RMM_SWAP_CLUSTER_MAX, lruvec, sc,
			   RMM_LRU_ACTIVE_ANON);
}

static void update_reclaim_active(struct rmm_node *node, int highest_zoneidx,
				  bool active)
{
	int i;

	for (i = 0; i <= highest_zoneidx; i++) {
		struct rmm_zone *zone = &node->node_zones[i];

		if (rmm_managed_zone(zone))
			WRITE_ONCE(zone->flag_reclaim_active, active);
	}
}

/*
 * balance_pgdat(): reclaim until an eligible zone of the node meets its
 * high watermark for @order; returns the order it ended at (0 once
 * compact_gap(order) pages were reclaimed).  Boosted reclaim (a zone's
 * watermark_boost after a fallback steal) reclaims the boost without
 * swapping, gives up raising the priority at DEF_PRIORITY - 2, and the
 * boosts it started with are subtracted at the end.
 */
static int balance_pgdat(struct rmm_mm *mm, struct rmm_node *node, int order,
			 int highest_zoneidx)
{
	unsigned long zone_boosts[RMM_MAX_NR_ZONES] = { 0, };
	unsigned long nr_boost_reclaim = 0;
	struct scan_control sc = {
		.gfp_mask = RMM_GFP_KERNEL,
		.order = order,
		.kswapd = true,
	};
	bool boosted;
	int i;

	rmm_count_vm_events(mm, RMM_PAGEOUTRUN, 1);
	for (i = 0; i <= highest_zoneidx; i++) {
		struct rmm_zone *zone = &node->node_zones[i];

		if (!rmm_managed_zone(zone))
			continue;
		zone_boosts[i] = READ_ONCE(zone->watermark_boost);
		nr_boost_reclaim += zone_boosts[i];
	}
	boosted = nr_boost_reclaim;

restart:
	update_reclaim_active(node, highest_zoneidx, true);
	sc.priority = RMM_DEF_PRIORITY;
	do {
		unsigned long nr_reclaimed = sc.nr_reclaimed;
		bool raise_priority = true;
		bool balanced;

		sc.reclaim_idx = highest_zoneidx;
		balanced = pgdat_balanced(node, sc.order, highest_zoneidx);
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			goto out;
		if (nr_boost_reclaim && sc.priority == RMM_DEF_PRIORITY - 2)
			raise_priority = false;

		sc.may_swap = !nr_boost_reclaim;
		kswapd_age_node(mm, node, &sc);

		sc.nr_scanned = 0;
		if (kswapd_shrink_node(mm, node, &sc))
			raise_priority = false;

		nr_reclaimed = sc.nr_reclaimed - nr_reclaimed;
		nr_boost_reclaim -= min(nr_boost_reclaim, nr_reclaimed);
		if (nr_boost_reclaim && !nr_reclaimed)
			break;
		if (raise_priority || !nr_reclaimed)
			sc.priority--;
	} while (sc.priority >= 1);

	if (mm->layout.kver >= RMM_KVER(6, 12) && !sc.nr_reclaimed &&
	    sc.priority < 1 && !sc.no_cache_trim_mode &&
	    sc.cache_trim_mode_failed) {
		sc.no_cache_trim_mode = true;
		goto restart;
	}
	if (!sc.nr_reclaimed)
		WRITE_ONCE(node->kswapd_failures,
			   READ_ONCE(node->kswapd_failures) + 1);
out:
	update_reclaim_active(node, highest_zoneidx, false);
	if (boosted) {
		unsigned long flags;

		for (i = 0; i <= highest_zoneidx; i++) {
			struct rmm_zone *zone = &node->node_zones[i];

			if (!zone_boosts[i])
				continue;
			rmm_spin_lock_irqsave(&zone->lock, flags);
			zone->watermark_boost -= min(zone->watermark_boost,
						     zone_boosts[i]);
			rmm_spin_unlock_irqrestore(&zone->lock, flags);
		}
	}
	snapshot_refaults(mm, node);
	return sc.order;
}

/* kswapd_highest_zoneidx(): the requested zone, or the previous one */
static int kswapd_highest_zoneidx(struct rmm_node *node, int prev)
{
	int curr = READ_ONCE(node->kswapd_highest_zoneidx);

	return curr == RMM_MAX_NR_ZONES ? prev : curr;
}

/*
 * Phase 1's stand-in, for an instance without reclaim (host tests that
 * never call rmm_reclaim_init()): kswapd's boosted pass would find
 * nothing to reclaim and subtract the boost it started with.
 */
static void drop_boost(struct rmm_node *node, int highest_zoneidx)
{
	unsigned long flags;
	int i;

	for (i = 0; i <= highest_zoneidx && i < RMM_MAX_NR_ZONES; i++) {
		struct rmm_zone *zone = &node->node_zones[i];

		if (!READ_ONCE(zone->watermark_boost))
			continue;
		rmm_spin_lock_irqsave(&zone->lock, flags);
		WRITE_ONCE(zone->watermark_boost, 0);
		rmm_spin_unlock_irqrestore(&zone->lock, flags);
	}
}

void rmm_wakeup_kswapd(struct rmm_mm *mm, struct rmm_zone *zone,
		       unsigned int order, int highest_zoneidx)
{
	struct rmm_reclaim_state *st = mm->reclaim;
	struct rmm_node *node = zone->zone_pgdat;
	struct rmm_kswapd_node *k;
	unsigned long flags;
	bool sleeping;
	int curr_idx;

	if (!rmm_managed_zone(zone))
		return;
	if (!st) {
		drop_boost(node, highest_zoneidx);
		return;
	}
	k = &st->kswapd[node->node_id];
	rmm_spin_lock_irqsave(&st->wait_lock, flags);
	curr_idx = node->kswapd_highest_zoneidx;
	if (curr_idx == RMM_MAX_NR_ZONES || curr_idx < highest_zoneidx)
		WRITE_ONCE(node->kswapd_highest_zoneidx, highest_zoneidx);
	if (node->kswapd_order < (int)order)
		WRITE_ONCE(node->kswapd_order, order);
	sleeping = k->sleeping;
	rmm_spin_unlock_irqrestore(&st->wait_lock, flags);

	/* kswapd is awake: it will see the raised order */
	if (!sleeping)
		return;
	/* hopeless, or nothing to do (kcompactd's wakeup: none here) */
	if (READ_ONCE(node->kswapd_failures) >= RMM_MAX_RECLAIM_RETRIES ||
	    (pgdat_balanced(node, order, highest_zoneidx) &&
	     !pgdat_watermark_boosted(node, highest_zoneidx)))
		return;

	rmm_spin_lock_irqsave(&st->wait_lock, flags);
	k->woken = true;
	rmm_spin_unlock_irqrestore(&st->wait_lock, flags);
	rmm_mm_wake_kswapd(mm, node->node_id);
}
RMM_EXPORT(rmm_wakeup_kswapd);

bool rmm_kswapd_pending(struct rmm_mm *mm, int nid)
{
	struct rmm_reclaim_state *st = mm->reclaim;
	unsigned long flags;
	bool woken;

	rmm_spin_lock_irqsave(&st->wait_lock, flags);
	woken = st->kswapd[nid].woken;
	rmm_spin_unlock_irqrestore(&st->wait_lock, flags);
	return woken;
}
RMM_EXPORT(rmm_kswapd_pending);

unsigned int rmm_kswapd_run(struct rmm_mm *mm, int nid)
{
	struct rmm_reclaim_state *st = mm->reclaim;
	struct rmm_kswapd_node *k = &st->kswapd[nid];
	struct rmm_node *node = &mm->nodes[nid];
	int alloc_order, reclaim_order, hz;
	unsigned long flags;

	rmm_might_sleep();
	rmm_spin_lock_irqsave(&st->wait_lock, flags);
	alloc_order = node->kswapd_order;
	hz = kswapd_highest_zoneidx(node, k->highest_zoneidx);
	WRITE_ONCE(node->kswapd_order, 0);
	WRITE_ONCE(node->kswapd_highest_zoneidx, RMM_MAX_NR_ZONES);
	k->woken = false;
	k->sleeping = false;
	rmm_spin_unlock_irqrestore(&st->wait_lock, flags);

	reclaim_order = balance_pgdat(mm, node, alloc_order, hz);

	rmm_spin_lock_irqsave(&st->wait_lock, flags);
	k->alloc_order = alloc_order;
	k->reclaim_order = reclaim_order;
	k->highest_zoneidx = hz;
	/* kswapd(): "if (reclaim_order < alloc_order) goto kswapd_try_sleep" */
	k->reread_order = reclaim_order >= alloc_order;
	rmm_spin_unlock_irqrestore(&st->wait_lock, flags);
	return reclaim_order;
}
RMM_EXPORT(rmm_kswapd_run);

enum rmm_kswapd_sleep rmm_kswapd_sleep_decision(struct rmm_mm *mm, int nid,
						bool after_nap,
						bool woken_early)
{
	struct rmm_reclaim_state *st = mm->reclaim;
	struct rmm_kswapd_node *k = &st->kswapd[nid];
	struct rmm_node *node = &mm->nodes[nid];
	enum rmm_kswapd_sleep ret;
	unsigned long flags;

	rmm_spin_lock_irqsave(&st->wait_lock, flags);
	if (!after_nap && k->reread_order) {
		/* the top of kswapd()'s loop */
		k->alloc_order = k->reclaim_order = node->kswapd_order;
		k->highest_zoneidx = kswapd_highest_zoneidx(node,
							    k->highest_zoneidx);
		k->reread_order = false;
	}
	if (after_nap && woken_early) {
		/* a wakeup cut the nap short: run for what was asked too */
		WRITE_ONCE(node->kswapd_highest_zoneidx,
			   kswapd_highest_zoneidx(node, k->highest_zoneidx));
		if (node->kswapd_order < k->reclaim_order)
			WRITE_ONCE(node->kswapd_order, k->reclaim_order);
		k->sleeping = false;
		rmm_spin_unlock_irqrestore(&st->wait_lock, flags);
		rmm_count_vm_events(mm, RMM_KSWAPD_LOW_WMARK_HIT_QUICKLY, 1);
		return RMM_KSWAPD_RUN;
	}
	/* sleeping from here: wakeups now set woken (prepare_to_wait()) */
	k->sleeping = true;
	rmm_spin_unlock_irqrestore(&st->wait_lock, flags);

	if (prepare_kswapd_sleep(node, k->reclaim_order, k->highest_zoneidx))
		return after_nap ? RMM_KSWAPD_SLEEP_FULL :
			RMM_KSWAPD_SLEEP_SHORT;

	rmm_spin_lock_irqsave(&st->wait_lock, flags);
	k->sleeping = false;
	ret = RMM_KSWAPD_RUN;
	rmm_spin_unlock_irqrestore(&st->wait_lock, flags);
	rmm_count_vm_events(mm, RMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY, 1);
	return ret;
}
RMM_EXPORT(rmm_kswapd_sleep_decision);

/* ------------------------------------------------------------------ */
/* Direct reclaim                                                     */
/* ------------------------------------------------------------------ */

/* zone_reclaimable_pages(): file pages, and anon pages if swap has room */
unsigned long rmm_zone_reclaimable_pages(struct rmm_zone *zone)
{
	unsigned long nr;

	nr = rmm_zone_page_state(zone, RMM_NR_ZONE_INACTIVE_FILE) +
		rmm_zone_page_state(zone, RMM_NR_ZONE_ACTIVE_FILE);
	if (zone->mm->lru && can_reclaim_anon_pages(zone->mm))
		nr += rmm_zone_page_state(zone, RMM_NR_ZONE_INACTIVE_ANON) +
			rmm_zone_page_state(zone, RMM_NR_ZONE_ACTIVE_ANON);
	return nr;
}
RMM_EXPORT(rmm_zone_reclaimable_pages);

/* shrink_zones(): each node of the zonelist once */
static void shrink_zones(struct rmm_mm *mm, struct rmm_alloc_context *ac,
			 struct scan_control *sc)
{
	struct rmm_node *last_pgdat = NULL;
	const struct rmm_zoneref *zr;

	for (zr = ac->zonelist->_zonerefs; zr->zone; zr++) {
		struct rmm_zone *zone = zr->zone;

		if (zr->zone_idx > sc->reclaim_idx ||
		    !rmm_managed_zone(zone))
			continue;
		if (zone->zone_pgdat == last_pgdat)
			continue;
		last_pgdat = zone->zone_pgdat;
		shrink_node(mm, zone->zone_pgdat, sc);
	}
}

/* do_try_to_free_pages() */
static unsigned long do_try_to_free_pages(struct rmm_mm *mm,
					  struct rmm_alloc_context *ac,
					  struct scan_control *sc)
{
	int initial_priority = sc->priority;
	struct rmm_node *last_pgdat;
	const struct rmm_zoneref *zr;

retry:
	rmm_count_vm_events(mm, RMM_ALLOCSTALL + sc->reclaim_idx, 1);
	do {
		sc->nr_scanned = 0;
		shrink_zones(mm, ac, sc);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
	} while (--sc->priority >= 0);

	last_pgdat = NULL;
	for (zr = ac->zonelist->_zonerefs; zr->zone; zr++) {
		if (zr->zone_idx > sc->reclaim_idx ||
		    zr->zone->zone_pgdat == last_pgdat)
			continue;
		last_pgdat = zr->zone->zone_pgdat;
		snapshot_refaults(mm, last_pgdat);
	}
	if (sc->nr_reclaimed)
		return sc->nr_reclaimed;
	if (sc->skipped_deactivate) {
		sc->priority = initial_priority;
		sc->force_deactivate = true;
		sc->skipped_deactivate = false;
		goto retry;
	}
	return 0;
}

unsigned long rmm_try_to_free_pages(struct rmm_mm *mm,
				    struct rmm_alloc_context *ac,
				    unsigned int order, rmm_gfp_t gfp)
{
	struct scan_control sc = {
		.nr_to_reclaim = RMM_SWAP_CLUSTER_MAX,
		.gfp_mask = gfp,
		.reclaim_idx = ac->highest_zoneidx,
		.order = order,
		.priority = RMM_DEF_PRIORITY,
		.may_swap = true,
	};

	if (!mm->reclaim || !mm->lru)
		return 0;
	RMM_WARN_ON_ONCE(!(gfp & RMM___GFP_DIRECT_RECLAIM));
	rmm_might_sleep();
	return do_try_to_free_pages(mm, ac, &sc);
}
RMM_EXPORT(rmm_try_to_free_pages);

/* ------------------------------------------------------------------ */
/* Setup                                                              */
/* ------------------------------------------------------------------ */

int rmm_reclaim_init(struct rmm_mm *mm)
{
	struct rmm_reclaim_state *st;
	int nid;

	st = rmm_kvzalloc(sizeof(*st));
	if (!st)
		return -ENOMEM;
	rmm_spin_lock_init(&st->wait_lock);
	rmm_mutex_init(&st->shrinker_lock);
	for (nid = 0; nid < RMM_MAX_NUMNODES; nid++) {
		struct rmm_node *node = &mm->nodes[nid];

		node->kswapd_order = 0;
		node->kswapd_highest_zoneidx = RMM_MAX_NR_ZONES;
		node->kswapd_failures = 0;
		/* the thread starts waiting for its first wakeup */
		st->kswapd[nid].sleeping = true;
		st->kswapd[nid].highest_zoneidx = mm->nr_zones - 1;
	}
	mm->reclaim = st;
	rmm_slab_shrinker_init(mm, &st->slab_shrinker);
	rmm_register_shrinker(mm, &st->slab_shrinker);
	return 0;
}
RMM_EXPORT(rmm_reclaim_init);

void rmm_reclaim_fini(struct rmm_mm *mm)
{
	struct rmm_reclaim_state *st = mm->reclaim;

	if (!st)
		return;
	rmm_unregister_shrinker(mm, &st->slab_shrinker);
	RMM_WARN_ON_ONCE(st->shrinkers);
	mm->reclaim = NULL;
	rmm_mutex_destroy(&st->shrinker_lock);
	rmm_kvfree(st);
}
RMM_EXPORT(rmm_reclaim_fini);
