/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lru.h - per-node LRU lists and the per-page extension that tells
 * reclaim who owns a page (lru.c).  The kernel's counterparts: struct
 * lruvec and mm/swap.c's folio_add_lru()/lru_add (no per-CPU batches
 * here), mm/vmscan.c's isolation, and the mapping/index/swap fields of
 * struct folio, which regionmm keeps beside its 16-byte descriptor.
 *
 * The page extension
 * ------------------
 * Every present page has a struct rmm_page_ext (24 bytes) in a per-section
 * array (section->ext, rmm_kvzalloc()ed by rmm_lru_init(), counted in
 * meminfo's Metadata:).  While a page belongs to a memory object it holds
 * owner = the object, index = its pgoff (every view that holds the page
 * holds it at that pgoff); while it is in the swap cache, swap = its slot.
 *
 * Lists
 * -----
 * struct rmm_lruvec (one per node, rmm_node_lruvec()): four lists linked
 * through page->next/prev (the owner's fields while a page is allocated).
 * A page is on list lru_of(page) = (PG_rmm_swapbacked ? anon : file) +
 * (PG_rmm_active ? active : inactive).
 *
 * Invariants (checked by rmm_lru_validate())
 *   PG_rmm_lru  <=>  the page is on exactly one list of its node's lruvec,
 *                    the list lru_of(page)
 *   lruvec->lists[l].nr == node NR_INACTIVE_ANON + l == sum over the
 *   node's zones of NR_ZONE_INACTIVE_ANON + l
 *   a page with PG_rmm_lru clear and RMM_EXT_ISOLATED set is held by one
 *   reclaimer (vmscan.c) or migration (migrate.c), which puts it back or
 *   frees it; nobody else frees it: rmm_lru_release() of such a page sets
 *   RMM_EXT_ORPHAN and the isolator frees it when done (the kernel's
 *   isolation reference).
 *
 * Locking: lruvec->lru_lock (spinlock; below the memobj view locks and
 * obj->share_lock, above zone->lock, which it never takes: pages are
 * freed after it is dropped) protects the lists, PG_rmm_lru/active and
 * the ext flags.  ext->owner/index are written by the owner under its own
 * locks while the page is not on an LRU list, or under lru_lock.
 */
#ifndef _RMM_LRU_H
#define _RMM_LRU_H

#include "rmm_port.h"
#include "mmzone.h"
#include "plist.h"

enum rmm_lru_list {
	RMM_LRU_INACTIVE_ANON,
	RMM_LRU_ACTIVE_ANON,
	RMM_LRU_INACTIVE_FILE,
	RMM_LRU_ACTIVE_FILE,
	RMM_NR_LRU_LISTS
};

#define RMM_LRU_ACTIVE	1
#define RMM_LRU_FILE	2

/* ext->flags */
#define RMM_EXT_YOUNG		BIT(0)	/* mapped since the last reference
					 * check (a young PTE's stand-in) */
#define RMM_EXT_ISOLATED	BIT(1)	/* off the LRU, held by a reclaimer */
#define RMM_EXT_ORPHAN		BIT(2)	/* released while isolated */
#define RMM_EXT_SWAPCACHE	BIT(3)	/* in the swap cache: ext->swap */
#define RMM_EXT_WRITEBACK	BIT(4)	/* being written to swap */
#define RMM_EXT_WORKINGSET	BIT(5)	/* PG_workingset */
#define RMM_EXT_RECLAIM		BIT(6)	/* PG_reclaim: reclaim wants it once
					 * its write ends: rotate then */
#define RMM_EXT_READAHEAD	BIT(8)	/* PG_readahead: read by swap readahead,
					 * no fault has found it yet */
#define RMM_EXT_MOVABLE		BIT(9)	/* not on the LRU: a movable-ops page
					 * (migrate.h): owner = its ops,
					 * index = the owner's private value */

struct rmm_page_ext {
	void *owner;		/* struct rmm_memobj *, NULL: none */
	u64 index;		/* pgoff in the owner */
	u32 swap;		/* swap entry while RMM_EXT_SWAPCACHE */
	u32 flags;		/* RMM_EXT_* */
};

struct rmm_lruvec {
	rmm_spinlock_t lru_lock;
	struct rmm_plist lists[RMM_NR_LRU_LISTS];
	/*
	 * vmscan.c's balance of anon and file reclaim (lruvec->anon_cost,
	 * file_cost), under lru_lock
	 */
	unsigned long anon_cost;
	unsigned long file_cost;
	/* workingset.c: nonresident_age (evictions + activations) */
	rmm_atomic_long_t nonresident_age;
	/* refaults at the last reclaim round (snapshot_refaults()) */
	unsigned long refaults[2];
};

/* the ext of a page (rmm_lru_init() done) */
static inline struct rmm_page_ext *rmm_page_ext(const struct rmm_mm *mm,
						const struct rmm_page *page)
{
	u32 idx = rmm_mm_page_idx(mm, page);

	return &mm->sections[idx >> RMM_SECTION_ORDER].ext[idx &
		(RMM_PAGES_PER_SECTION - 1)];
}

static inline enum rmm_lru_list rmm_page_lru(const struct rmm_page *page)
{
	return (RmmPageSwapbacked(page) ? 0 : RMM_LRU_FILE) +
		(RmmPageActive(page) ? RMM_LRU_ACTIVE : 0);
}

/*
 * The owner of pages on the LRU (memobj.c; a host test's fake).  vmscan.c
 * reaches a page's owner only through these.
 */
enum rmm_pageout {
	RMM_PAGEOUT_FREED,	/* written, and the owner let go: the
				 * reclaimer frees it */
	RMM_PAGEOUT_CLEAN,	/* let go without a write (a clean page in
				 * the swap cache): the reclaimer frees it */
	RMM_PAGEOUT_KEEP,	/* busy (a lock, I/O error, no swap): keep */
	RMM_PAGEOUT_ACTIVATE,	/* cannot be reclaimed now: activate */
	RMM_PAGEOUT_WRITEBACK,	/* written asynchronously: keep (PAGE_SUCCESS
				 * of a folio still under writeback) */
};

struct rmm_lru_owner_ops {
	/*
	 * lru_lock held, PG_rmm_lru set: take a reference on the page's
	 * owner so that it outlives the isolation.  false: the owner is
	 * going away; the page stays on the list.
	 */
	bool (*pin)(struct rmm_mm *mm, struct rmm_page *page);
	/* drop what pin() took (no lock held; may free the owner) */
	void (*unpin)(struct rmm_mm *mm, void *owner);
	/*
	 * folio_referenced(): how many mappings referenced the page since
	 * the last call, and clear that (RMM_EXT_YOUNG, removing the page's
	 * entries so that the next access faults and says so again); < 0:
	 * the owner is busy (trylock failed).  @page is isolated and
	 * pinned.  May sleep.
	 */
	int (*referenced)(struct rmm_mm *mm, struct rmm_page *page);
	/*
	 * try_to_unmap() and pageout(): take the page away from every
	 * holder (swap entries in their place when @may_swap and a slot
	 * is free) and write it out.  @page is isolated and pinned.  May
	 * sleep.
	 */
	enum rmm_pageout (*pageout)(struct rmm_mm *mm, struct rmm_page *page,
				    bool may_swap);
	/*
	 * migrate_folio_unmap() + move_to_new_folio() for migrate.c: @src
	 * is isolated and pinned, @dst a new order-0 page on no list.  0:
	 * @dst took @src's place everywhere (indices, swap cache, LRU list
	 * and flags, counters; @src's user entries removed), @src is off
	 * the isolated count with its owner state cleared: the caller frees
	 * it.  -ENOENT: @src was released meanwhile (an orphan): nothing
	 * done.  -EAGAIN: busy (a lock, writeback); -EBUSY: cannot be
	 * moved.  @dst untouched on error.  @mode: enum rmm_migrate_mode.
	 * NULL: the owner's pages are not migratable.  May sleep.
	 */
	int (*migrate)(struct rmm_mm *mm, struct rmm_page *dst,
		       struct rmm_page *src, int mode);
};

/* per instance: mm->lru */
struct rmm_lru_state {
	struct rmm_lruvec lruvec[RMM_MAX_NUMNODES];
	const struct rmm_lru_owner_ops *owner;	/* memobj.c's by default */
	/* workingset.c's bucket_order (workingset_init()), set at init */
	unsigned int bucket_order;
	unsigned long meta_bytes;	/* this struct and the exts */
};

static inline struct rmm_lruvec *rmm_node_lruvec(struct rmm_mm *mm, int nid)
{
	return &mm->lru->lruvec[nid];
}

/* tests: replace the owner (before any page is on a list) */
void rmm_lru_set_owner_ops(struct rmm_mm *mm,
			   const struct rmm_lru_owner_ops *ops);
/* the owner every new instance gets (memobj.c's, set at its first use) */
void rmm_lru_set_default_owner_ops(const struct rmm_lru_owner_ops *ops);

/* bytes of the exts and lruvecs (meminfo's Metadata:) */
unsigned long rmm_lru_metadata_bytes(const struct rmm_mm *mm);

/*
 * Allocate the page extensions and the per-node lruvecs (after
 * rmm_mm_init(), before any memory object exists); -ENOMEM leaves nothing.
 * rmm_lru_fini(): every list must be empty.
 */
int rmm_lru_init(struct rmm_mm *mm);
void rmm_lru_fini(struct rmm_mm *mm);

/*
 * A page the owner just took (not on any list, PG_rmm_lru clear): put it
 * on the inactive (or, @active, the active) anon list of its node
 * (folio_add_lru(); lru_cache_add_inactive_or_unevictable() for a
 * new anonymous page).  Counts NR_*_ANON and NR_ZONE_*_ANON.
 * Takes lru_lock.
 */
void rmm_lru_add(struct rmm_mm *mm, struct rmm_page *page, bool active);

/*
 * The owner lets go of @page for good (it is about to free it).  Returns
 * true when the page was on a list (now off it, counters lowered) or on
 * none: the caller frees it.  Returns false when a reclaimer holds it
 * isolated: it is marked RMM_EXT_ORPHAN and the reclaimer frees it; the
 * caller must not.  Takes lru_lock.
 */
bool rmm_lru_release(struct rmm_mm *mm, struct rmm_page *page);

/*
 * mark_page_accessed() for an owner that saw an access (lru_lock); an
 * activation ages nonresident_age (workingset_activation())
 */
void rmm_mark_page_accessed(struct rmm_mm *mm, struct rmm_page *page);

/*
 * Isolation (vmscan.c): take up to @nr pages from the tail of list @lru
 * into @dst, setting RMM_EXT_ISOLATED and clearing PG_rmm_lru, counting
 * NR_ISOLATED_ANON; pages the owner's ->pin() refuses are rotated to the
 * head.  Returns the number scanned (taken + refused).  Takes lru_lock.
 */
unsigned long rmm_lru_isolate(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
			      enum rmm_lru_list lru, unsigned long nr,
			      struct rmm_plist *dst, unsigned long *nr_taken);

/*
 * Put isolated pages back on the list their PG_rmm_active says (head);
 * an active one ages its node's nonresident_age (move_folios_to_lru());
 * orphans are moved to @free instead, to be freed by the caller after
 * the owner's ->unpin().  Takes lru_lock.
 */
void rmm_lru_putback(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
		     struct rmm_plist *pages, struct rmm_plist *free);

/*
 * folio_rotate_reclaimable(): @page's write for reclaim ended clean; if it
 * is on a list (not isolated), move it to the tail of the inactive list,
 * clearing PG_rmm_active, and count pgrotated (lru_move_tail()).  Takes
 * lru_lock.
 */
void rmm_lru_rotate_reclaimable(struct rmm_mm *mm, struct rmm_page *page);

/*
 * An isolated page its owner gave up in pageout(): off the isolated
 * count, owner state cleared; the reclaimer frees it.  Takes lru_lock.
 */
void rmm_lru_isolated_done(struct rmm_mm *mm, struct rmm_page *page);

/*
 * isolate_lru_folio() of one page for migration: if @page is on an LRU
 * list and its owner has a migrate op and pins it, it leaves the list
 * for the tail of @dst (RMM_EXT_ISOLATED, NR_ISOLATED_ANON), true.
 * Safe on any page (a free or foreign page: false).  Takes lru_lock.
 */
bool rmm_lru_isolate_page(struct rmm_mm *mm, struct rmm_page *page,
			  struct rmm_plist *dst);
/*
 * Put back one isolated page (on no list now) as rmm_lru_putback(), but
 * without ageing the workingset (folio_putback_lru());
 * false: it was an orphan, now with no owner state: the caller frees it
 * after the owner's ->unpin().  Takes lru_lock.
 */
bool rmm_lru_putback_page(struct rmm_mm *mm, struct rmm_page *page);

/* lru_lock held by the caller for the helpers below */
void rmm_lru_add_locked(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
			struct rmm_page *page, bool tail);
void rmm_lru_del_locked(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
			struct rmm_page *page);

/* pages on list @lru of @lruvec (lruvec_page_state(), no lock) */
unsigned long rmm_lruvec_size(const struct rmm_lruvec *lruvec,
			      enum rmm_lru_list lru);

/* check the invariants above; returns the number of violations (logged) */
unsigned long rmm_lru_validate(struct rmm_mm *mm);

#endif /* _RMM_LRU_H */
