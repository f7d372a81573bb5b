/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migrate.h - page migration (migrate.c): move the contents and the
 * owners' references of movable order-0 pages to other pages, for
 * compaction.  The kernel's counterpart is mm/migrate.c of 6.12.117:
 * migrate_pages(), isolate_movable_page(), putback_movable_pages() and
 * the movable_operations of non-LRU pages.
 *
 * Page kinds that migrate
 *   - LRU pages (lru.h): their owner's ->migrate (memobj.c: pages mapped
 *     through views, private or shared, shared among views after fork,
 *     and pages in the swap cache with or without index entries);
 *   - movable-ops pages: pages a user of regionmm marked with
 *     rmm_mm_set_page_movable() (the in-kernel API of
 *     include/regionmm/regionmm.h, and /dev/regionmm's movable
 *     allocations): its isolate/migrate/putback callbacks.
 * Anything else is not isolated (rmm_isolate_movable_page() false), and
 * a page that its owner cannot move now fails (counted in pgmigrate_fail),
 * never changed.
 *
 * Isolation
 *   An isolated page is held by the caller on its list (through
 *   page->next/prev) with RMM_EXT_ISOLATED set: an LRU page is off its
 *   list and pinned (its owner's ->pin()), a movable-ops page was
 *   accepted by its ->isolate_page().  Until rmm_migrate_pages() moved it
 *   or rmm_putback_movable_pages() gave it back, nobody else frees it: an
 *   owner that lets go of it meanwhile (a punch, an unmap, the object's
 *   last put, rmm_mm_clear_page_movable()) marks it RMM_EXT_ORPHAN and
 *   migration frees it (counted as migrated, as the kernel's
 *   migrate_folio_unmap() does with a folio freed under it).
 *
 * Locking: no lock is held across the owners' callbacks; the page's
 * lru_lock guards RMM_EXT_MOVABLE/ISOLATED/ORPHAN of movable-ops pages,
 * as it does for LRU pages (lru.h).  The allocation callback runs with
 * no regionmm lock held.  memobj.c's ->migrate takes obj->lock and the
 * view locks (trylocks), share_lock, the swap and LRU locks, in the
 * order of memobj.h.  Place in the lock order (Documentation/core.rst):
 * migrate.c itself holds only lru_lock, briefly, never across a call.
 */
#ifndef _RMM_MIGRATE_H
#define _RMM_MIGRATE_H

#include "rmm_port.h"
#include "mmzone.h"
#include "plist.h"
#include <regionmm/regionmm.h>

/* include/linux/migrate_mode.h: enum migrate_reason */
enum rmm_migrate_reason {
	RMM_MR_COMPACTION,
	RMM_MR_MEMORY_FAILURE,
	RMM_MR_MEMORY_HOTPLUG,
	RMM_MR_SYSCALL,
	RMM_MR_MEMPOLICY_MBIND,
	RMM_MR_NUMA_MISPLACED,
	RMM_MR_CONTIG_RANGE,
	RMM_MR_LONGTERM_PIN,
	RMM_MR_DEMOTION,
	RMM_MR_DAMON,
	RMM_MR_TYPES
};

/* mm/migrate.c: NR_MAX_MIGRATE_PAGES_RETRY */
#define RMM_MIGRATE_MAX_PASSES	10

/*
 * Test injection point (rmm_inject()): in rmm_migrate_pages(), after the
 * new page was allocated and before the owner is asked to move the
 * isolated page; no lock held.  arg: the isolated struct rmm_page *.
 */
#define RMM_INJECT_MIGRATE_MOVE	0x110

/* new_folio_t / free_folio_t */
typedef struct rmm_page *(*rmm_new_page_t)(struct rmm_page *src,
					   unsigned long private);
typedef void (*rmm_free_page_t)(struct rmm_page *dst, unsigned long private);

/*
 * migrate_pages(): move every page of @from (isolated by
 * rmm_isolate_movable_page()) to a page from @get_new (NULL: -ENOMEM,
 * the rest stays); a new page that was not used goes to @put_new (NULL:
 * rmm_mm_free_pages()).  Moved pages are freed and leave @from; a page
 * its owner reports busy (-EAGAIN) is tried again, up to
 * RMM_MIGRATE_MAX_PASSES passes (the sync modes reschedule between
 * passes); the others stay on @from for the caller's
 * rmm_putback_movable_pages().  Returns the number of pages not
 * migrated, or -ENOMEM; *@nr_succeeded (may be NULL) the number moved.
 * Counts pgmigrate_success and pgmigrate_fail.  May sleep.
 */
int rmm_migrate_pages(struct rmm_mm *mm, struct rmm_plist *from,
		      rmm_new_page_t get_new, rmm_free_page_t put_new,
		      unsigned long private, enum rmm_migrate_mode mode,
		      enum rmm_migrate_reason reason,
		      unsigned int *nr_succeeded);

/*
 * Isolate @page for migration onto the tail of @list: an LRU page whose
 * owner can migrate (isolate_lru_folio()), or a movable-ops page whose
 * ->isolate_page() agrees (isolate_movable_page()).  false for any other
 * page (free, slab, kernel, already isolated, an instance without the
 * LRU state), which is left as it was.  Takes lru_lock; may call the
 * owner's callback (no lock held).
 */
bool rmm_isolate_movable_page(struct rmm_mm *mm, struct rmm_page *page,
			      struct rmm_plist *list);

/*
 * putback_movable_pages(): every page of @l back to its owner (LRU list
 * or ->putback_page()); orphans are freed.  @l is empty after.
 */
void rmm_putback_movable_pages(struct rmm_mm *mm, struct rmm_plist *l);

/*
 * Movable-ops pages (the kernel's __SetPageMovable()/__ClearPageMovable()
 * with page->mapping's movable_operations).  set: @page (allocated,
 * order 0, on no LRU list, not yet marked) is now migratable through
 * @ops; -EINVAL for a page that is on the LRU or marked already,
 * -EOPNOTSUPP without the LRU state (rmm_lru_init()).  clear: before the
 * owner frees it; false: a migration holds it isolated and frees it (the
 * caller must not).  private: the value given to set.  Take lru_lock.
 */
int rmm_mm_set_page_movable(struct rmm_mm *mm, struct rmm_page *page,
			    const struct rmm_movable_operations *ops,
			    unsigned long private);
bool rmm_mm_clear_page_movable(struct rmm_mm *mm, struct rmm_page *page);
unsigned long rmm_mm_page_movable_private(struct rmm_mm *mm,
					  const struct rmm_page *page);
bool rmm_mm_page_movable(struct rmm_mm *mm, const struct rmm_page *page);

#endif /* _RMM_MIGRATE_H */
