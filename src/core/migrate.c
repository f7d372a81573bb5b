// SPDX-License-Identifier: GPL-2.0
/*
 * migrate.c - page migration (contract, page kinds, isolation rules and
 * locking: migrate.h).  Follows mm/migrate.c of 6.12.117 for order-0
 * pages: migrate_pages() and migrate_pages_batch() (passes over the list,
 * -EAGAIN retried, -ENOMEM stops, other errors kept for the caller's
 * putback), migrate_folio_unmap()'s "freed under us" case,
 * isolate_movable_page(), putback_movable_pages() and the
 * movable_operations triple.  What the kernel does with the folio lock,
 * the mapping and try_to_migrate() for LRU pages is the owner's
 * ->migrate (lru.h; memobj.c), called with no lock held.
 *
 * Invariants
 *   a page on a caller's migration list has RMM_EXT_ISOLATED; an LRU one
 *   holds one pin of its owner (ext->owner stays set until it is put
 *   back or moved, even as an orphan), dropped here after the move or
 *   the putback; a movable-ops page has RMM_EXT_MOVABLE with ext->owner
 *   = its ops, ext->index = the owner's private value.
 *   pgmigrate_success counts pages moved (and orphans freed),
 *   pgmigrate_fail pages left on the list.
 *
 * Locking: lru_lock of the page's node (below every owner lock) for the
 * ext flags of movable-ops pages, never held across a callback.
 */
#include "internal.h"
#include "migrate.h"
#include "lru.h"
#include "vmstat.h"

static struct rmm_lruvec *page_lruvec(struct rmm_mm *mm,
				      const struct rmm_page *page)
{
	return rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page));
}

static u32 ext_flags_locked(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);
	u32 flags;

	rmm_spin_lock(&lruvec->lru_lock);
	flags = rmm_page_ext(mm, page)->flags;
	rmm_spin_unlock(&lruvec->lru_lock);
	return flags;
}

static void free_page0(struct rmm_mm *mm, struct rmm_page *page)
{
	page->next = RMM_NIL;
	page->prev = RMM_NIL;
	rmm_mm_free_pages(mm, page, 0);
}

/* ------------------------------------------------------------------ */
/* movable-ops pages                                                  */
/* ------------------------------------------------------------------ */

int rmm_mm_set_page_movable(struct rmm_mm *mm, struct rmm_page *page,
			    const struct rmm_movable_operations *ops,
			    unsigned long private)
{
	struct rmm_lruvec *lruvec;
	struct rmm_page_ext *ext;
	int err = 0;

	if (!mm->lru)
		return -EOPNOTSUPP;
	if (!ops || !ops->isolate_page || !ops->migrate_page ||
	    !ops->putback_page)
		return -EINVAL;
	lruvec = page_lruvec(mm, page);
	ext = rmm_page_ext(mm, page);
	rmm_spin_lock(&lruvec->lru_lock);
	if (RmmPageLru(page) || RmmPageBuddy(page) || RmmPagePcp(page) ||
	    ext->flags ||
	    ext->owner)
		err = -EINVAL;
	else {
		ext->owner = (void *)ops;
		ext->index = private;
		ext->flags = RMM_EXT_MOVABLE;
	}
	rmm_spin_unlock(&lruvec->lru_lock);
	return err;
}
RMM_EXPORT(rmm_mm_set_page_movable);

static void clear_movable_locked(struct rmm_page_ext *ext)
{
	ext->owner = NULL;
	ext->index = 0;
	ext->flags = 0;
}

bool rmm_mm_clear_page_movable(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_lruvec *lruvec;
	struct rmm_page_ext *ext;
	bool ours = true;

	if (!mm->lru)
		return true;
	lruvec = page_lruvec(mm, page);
	ext = rmm_page_ext(mm, page);
	rmm_spin_lock(&lruvec->lru_lock);
	if (RMM_WARN_ON(!(ext->flags & RMM_EXT_MOVABLE))) {
		/* not marked: nothing to undo */
	} else if (ext->flags & RMM_EXT_ISOLATED) {
		ext->flags |= RMM_EXT_ORPHAN;
		ours = false;
	} else {
		clear_movable_locked(ext);
	}
	rmm_spin_unlock(&lruvec->lru_lock);
	return ours;
}
RMM_EXPORT(rmm_mm_clear_page_movable);

unsigned long rmm_mm_page_movable_private(struct rmm_mm *mm,
					  const struct rmm_page *page)
{
	return mm->lru ? rmm_page_ext(mm, page)->index : 0;
}
RMM_EXPORT(rmm_mm_page_movable_private);

bool rmm_mm_page_movable(struct rmm_mm *mm, const struct rmm_page *page)
{
	return mm->lru &&
		(READ_ONCE(rmm_page_ext(mm, page)->flags) & RMM_EXT_MOVABLE);
}
RMM_EXPORT(rmm_mm_page_movable);

/*
 * A movable-ops page is no longer isolated: back to its owner, or freed
 * when the owner let go of it meanwhile (an orphan).  No lock held.
 */
static void end_isolation(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);
	bool orphan;

	rmm_spin_lock(&lruvec->lru_lock);
	orphan = ext->flags & RMM_EXT_ORPHAN;
	if (orphan)
		clear_movable_locked(ext);
	else
		ext->flags &= ~RMM_EXT_ISOLATED;
	rmm_spin_unlock(&lruvec->lru_lock);
	if (orphan)
		free_page0(mm, page);
}

/* isolate_movable_page() */
static bool isolate_movable_ops(struct rmm_mm *mm, struct rmm_page *page,
				struct rmm_plist *list)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);
	const struct rmm_movable_operations *ops;

	rmm_spin_lock(&lruvec->lru_lock);
	if ((ext->flags & (RMM_EXT_MOVABLE | RMM_EXT_ISOLATED)) !=
	    RMM_EXT_MOVABLE) {
		rmm_spin_unlock(&lruvec->lru_lock);
		return false;
	}
	/* PageIsolated(): ours from now on, whatever the owner does */
	ext->flags |= RMM_EXT_ISOLATED;
	ops = ext->owner;
	rmm_spin_unlock(&lruvec->lru_lock);

	if (ops->isolate_page(mm, page)) {
		rmm_plist_add_tail(mm, list, page);
		return true;
	}
	end_isolation(mm, page);
	return false;
}

/* putback_movable_pages() for one movable-ops page (on no list) */
static void putback_movable_ops(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, page);
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);
	const struct rmm_movable_operations *ops = NULL;

	rmm_spin_lock(&lruvec->lru_lock);
	if (!(ext->flags & RMM_EXT_ORPHAN))
		ops = ext->owner;
	rmm_spin_unlock(&lruvec->lru_lock);
	if (ops)
		ops->putback_page(mm, page);
	end_isolation(mm, page);
}

/*
 * move_to_new_folio() for a movable-ops page: @dst is marked with the
 * same ops and value first (the owner may publish it in the callback);
 * on success @src loses the mark.  0, -ENOENT (orphan: nothing done),
 * -EAGAIN (the callback's: try again), or -EBUSY (any other error of the
 * callback: this page fails, @dst unmarked again; its own -ENOENT or
 * -ENOMEM must not read as an orphan or as no target page).
 */
static int move_movable_ops(struct rmm_mm *mm, struct rmm_page *dst,
			    struct rmm_page *src, enum rmm_migrate_mode mode)
{
	struct rmm_lruvec *lruvec = page_lruvec(mm, src);
	struct rmm_page_ext *ext = rmm_page_ext(mm, src);
	const struct rmm_movable_operations *ops;
	unsigned long private;
	int rc;

	rmm_spin_lock(&lruvec->lru_lock);
	ops = ext->owner;
	private = ext->index;
	rc = (ext->flags & RMM_EXT_ORPHAN) ? -ENOENT : 0;
	rmm_spin_unlock(&lruvec->lru_lock);
	if (rc)
		return rc;
	rc = rmm_mm_set_page_movable(mm, dst, ops, private);
	if (RMM_WARN_ON(rc))
		return -EBUSY;
	rc = ops->migrate_page(mm, dst, src, mode);
	if (rc) {
		if (!rmm_mm_clear_page_movable(mm, dst))
			return -EBUSY;	/* cannot happen: dst is not isolated */
		return rc == -EAGAIN ? -EAGAIN : -EBUSY;
	}
	rmm_spin_lock(&lruvec->lru_lock);
	clear_movable_locked(ext);
	rmm_spin_unlock(&lruvec->lru_lock);
	return 0;
}

/* ------------------------------------------------------------------ */
/* isolation and putback                                              */
/* ------------------------------------------------------------------ */

bool rmm_isolate_movable_page(struct rmm_mm *mm, struct rmm_page *page,
			      struct rmm_plist *list)
{
	if (!mm->lru || !page)
		return false;
	/* a quick look first; both paths check again under lru_lock */
	if (RmmPageLru(page))
		return rmm_lru_isolate_page(mm, page, list);
	if (READ_ONCE(rmm_page_ext(mm, page)->flags) & RMM_EXT_MOVABLE)
		return isolate_movable_ops(mm, page, list);
	return false;
}
RMM_EXPORT(rmm_isolate_movable_page);

/* an isolated LRU page back to its list, or freed as an orphan; unpin */
static void putback_lru(struct rmm_mm *mm, struct rmm_page *page)
{
	const struct rmm_lru_owner_ops *ops = mm->lru->owner;
	void *owner = rmm_page_ext(mm, page)->owner;
	bool kept = rmm_lru_putback_page(mm, page);

	if (ops && ops->unpin)
		ops->unpin(mm, owner);
	if (!kept)
		free_page0(mm, page);
}

void rmm_putback_movable_pages(struct rmm_mm *mm, struct rmm_plist *l)
{
	struct rmm_page *page;

	while ((page = rmm_plist_pop(mm, l))) {
		page->next = RMM_NIL;
		page->prev = RMM_NIL;
		if (ext_flags_locked(mm, page) & RMM_EXT_MOVABLE)
			putback_movable_ops(mm, page);
		else
			putback_lru(mm, page);
	}
}
RMM_EXPORT(rmm_putback_movable_pages);

/* ------------------------------------------------------------------ */
/* migrate_pages()                                                    */
/* ------------------------------------------------------------------ */

/*
 * migrate_folio_unmap() + migrate_folio_move() for one page of @from: 0
 * (moved, or an orphan freed: the page has left @from and is freed),
 * -ENOMEM (no new page), or the owner's error (the page stays on
 * @from).
 */
static int migrate_one(struct rmm_mm *mm, struct rmm_plist *from,
		       struct rmm_page *page, rmm_new_page_t get_new,
		       rmm_free_page_t put_new, unsigned long private,
		       enum rmm_migrate_mode mode)
{
	const struct rmm_lru_owner_ops *ops = mm->lru->owner;
	u32 flags = ext_flags_locked(mm, page);
	bool movable = flags & RMM_EXT_MOVABLE;
	void *owner = movable ? NULL : rmm_page_ext(mm, page)->owner;
	struct rmm_page *dst;
	int rc;

	if (RMM_WARN_ON(!(flags & RMM_EXT_ISOLATED)))
		return -EBUSY;
	if (flags & RMM_EXT_ORPHAN) {
		/* freed from under us: done, nothing to copy */
		rc = -ENOENT;
		dst = NULL;
		goto done;
	}
	dst = get_new(page, private);
	if (!dst)
		return -ENOMEM;
	rmm_inject(RMM_INJECT_MIGRATE_MOVE, page);
	if (movable)
		rc = move_movable_ops(mm, dst, page, mode);
	else
		rc = ops->migrate(mm, dst, page, mode);
done:
	if (rc && rc != -ENOENT) {
		if (put_new)
			put_new(dst, private);
		else
			free_page0(mm, dst);
		return rc;
	}
	if (rc == -ENOENT && dst) {
		if (put_new)
			put_new(dst, private);
		else
			free_page0(mm, dst);
	}
	rmm_plist_del(mm, from, page);
	if (rc == -ENOENT) {
		/* an orphan: off the isolated count, no owner state left */
		if (movable) {
			struct rmm_lruvec *lruvec = page_lruvec(mm, page);

			rmm_spin_lock(&lruvec->lru_lock);
			clear_movable_locked(rmm_page_ext(mm, page));
			rmm_spin_unlock(&lruvec->lru_lock);
		} else {
			rmm_lru_isolated_done(mm, page);
		}
	}
	if (!movable && ops->unpin)
		ops->unpin(mm, owner);
	free_page0(mm, page);
	return 0;
}

int rmm_migrate_pages(struct rmm_mm *mm, struct rmm_plist *from,
		      rmm_new_page_t get_new, rmm_free_page_t put_new,
		      unsigned long private, enum rmm_migrate_mode mode,
		      enum rmm_migrate_reason reason,
		      unsigned int *nr_succeeded)
{
	unsigned long succeeded = 0, failed_pages = 0;
	int nr_failed = 0, retry = 1, rc_saved = 0, pass, rc;
	struct rmm_plist ret;
	struct rmm_page *page, *next;

	rmm_might_sleep();
	rmm_plist_init(&ret);
	if (!mm->lru)
		goto out;
	for (pass = 0; pass < RMM_MIGRATE_MAX_PASSES && retry; pass++) {
		retry = 0;
		for (page = from->first; page; page = next) {
			next = rmm_plist_next(mm, page);
			rc = migrate_one(mm, from, page, get_new, put_new,
					 private, mode);
			switch (rc) {
			case 0:
				succeeded++;
				break;
			case -EAGAIN:
				retry++;
				break;
			case -ENOMEM:
				/* no memory: do not try the others */
				nr_failed++;
				failed_pages += 1 + retry;
				rc_saved = -ENOMEM;
				goto out;
			default:
				/* a permanent failure: the caller's putback */
				nr_failed++;
				failed_pages++;
				rmm_plist_del(mm, from, page);
				rmm_plist_add_tail(mm, &ret, page);
				break;
			}
		}
		if (retry && mode != RMM_MIGRATE_ASYNC)
			rmm_cond_resched();
	}
	nr_failed += retry;
	failed_pages += retry;
out:
	while ((page = rmm_plist_pop(mm, &ret)))
		rmm_plist_add_tail(mm, from, page);
	if (succeeded)
		rmm_count_vm_events(mm, RMM_PGMIGRATE_SUCCESS, succeeded);
	if (failed_pages)
		rmm_count_vm_events(mm, RMM_PGMIGRATE_FAIL, failed_pages);
	if (nr_succeeded)
		*nr_succeeded = succeeded;
	if (rmm_plist_empty(from))
		return 0;
	return rc_saved ? rc_saved : nr_failed;
}
RMM_EXPORT(rmm_migrate_pages);

/* ------------------------------------------------------------------ */
/* the public API on the global instance (include/regionmm/regionmm.h) */
/* ------------------------------------------------------------------ */

int rmm_set_page_movable(struct rmm_page *page,
			 const struct rmm_movable_operations *ops,
			 unsigned long private)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	return mm ? rmm_mm_set_page_movable(mm, page, ops, private) :
		-EOPNOTSUPP;
}
RMM_EXPORT(rmm_set_page_movable);

bool rmm_clear_page_movable(struct rmm_page *page)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	return mm ? rmm_mm_clear_page_movable(mm, page) : true;
}
RMM_EXPORT(rmm_clear_page_movable);

unsigned long rmm_page_movable_private(const struct rmm_page *page)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	return mm ? rmm_mm_page_movable_private(mm, page) : 0;
}
RMM_EXPORT(rmm_page_movable_private);
