/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memobj.h - memory objects: the regionmm memory that processes map
 * (memobj.c).  The kernel's counterparts are a shmem inode's page cache
 * (shared objects) and anonymous memory with its copy-on-write after fork
 * (private objects).
 *
 * Objects and views
 * -----------------
 * A memory object (struct rmm_memobj) is a sparse array of order-0 pages
 * indexed by page offset (pgoff), with a size in pages.  Its pages are
 * reached through views (struct rmm_memview), each with its own index
 * pgoff -> page:
 *   - a SHARED object (memfd, the device file) has exactly one view, used
 *     by every mapping in every address space: all see the same pages;
 *   - a PRIVATE object (anonymous memory under rmm-run) has one view per
 *     address space that maps it.  rmm_memview_fork() gives a child address
 *     space a view whose index is a copy of the parent's, every page now
 *     shared; the first write through either view copies the page.
 * An address space is named by an opaque cookie (the glue's struct
 * mm_struct pointer); the core never dereferences it.
 *
 * Reclaim and swap
 * ----------------
 * An index entry is a page, or a swap entry (swapfile.h) where reclaim
 * took the page away.  memobj.c owns its pages on the LRU (lru.h): each
 * page in an index has ext->owner = its object, ext->index = its pgoff,
 * and is on an LRU list or isolated by a reclaimer; a fault that maps a
 * page sets RMM_EXT_YOUNG.  The owner ops (rmm_memobj_lru_ops) pin the
 * object, test and clear young (removing the page's user entries through
 * mm->ops->unmap_obj), and page out: every entry holding the page becomes
 * its swap entry, the page goes through the swap cache and is freed.  A
 * fault on a swap entry reads the page back, or takes it from the swap
 * cache (fault->major says which).  Without rmm_lru_init() (an instance
 * without reclaim) no page is on a list and nothing is swapped.
 * Migration (migrate.h): the owner op ->migrate moves a page to a new
 * one under obj->lock and every view lock (trylocked, as reclaim's):
 * index entries, swap cache slot, share count and LRU state follow it,
 * its user entries are removed through unmap_obj.
 *
 * Invariants (checked by rmm_memobj_validate())
 *   page->private == number of views whose index holds the page
 *                    ("share count", >= 1 while the page is in any index)
 *   a swap entry's slot count (rmm_swap_count()) == number of index
 *   entries, in all views of its object, that hold it (entries are never
 *   shared between objects); the share count of a page counts only the
 *   entries that hold the page itself.  A page in the swap cache that
 *   some index holds while entries still hold its slot is shared with
 *   them: never writable through a view (copy on write)
 *   each page's (and each swap entry's) entries are at one pgoff
 *   a page in an index is allocated, order 0, from obj->mm, and is in no
 *   other object's index; with the LRU: its ext names the object and that
 *   pgoff, it is on an LRU list or isolated, and not an orphan
 *   v->nr_pages == entries of v's index (pages and swap entries),
 *   v->nr_swap == its swap entries;  obj->size bounds every pgoff
 *   of a SHARED object's index (private objects: no size, see below)
 *   NR_ANON_MAPPED (node of the page) counts each resident page of
 *   private views once (swapped-out ones not); NR_FILE_PAGES and NR_SHMEM
 *   count each resident page of shared objects (swapfile.c adds the swap
 *   cache's pages to NR_FILE_PAGES);
 *   NR_FILE_MAPPED counts the pages of shared objects marked mapped
 *   (PG_rmm_owner_priv: faulted into a mapping since the glue last
 *   reported their range unmapped everywhere)
 *   metadata bytes (objects, views, index nodes) of all objects of an
 *   instance == rmm_memobj_metadata_bytes() (meminfo Metadata:)
 *
 * Freeing: pages leave an index onto a caller's victim list (struct
 * rmm_plist, initialised with rmm_plist_init()) and go back to the allocator only through
 * rmm_memobj_free_victims(), which the glue calls after it has removed
 * every page-table entry that may still map them (unmap_mapping_range()):
 * a page is never free while a user mapping can reach it.  Exception: the
 * last rmm_memview_put() of a PRIVATE view, and the last rmm_memobj_put()
 * of a SHARED object, free the pages they drop themselves (no mapping can
 * exist: every mapping holds a view reference).  A page leaves the LRU
 * (rmm_lru_release()) before it goes on a victim list; one a reclaimer
 * holds isolated at that moment is not put there but left to the
 * reclaimer (an orphan), its user entries removed at once (unmap_obj),
 * and so is a page in the swap cache whose slot other entries still hold
 * (it stays in the cache for them).  Swap entries leaving an index free
 * their slot count (rmm_swap_free()).
 *
 * Locking (order: mmap_lock -> obj->lock -> view lock -> i_mmap_rwsem ->
 * PTE lock -> zone lock; see Documentation/core.rst)
 *   view->lock (sleeping mutex) serialises its index; the glue holds it
 *   from rmm_memview_fault() until the PTE is installed, so that a page
 *   removed from the index cannot be mapped afterwards.
 *   obj->lock (sleeping mutex) protects the object's size and list of
 *   views; taken before a view's lock, never after.  Several view locks
 *   are held at once only under obj->lock.
 *   obj->share_lock (spinlock) protects the share counts of a PRIVATE
 *   object's pages, which several views' locks reach, and the swap cache
 *   membership of the object's pages (faults that take a page from the
 *   cache against the reclaimer that drops it); the swap and LRU
 *   spinlocks are taken under it.
 *   A swap slot's reader holds its HAS_CACHE, not a lock, across the
 *   read; a fault drops its view lock for the read (and for an
 *   allocation that reclaims) and looks at its index again after.
 *   Reclaim (the owner ops) only trylocks obj->lock and the view locks:
 *   direct reclaim may run under a view lock.  mm->memobj_list_lock
 *   (above obj->lock) guards the instance's list of objects (swapoff).
 *   Functions that need a lock say so and assert it.
 */
#ifndef _RMM_MEMOBJ_H
#define _RMM_MEMOBJ_H

#include "rmm_port.h"
#include "mmzone.h"
#include "plist.h"

/*
 * pgoffs are below 2^54 (2^66 bytes, beyond MAX_LFS_FILESIZE): a fault
 * beyond is -EFAULT, ranges are clipped there.
 */
#define RMM_MEMOBJ_PGOFF_LIMIT	(1ULL << 54)

struct rmm_memobj;
struct rmm_memview;

/*
 * Test injection point (rmm_inject(), see page_alloc.h): in a write fault
 * on a shared page, after the copy was made and before the share count
 * is looked at again.  arg: the shared struct rmm_page *.
 */
#define RMM_INJECT_MEMOBJ_COW	0x100
/*
 * In reclaim's pageout of a page, after every index entry holding it was
 * replaced by its swap entry and the locks were dropped, before the
 * write: the page is in the swap cache, RMM_EXT_WRITEBACK.  arg: the
 * struct rmm_page *.
 */
#define RMM_INJECT_MEMOBJ_PAGEOUT	0x101

enum rmm_memobj_kind {
	RMM_MEMOBJ_SHARED,	/* one view; MAP_SHARED semantics */
	RMM_MEMOBJ_PRIVATE,	/* a view per address space; COW after fork */
};

/* a range of page offsets [start, start + nr) */
struct rmm_pgrange {
	u64 start;
	u64 nr;
};

/*
 * Create an object of @kind whose pages come from node @nid
 * (RMM_NUMA_NO_NODE: the faulting CPU's node) with @gfp (normally
 * RMM_GFP_HIGHUSER_MOVABLE; __GFP_ZERO is added by the core).  Size 0.
 * Returns NULL on ENOMEM (or a @nid that is not a node of @mm: the glue
 * checks it first).  The caller holds the one reference.  May sleep.
 */
struct rmm_memobj *rmm_memobj_create(struct rmm_mm *mm,
				     enum rmm_memobj_kind kind, int nid,
				     rmm_gfp_t gfp);
void rmm_memobj_get(struct rmm_memobj *obj);
/* last reference: every view must be gone; frees the object */
void rmm_memobj_put(struct rmm_memobj *obj);
enum rmm_memobj_kind rmm_memobj_kind(const struct rmm_memobj *obj);
/*
 * The host's name for the object, passed to mm->ops->unmap_obj when
 * reclaim must remove the entries of a page (the glue's object, whose
 * address space holds every mapping).  Set once, before the first fault.
 * It must stay valid while any view of the object is referenced; reclaim
 * may hold the object itself longer (its pin), and then does not call
 * unmap_obj (no view referenced: nothing mapped).
 */
void rmm_memobj_set_host(struct rmm_memobj *obj, u64 host_cookie);

/*
 * Size in pages (ftruncate).  Growing allocates nothing.  Shrinking moves
 * the pages at pgoff >= @nr_pages of every view to @victims.  Takes
 * obj->lock and the views' locks.
 */
u64 rmm_memobj_size(struct rmm_memobj *obj);
void rmm_memobj_set_size(struct rmm_memobj *obj, u64 nr_pages,
			 struct rmm_plist *victims);

/* Give @victims back to the allocator (after the glue unmapped them). */
void rmm_memobj_free_victims(struct rmm_memobj *obj, struct rmm_plist *victims);

/*
 * The view of address space @mm_cookie: a SHARED object's one view, or a
 * PRIVATE object's view for that address space, created empty on first
 * use.  Takes a reference on the view and one on the object (both
 * dropped by rmm_memview_put()).  NULL on ENOMEM.  Takes obj->lock.
 */
struct rmm_memview *rmm_memview_get(struct rmm_memobj *obj, u64 mm_cookie);
/*
 * Drop a view reference (and its object reference).  The last one of a
 * PRIVATE view frees the view and its pages (pages other views still
 * hold stay with them).  A SHARED object's view lives, with its pages,
 * as long as the object.  May sleep.
 */
void rmm_memview_put(struct rmm_memview *v);
struct rmm_memobj *rmm_memview_obj(const struct rmm_memview *v);

/*
 * fork(): the view of @child_cookie for a PRIVATE object, a copy of
 * @parent's index with every page's share count raised (created on the
 * first call for that child, referenced again on later ones).  After the
 * first call the glue must unmap every mapping of the object so that no
 * writable entry to a now shared page survives.  SHARED objects: returns
 * @parent with a new reference.  NULL on ENOMEM (the fork fails).
 * Takes obj->lock and both views' locks.
 */
struct rmm_memview *rmm_memview_fork(struct rmm_memview *parent,
				     u64 child_cookie, bool *first);

void rmm_memview_lock(struct rmm_memview *v);
void rmm_memview_unlock(struct rmm_memview *v);
/*
 * held by anyone right now (a hint: rmm_memview_fault() drops the lock
 * while it allocates with reclaim, so a holder recorded by the glue may
 * not hold it at this moment)
 */
bool rmm_memview_is_locked(struct rmm_memview *v);
void rmm_memview_assert_locked(struct rmm_memview *v);

/* the page at @pgoff of @v's index, or NULL (caller holds the view lock) */
struct rmm_page *rmm_memview_lookup(struct rmm_memview *v, u64 pgoff);

/*
 * A fault at @pgoff (caller holds the view lock).
 *   in:  pgoff, write (a write access), gfp_extra (e.g. __GFP_NOWARN)
 *   out: page to map, map_writable (false: map read-only, a later write
 *        comes back as a write fault), replaced (a write to a page shared
 *        with other views made a private copy: the caller must remove
 *        every entry of this pgoff, then call rmm_memview_fault_done(),
 *        before mapping @page), old (with replaced: the shared page this
 *        view still holds until rmm_memview_fault_done()).  Not replaced
 *        but writable on a write fault: the page is this view's alone now
 *        (the others copied or let go); a read-only entry to it may be
 *        made writable in place.
 * Returns 0, -EFAULT (pgoff beyond a SHARED object's size, or beyond
 * RMM_MEMOBJ_PGOFF_LIMIT, or a failed swap read: SIGBUS) or -ENOMEM (no
 * page or no index node, after the allocator's reclaim and OOM; nothing
 * is left behind).  A new page is zeroed; a copy carries the shared
 * page's contents; a swap entry is read back (major) or taken from the
 * swap cache, holding the view lock across the read.  A SHARED object's
 * page is always map_writable (the VMA decides) and is marked mapped
 * (NR_FILE_MAPPED).  The page is marked young (RMM_EXT_YOUNG).  May
 * sleep (index nodes, swap reads).  A page the allocator cannot give at
 * once is allocated with direct reclaim while the view lock is dropped
 * (reclaim only trylocks view locks, so this lets it take pages of this
 * object too), then the fault starts again: the lock is held on return,
 * but not throughout.
 */
struct rmm_fault {
	u64 pgoff;
	bool write;
	rmm_gfp_t gfp_extra;
	struct rmm_page *page;
	bool map_writable;
	bool replaced;
	struct rmm_page *old;
	bool major;		/* the page was read back from swap */
	struct rmm_page *prealloc;	/* memobj.c's own */
};
int rmm_memview_fault(struct rmm_memview *v, struct rmm_fault *f);

/*
 * After a fault that replaced a shared page, once the caller has removed
 * every entry that maps f->old at this pgoff (view lock still held): this
 * view lets go of the old page.  Until then its share count keeps this
 * view, so no other view can take it as its own (and map it writable)
 * while an entry of this view still reads it, as the kernel's
 * wp_page_copy() drops the old page's map count only after the new entry
 * is set.  The last holder puts it on @victims.
 */
void rmm_memview_fault_done(struct rmm_memview *v, struct rmm_fault *f,
			    struct rmm_plist *victims);

/*
 * Remove the pages of [@r->start, @r->start + @r->nr) from @v's index onto
 * @victims (punch hole, MADV_DONTNEED, the pages of a private view no
 * mapping covers any more).  Pages still held by other views stay with
 * them (share count lowered).  Returns the number of index entries
 * removed.  Takes the view lock.
 */
u64 rmm_memview_punch(struct rmm_memview *v, const struct rmm_pgrange *r,
		      struct rmm_plist *victims);

/*
 * A mapping of [@r) went away and @nr_still ranges are still mapped
 * (current ranges of the other mappings of this view).  PRIVATE view: the
 * pages of @r outside @still are punched onto @victims (anonymous memory
 * dies with its last mapping).  SHARED: those pages stop counting as
 * mapped (NR_FILE_MAPPED).  Takes the view lock.
 */
void rmm_memview_unmapped(struct rmm_memview *v, const struct rmm_pgrange *r,
			  const struct rmm_pgrange *still, int nr_still,
			  struct rmm_plist *victims);

/*
 * pages of @v's index inside [@r) (resident pages for /proc/regionmm/tasks;
 * swap entries are not counted).  Takes the view lock.
 */
u64 rmm_memview_count(struct rmm_memview *v, const struct rmm_pgrange *r);

/*
 * index entries of @v inside [@r) that are swapped out (swap entries, not
 * pages): the swap column of /proc/regionmm/tasks and oom_badness's
 * swapents.  Takes the view lock.
 */
u64 rmm_memview_count_swap(struct rmm_memview *v, const struct rmm_pgrange *r);

/*
 * try_to_unuse() for swapoff of device @type: read every page of that
 * device back into every index that holds one of its entries, and take
 * the device's pages out of the swap cache.  0, or -ENOMEM (memory ran
 * out: what was read back stays, the rest stays on the device), -EIO (a
 * read failed), -EINTR (a fatal signal).  May sleep; takes
 * mm->memobj_list_lock and each object's locks in turn.
 */
int rmm_memobj_unuse_swap(struct rmm_mm *mm, int type);

/*
 * folio_end_writeback() for a page of an object whose pageout started an
 * asynchronous write (RMM_PAGEOUT_WRITEBACK; the object reference that
 * pageout took for the write is dropped here): the page stays in the
 * swap cache, dirty again after an error (@err); it leaves the cache and
 * is freed when nothing holds it or its slot any more; else, clean and
 * unmapped, it is rotated to the tail of the inactive list
 * (folio_rotate_reclaimable()) for the next scan to free without a
 * write.  Process context, no core lock held (rmm_swap_end_write()).
 */
void rmm_memobj_end_writeback(struct rmm_mm *mm, struct rmm_page *page,
			      int err);

/*
 * The owner of LRU pages (lru.h): lru.c gives these to every instance
 * unless a test set its own.  pin: a reference on the page's object;
 * referenced: trylocks (-EAGAIN), test-and-clear RMM_EXT_YOUNG, the
 * number of views holding the page when it was young; pageout: see
 * memobj.c.
 */
struct rmm_lru_owner_ops;
extern const struct rmm_lru_owner_ops rmm_memobj_lru_ops;

/* bytes of index metadata of all objects of @mm (meminfo's Metadata:) */
unsigned long rmm_memobj_metadata_bytes(const struct rmm_mm *mm);

/*
 * check the invariants above that one object can see (the counters are
 * instance-wide: tests compare them); returns the number of violations
 * (logged).  Takes obj->lock and every view's lock.
 */
unsigned long rmm_memobj_validate(struct rmm_memobj *obj);

#endif /* _RMM_MEMOBJ_H */
