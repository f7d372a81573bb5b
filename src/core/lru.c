// SPDX-License-Identifier: GPL-2.0
/*
 * lru.c - per-node LRU lists and the page extensions (contract and
 * invariants: lru.h).  The kernel's counterparts: folio_add_lru() and
 * lru_add() in mm/swap.c (without the per-CPU folio batches: one
 * lru_lock round trip per page), lruvec_add_folio()/lruvec_del_folio()
 * in include/linux/mm_inline.h, and isolate_lru_folios() /
 * move_folios_to_lru() in mm/vmscan.c.
 *
 * Counters: every list change moves NR_INACTIVE_ANON + lru of the page's
 * node and NR_ZONE_INACTIVE_ANON + lru of its zone by one, under
 * lru_lock, so lists[l].nr equals both sums at any lru_lock-held moment
 * (rmm_lru_validate()).  Isolated pages count in NR_ISOLATED_ANON/FILE.
 *
 * Locking: lruvec->lru_lock (spinlock).  Place in the lock order
 * (Documentation/core.rst): below the memobj view locks,
 * obj->share_lock and the swap locks, above zone->lock; nothing here
 * takes zone->lock (pages are freed by callers after lru_lock is
 * dropped), and the owner's pin() is the only callback made under it.
 */
#include "internal.h"
#include "lru.h"
#include "memobj.h"
#include "vmstat.h"
#include "workingset.h"

static const struct rmm_lru_owner_ops *default_owner_ops;

/* memobj.c registers itself as the default owner of LRU pages */
void rmm_lru_set_default_owner_ops(const struct rmm_lru_owner_ops *ops)
{
	default_owner_ops = ops;
}

void rmm_lru_set_owner_ops(struct rmm_mm *mm,
			   const struct rmm_lru_owner_ops *ops)
{
	mm->lru->owner = ops;
}

static unsigned long ext_bytes(void)
{
	return RMM_PAGES_PER_SECTION * sizeof(struct rmm_page_ext);
}

unsigned long rmm_lru_metadata_bytes(const struct rmm_mm *mm)
{
	return mm->lru ? mm->lru->meta_bytes : 0;
}
RMM_EXPORT(rmm_lru_metadata_bytes);

int rmm_lru_init(struct rmm_mm *mm)
{
	struct rmm_lru_state *st;
	unsigned long s;
	int nid, l;

	st = rmm_kvzalloc(sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->meta_bytes = sizeof(*st);
	for (s = 0; s < mm->nr_sections; s++) {
		struct rmm_mem_section *ms = &mm->sections[s];

		if (!ms->memmap)
			continue;
		ms->ext = rmm_kvzalloc(ext_bytes());
		if (!ms->ext)
			goto fail;
		st->meta_bytes += ext_bytes();
	}
	for (nid = 0; nid < RMM_MAX_NUMNODES; nid++) {
		struct rmm_lruvec *lruvec = &st->lruvec[nid];

		rmm_spin_lock_init(&lruvec->lru_lock);
		for (l = 0; l < RMM_NR_LRU_LISTS; l++)
			rmm_plist_init(&lruvec->lists[l]);
		rmm_atomic_long_set(&lruvec->nonresident_age, 0);
	}
	st->bucket_order = rmm_workingset_bucket_order(rmm_mm_total_managed(mm));
	st->owner = default_owner_ops ?: &rmm_memobj_lru_ops;
	mm->lru = st;
	return 0;
fail:
	while (s--) {
		rmm_kvfree(mm->sections[s].ext);
		mm->sections[s].ext = NULL;
	}
	rmm_kvfree(st);
	return -ENOMEM;
}
RMM_EXPORT(rmm_lru_init);

void rmm_lru_fini(struct rmm_mm *mm)
{
	struct rmm_lru_state *st = mm->lru;
	unsigned long s;
	int nid, l;

	if (!st)
		return;
	for (nid = 0; nid < RMM_MAX_NUMNODES; nid++)
		for (l = 0; l < RMM_NR_LRU_LISTS; l++)
			RMM_WARN_ON_ONCE(st->lruvec[nid].lists[l].nr);
	for (s = 0; s < mm->nr_sections; s++) {
		rmm_kvfree(mm->sections[s].ext);
		mm->sections[s].ext = NULL;
	}
	mm->lru = NULL;
	rmm_kvfree(st);
}
RMM_EXPORT(rmm_lru_fini);

/* lruvec_page_state() of one list: the list's own count */
unsigned long rmm_lruvec_size(const struct rmm_lruvec *lruvec,
			      enum rmm_lru_list lru)
{
	return READ_ONCE(lruvec->lists[lru].nr);
}
RMM_EXPORT(rmm_lruvec_size);

static struct rmm_lruvec *page_lruvec(struct rmm_mm *mm,
				      const struct rmm_page *page)
{
	return rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page));
}

/* update_lru_size(): node and zone counters of list @lru by @delta */
static inline void update_lru_size(struct rmm_mm *mm, struct rmm_page *page,
				   enum rmm_lru_list lru, long delta)
{
	struct rmm_zone *zone = rmm_mm_page_zone(mm, page);

	rmm_mod_node_page_state(zone->zone_pgdat, RMM_NR_INACTIVE_ANON + lru,
				delta);
	rmm_mod_zone_page_state(zone, RMM_NR_ZONE_INACTIVE_ANON + lru, delta);
}

/* lruvec_add_folio() (head) / lruvec_add_folio_tail(); lru_lock held */
void rmm_lru_add_locked(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
			struct rmm_page *page, bool tail)
{
	enum rmm_lru_list lru = rmm_page_lru(page);

	rmm_assert_held(&lruvec->lru_lock);
	RMM_WARN_ON_ONCE(RmmPageLru(page));
	if (tail)
		rmm_plist_add_tail(mm, &lruvec->lists[lru], page);
	else
		rmm_plist_add(mm, &lruvec->lists[lru], page);
	RmmSetPageLru(page);
	update_lru_size(mm, page, lru, 1);
}
RMM_EXPORT(rmm_lru_add_locked);

/* lruvec_del_folio(); lru_lock held, PG_rmm_lru set */
void rmm_lru_del_locked(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
			struct rmm_page *page)
{
	enum rmm_lru_list lru = rmm_page_lru(page);

	rmm_assert_held(&lruvec->lru_lock);
	RMM_WARN_ON_ONCE(!RmmPageLru(page));
	rmm_plist_del(mm, &lruvec->lists[lru], page);
	RmmClearPageLru(page);
	update_lru_size(mm, page, lru, -1);
}
RMM_EXPORT(rmm_lru_del_locked);

void rmm_lru_add(struct rmm_mm *mm, struct rmm_page *page, bool active)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);

	RmmSetPageSwapbacked(page);
	if (active)
		RmmSetPageActive(page);
	else
		RmmClearPageActive(page);
	rmm_spin_lock(&lruvec->lru_lock);
	rmm_lru_add_locked(mm, lruvec, page, false);
	rmm_spin_unlock(&lruvec->lru_lock);
}
RMM_EXPORT(rmm_lru_add);

/* the owner's bits go with the page (the allocator checks PG_rmm_lru) */
static void clear_owner_state(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);

	RmmClearPageActive(page);
	RmmClearPageReferenced(page);
	RmmClearPageSwapbacked(page);
	ext->owner = NULL;
	ext->index = 0;
	ext->flags = 0;
}

bool rmm_lru_release(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);
	bool ours = true;

	rmm_spin_lock(&lruvec->lru_lock);
	if (RmmPageLru(page)) {
		rmm_lru_del_locked(mm, lruvec, page);
	} else if (ext->flags & RMM_EXT_ISOLATED) {
		ext->flags |= RMM_EXT_ORPHAN;
		ours = false;
	}
	if (ours)
		clear_owner_state(mm, page);
	rmm_spin_unlock(&lruvec->lru_lock);
	return ours;
}
RMM_EXPORT(rmm_lru_release);

/*
 * mark_page_accessed(): inactive,unreferenced -> inactive,referenced;
 * inactive,referenced -> active (folio_activate()); active,unreferenced
 * -> active,referenced.  An isolated page only gets PG_referenced.
 */
void rmm_mark_page_accessed(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);

	rmm_spin_lock(&lruvec->lru_lock);
	if (!RmmPageReferenced(page)) {
		RmmSetPageReferenced(page);
	} else if (!RmmPageActive(page) && RmmPageLru(page)) {
		rmm_lru_del_locked(mm, lruvec, page);
		RmmSetPageActive(page);
		RmmClearPageReferenced(page);
		rmm_lru_add_locked(mm, lruvec, page, false);
		rmm_count_vm_events(mm, RMM_PGACTIVATE, 1);
		rmm_workingset_activation(mm, page);
	}
	rmm_spin_unlock(&lruvec->lru_lock);
}
RMM_EXPORT(rmm_mark_page_accessed);

static enum rmm_node_stat_item isolated_item(const struct rmm_page *page)
{
	return RmmPageSwapbacked(page) ? RMM_NR_ISOLATED_ANON :
		RMM_NR_ISOLATED_FILE;
}

/*
 * isolate_lru_folios(): from the tail of @lru, at most @nr pages scanned;
 * the owner's pin() decides whether a page may be taken (a dying owner's
 * pages are rotated to the head, as the kernel moves folios it cannot
 * take with folio_try_get() failing).
 */
unsigned long rmm_lru_isolate(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
			      enum rmm_lru_list lru, unsigned long nr,
			      struct rmm_plist *dst, unsigned long *nr_taken)
{
	const struct rmm_lru_owner_ops *owner = mm->lru->owner;
	struct rmm_plist *src = &lruvec->lists[lru];
	unsigned long scanned = 0, taken = 0;
	struct rmm_plist busy;

	rmm_plist_init(&busy);
	rmm_spin_lock(&lruvec->lru_lock);
	while (scanned < nr && !rmm_plist_empty(src)) {
		struct rmm_page *page = src->last;

		scanned++;
		rmm_lru_del_locked(mm, lruvec, page);
		if (owner && owner->pin && !owner->pin(mm, page)) {
			rmm_plist_add(mm, &busy, page);
			continue;
		}
		rmm_page_ext(mm, page)->flags |= RMM_EXT_ISOLATED;
		rmm_mod_node_page_state(rmm_mm_page_zone(mm, page)->zone_pgdat,
					isolated_item(page), 1);
		rmm_plist_add_tail(mm, dst, page);
		taken++;
	}
	while (!rmm_plist_empty(&busy)) {
		struct rmm_page *page = rmm_plist_pop_tail(mm, &busy);

		rmm_lru_add_locked(mm, lruvec, page, false);
	}
	rmm_spin_unlock(&lruvec->lru_lock);
	*nr_taken = taken;
	return scanned;
}
RMM_EXPORT(rmm_lru_isolate);

/*
 * move_folios_to_lru(): each page back on the list its flags say, at the
 * head; pages whose owner released them while isolated go to @free.
 */
static void lru_putback(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
			struct rmm_plist *pages, struct rmm_plist *free,
			bool age_active)
{
	rmm_spin_lock(&lruvec->lru_lock);
	while (!rmm_plist_empty(pages)) {
		struct rmm_page *page = rmm_plist_pop(mm, pages);
		struct rmm_page_ext *ext = rmm_page_ext(mm, page);

		RMM_WARN_ON_ONCE(!(ext->flags & RMM_EXT_ISOLATED));
		rmm_mod_node_page_state(rmm_mm_page_zone(mm, page)->zone_pgdat,
					isolated_item(page), -1);
		ext->flags &= ~RMM_EXT_ISOLATED;
		if (ext->flags & RMM_EXT_ORPHAN) {
			clear_owner_state(mm, page);
			rmm_plist_add_tail(mm, free, page);
			continue;
		}
		rmm_lru_add_locked(mm, lruvec, page, false);
		if (age_active && RmmPageActive(page))
			rmm_workingset_age_nonresident(lruvec, 1);
	}
	rmm_spin_unlock(&lruvec->lru_lock);
}

void rmm_lru_putback(struct rmm_mm *mm, struct rmm_lruvec *lruvec,
		     struct rmm_plist *pages, struct rmm_plist *free)
{
	lru_putback(mm, lruvec, pages, free, true);
}
RMM_EXPORT(rmm_lru_putback);

void rmm_lru_rotate_reclaimable(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);
	bool rotated = false;

	rmm_spin_lock(&lruvec->lru_lock);
	if (RmmPageLru(page)) {
		rmm_lru_del_locked(mm, lruvec, page);
		RmmClearPageActive(page);
		rmm_lru_add_locked(mm, lruvec, page, true);
		rotated = true;
	}
	rmm_spin_unlock(&lruvec->lru_lock);
	if (rotated)
		rmm_count_vm_events(mm, RMM_PGROTATED, 1);
}
RMM_EXPORT(rmm_lru_rotate_reclaimable);

/*
 * An isolated page the reclaimer now owns outright (the owner let go in
 * pageout()): off the isolated count, owner state cleared; the caller
 * frees it.
 */
bool rmm_lru_isolate_page(struct rmm_mm *mm, struct rmm_page *page,
			  struct rmm_plist *dst)
{
	const struct rmm_lru_owner_ops *owner = mm->lru->owner;
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);
	bool taken = false;

	if (!owner || !owner->migrate)
		return false;
	rmm_spin_lock(&lruvec->lru_lock);
	/* PG_rmm_lru changes only under lru_lock: set, the page is listed */
	if (!RmmPageLru(page))
		goto out;
	if (owner->pin && !owner->pin(mm, page))
		goto out;
	rmm_lru_del_locked(mm, lruvec, page);
	rmm_page_ext(mm, page)->flags |= RMM_EXT_ISOLATED;
	rmm_mod_node_page_state(rmm_mm_page_zone(mm, page)->zone_pgdat,
				isolated_item(page), 1);
	rmm_plist_add_tail(mm, dst, page);
	taken = true;
out:
	rmm_spin_unlock(&lruvec->lru_lock);
	return taken;
}
RMM_EXPORT(rmm_lru_isolate_page);

bool rmm_lru_putback_page(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);
	struct rmm_plist one, orphan;

	rmm_plist_init(&one);
	rmm_plist_init(&orphan);
	rmm_plist_add_tail(mm, &one, page);
	/*
	 * folio_putback_lru(): unlike move_folios_to_lru() it does not age
	 * the workingset for an active page
	 */
	lru_putback(mm, lruvec, &one, &orphan, false);
	return rmm_plist_empty(&orphan);
}
RMM_EXPORT(rmm_lru_putback_page);

void rmm_lru_isolated_done(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);

	rmm_spin_lock(&lruvec->lru_lock);
	RMM_WARN_ON_ONCE(!(ext->flags & RMM_EXT_ISOLATED));
	rmm_mod_node_page_state(rmm_mm_page_zone(mm, page)->zone_pgdat,
				isolated_item(page), -1);
	clear_owner_state(mm, page);
	rmm_spin_unlock(&lruvec->lru_lock);
}
RMM_EXPORT(rmm_lru_isolated_done);

unsigned long rmm_lru_validate(struct rmm_mm *mm)
{
	unsigned long bad = 0;
	int nid, l, z;

	if (!mm->lru)
		return 0;
	for (nid = 0; nid < mm->nr_nodes; nid++) {
		struct rmm_lruvec *lruvec = rmm_node_lruvec(mm, nid);
		struct rmm_node *node = &mm->nodes[nid];

		rmm_spin_lock(&lruvec->lru_lock);
		for (l = 0; l < RMM_NR_LRU_LISTS; l++) {
			struct rmm_plist *list = &lruvec->lists[l];
			unsigned long n = 0;
			long zsum = 0;
			struct rmm_page *p;

			rmm_plist_for_each(mm, p, list) {
				n++;
				if (!RmmPageLru(p) || (int)rmm_page_lru(p) != l ||
				    rmm_mm_page_nid(mm, p) != nid) {
					rmm_pr_err("lru: page %u on list %d of node %d has flags %#x\n",
						   rmm_mm_page_idx(mm, p), l, nid,
						   p->flags);
					bad++;
				}
				if (rmm_page_ext(mm, p)->flags &
				    RMM_EXT_ISOLATED) {
					rmm_pr_err("lru: isolated page %u on list %d\n",
						   rmm_mm_page_idx(mm, p), l);
					bad++;
				}
			}
			for (z = 0; z < mm->nr_zones; z++)
				zsum += rmm_atomic_long_read(
					&node->node_zones[z].vm_stat[RMM_NR_ZONE_INACTIVE_ANON + l]);
			if (n != list->nr ||
			    (long)n != rmm_node_page_state(node,
							   RMM_NR_INACTIVE_ANON + l) ||
			    (long)n != zsum) {
				rmm_pr_err("lru: node %d list %d: %lu pages, nr %lu, node stat %ld, zone stats %ld\n",
					   nid, l, n, list->nr,
					   rmm_node_page_state(node,
							       RMM_NR_INACTIVE_ANON + l),
					   zsum);
				bad++;
			}
		}
		rmm_spin_unlock(&lruvec->lru_lock);
	}
	return bad;
}
RMM_EXPORT(rmm_lru_validate);
