// SPDX-License-Identifier: GPL-2.0
/*
 * memobj.c - memory objects: the regionmm memory that processes map
 * (contract and invariants: memobj.h).  The kernel's counterparts are
 * mm/shmem.c's page cache for SHARED objects and mm/memory.c's anonymous
 * pages with do_wp_page()'s copy-on-write for PRIVATE ones.
 *
 * The index
 * ---------
 * Each view maps pgoff -> page index (u32, RMM_NIL for a hole, or a swap
 * entry: bit 31, swapfile.h) in a radix
 * tree of 64-slot nodes, as the xarray does: leaves hold 64 page indices
 * (260 bytes, 4 bytes a page when dense), inner nodes 64 child pointers;
 * a tree of height h covers pgoffs [0, 64^h).  Lookups are O(h) (h = 3
 * covers 1 GiB); range walks skip empty subtrees.  Nodes hold the number of
 * their used slots and are freed when it drops to 0; the root shrinks
 * while only its slot 0 is used.  pgoffs stop at RMM_MEMOBJ_PGOFF_LIMIT
 * (2^54 pages, beyond any file size): h <= 9.
 *
 * Share count: page->private = number of views whose index holds the page
 * (1 for a SHARED object's pages).  A page is always at the same pgoff in
 * every view that holds it (fork copies indices; a copy replaces the page
 * at its own pgoff).  Changes to the share count of a page that other
 * views may hold (fork, copy-on-write, removal from a private view) are
 * made under obj->share_lock; a page with count 1 is only in one index and
 * nobody else can raise its count without that view's lock (fork takes
 * it).  The page whose count drops to 0 belongs to whoever dropped it.
 *
 * Reclaim (the mm/vmscan.c, mm/rmap.c and mm/memory.c do_swap_page()
 * parts; contract: memobj.h, lru.h).  pageout() replaces every entry that
 * holds a page by its swap entry under obj->lock and every view lock,
 * all trylocked; the page stays in the swap cache while it is written
 * with no lock held, where a fault finds it.  Swap entries of one slot
 * are only ever in one object's views (fork copies them within it), so
 * obj->share_lock orders every swap cache change of the object's pages
 * against the faults that take pages from it.  A reader takes the slot's
 * HAS_CACHE first (swapcache_prepare()), so one reads while the others
 * wait and then find the page in the cache; a fault reads with its view
 * lock dropped, so that reclaim, which only trylocks view locks, is not
 * kept off the object's pages for the length of a device read.
 * Reclaim leaves a shadow entry in the slot of a page it took out of the
 * swap cache (workingset_eviction()); a read of a slot with a shadow is a
 * refault (workingset_refault(): counted, and the page goes on the active
 * list when its refault distance is small, workingset.h).
 * A fault that reads also reads the swap entries around it in its view
 * (swap readahead, below), into the swap cache only.
 *
 * Metadata (meminfo's Metadata:): every byte this file gets from
 * rmm_kvzalloc() (objects, views, index nodes) is added to
 * mm->memobj_meta_bytes; a view also keeps its own bytes (struct + nodes)
 * in v->meta_bytes, which rmm_memobj_validate() recomputes.
 *
 * Locking (Documentation/core.rst, lock order)
 *   mm->memobj_list_lock -> obj->lock -> view->lock
 *   -> obj->share_lock (spinlock) -> swap locks -> lru_lock; a view
 *   lock -> i_mmap_rwsem -> PTE lock (unmap_obj) -> zone lock.  Reclaim
 *   trylocks obj->lock and the view locks, so it may run under any of
 *   them (direct reclaim from a fault).
 *   obj->lock: obj->views, each view's refs, obj->size (SHARED: also
 *   under the view lock, so a fault sees a stable size).  Several view
 *   locks are held at once only under obj->lock (fork, validate), so
 *   they cannot deadlock with each other; faults hold one.
 *   view->lock: the view's index, nr_pages, nr_swap, meta_bytes, and the
 *   mapped mark (PG_rmm_owner_priv, set under lru_lock too since lru.c
 *   changes other bits of page->flags) of a SHARED object's pages.
 *   Pages are allocated with the view lock held (the allocator's locks
 *   are below) and freed by rmm_memobj_free_victims() with none held.
 */
#include "internal.h"
#include "memobj.h"
#include "lru.h"
#include "swapfile.h"
#include "mm_ops.h"
#include "vmstat.h"
#include "workingset.h"

#define IX_SHIFT	6
#define IX_SLOTS	(1U << IX_SHIFT)
#define IX_MASK		(IX_SLOTS - 1)
#define IX_MAX_HEIGHT	9	/* 64^9 = 2^54 = RMM_MEMOBJ_PGOFF_LIMIT */

_Static_assert(IX_SHIFT * IX_MAX_HEIGHT == 54, "index height");

struct ix_leaf {
	u32 count;			/* entries != RMM_NIL */
	u32 page[IX_SLOTS];		/* page index or RMM_NIL */
};

struct ix_inner {
	u32 count;			/* non-NULL slots */
	void *slot[IX_SLOTS];		/* ix_inner, or ix_leaf at level 1 */
};

struct rmm_memview {
	struct rmm_memobj *obj;
	u64 cookie;			/* address space (PRIVATE) */
	long refs;			/* under obj->lock */
	struct rmm_memview *next;	/* obj->views, under obj->lock */
	rmm_mutex_t lock;
	/* under lock: */
	void *root;			/* NULL: empty */
	int height;			/* levels; covers [0, 64^height) */
	u64 nr_pages;			/* entries of the index */
	u64 nr_swap;			/* of which swap entries */
	unsigned long meta_bytes;	/* this struct + index nodes */
	/* swap readahead (vma->swap_readahead_info): */
	u64 ra_pgoff;			/* the last swap fault's pgoff */
	unsigned int ra_win;		/* the window it read */
	unsigned int ra_hits;		/* readahead hits since */
};

struct rmm_memobj {
	struct rmm_mm *mm;
	enum rmm_memobj_kind kind;
	int nid;
	rmm_gfp_t gfp;
	rmm_atomic_long_t refs;
	rmm_mutex_t lock;
	u64 size;			/* pages */
	struct rmm_memview *views;	/* SHARED: exactly one */
	int nr_views;
	/*
	 * PRIVATE views unlinked by their last put whose entries
	 * view_destroy() is still dropping (under obj->lock): their pages'
	 * holders change without any linked view lock, so reclaim and
	 * migration (trylock_views()) keep off the object meanwhile
	 */
	int nr_dying;
	rmm_spinlock_t share_lock;	/* page->private of shared pages */
	u64 host;			/* rmm_memobj_set_host() */
	/* mm->memobj_list, under mm->memobj_list_lock */
	struct rmm_memobj *lnext;
	struct rmm_memobj **lpprev;
};

/* ------------------------------------------------------------------ */
/* metadata                                                           */
/* ------------------------------------------------------------------ */

static void *meta_alloc(struct rmm_mm *mm, size_t size, unsigned long *acct)
{
	void *p = rmm_kvzalloc(size);

	if (!p)
		return NULL;
	rmm_atomic_long_add(size, &mm->memobj_meta_bytes);
	if (acct)
		*acct += size;
	return p;
}

static void meta_free(struct rmm_mm *mm, void *p, size_t size,
		      unsigned long *acct)
{
	if (!p)
		return;
	rmm_atomic_long_sub(size, &mm->memobj_meta_bytes);
	if (acct)
		*acct -= size;
	rmm_kvfree(p);
}

unsigned long rmm_memobj_metadata_bytes(const struct rmm_mm *mm)
{
	return rmm_atomic_long_read(&mm->memobj_meta_bytes);
}
RMM_EXPORT(rmm_memobj_metadata_bytes);

/* ------------------------------------------------------------------ */
/* the index (view lock held, or the view not yet visible)            */
/* ------------------------------------------------------------------ */

static struct ix_leaf *ix_alloc_leaf(struct rmm_memview *v)
{
	struct ix_leaf *l = meta_alloc(v->obj->mm, sizeof(*l), &v->meta_bytes);

	if (l)
		memset(l->page, 0xff, sizeof(l->page));	/* RMM_NIL */
	return l;
}

static struct ix_inner *ix_alloc_inner(struct rmm_memview *v)
{
	return meta_alloc(v->obj->mm, sizeof(struct ix_inner), &v->meta_bytes);
}

static void ix_free_node(struct rmm_memview *v, void *n, int level)
{
	meta_free(v->obj->mm, n, level ? sizeof(struct ix_inner) :
		  sizeof(struct ix_leaf), &v->meta_bytes);
}

static bool ix_covers(int height, u64 pgoff)
{
	return height > 0 && (pgoff >> (IX_SHIFT * height)) == 0;
}

static unsigned int ix_offset(u64 pgoff, int level)
{
	return (pgoff >> (IX_SHIFT * level)) & IX_MASK;
}

/* the leaf holding @pgoff, or NULL */
static struct ix_leaf *ix_find_leaf(const struct rmm_memview *v, u64 pgoff)
{
	void *n = v->root;
	int level;

	if (!n || !ix_covers(v->height, pgoff))
		return NULL;
	for (level = v->height - 1; level > 0 && n; level--)
		n = ((struct ix_inner *)n)->slot[ix_offset(pgoff, level)];
	return n;
}

static u32 ix_lookup(const struct rmm_memview *v, u64 pgoff)
{
	const struct ix_leaf *l = ix_find_leaf(v, pgoff);

	return l ? l->page[pgoff & IX_MASK] : RMM_NIL;
}

/*
 * Remove the entry at @pgoff (if any; its old value is returned) and free
 * the nodes on its path that are left empty, then shrink the root.  Also
 * used with no entry to prune what a failed ix_get_leaf() built.
 */
static u32 ix_erase(struct rmm_memview *v, u64 pgoff)
{
	void **path[IX_MAX_HEIGHT];	/* path[level]: slot holding the node */
	void **pp = &v->root;
	u32 old = RMM_NIL;
	int level, low;

	if (!v->root || !ix_covers(v->height, pgoff))
		return RMM_NIL;
	for (level = v->height - 1; level >= 0; level--) {
		if (!*pp)
			break;
		path[level] = pp;
		if (level)
			pp = &((struct ix_inner *)*pp)->slot[ix_offset(pgoff,
								       level)];
	}
	low = level + 1;		/* lowest level with a node */
	if (low == 0) {
		struct ix_leaf *l = *path[0];
		u32 *e = &l->page[pgoff & IX_MASK];

		old = *e;
		if (old != RMM_NIL) {
			*e = RMM_NIL;
			l->count--;
			v->nr_pages--;
		}
	}
	for (level = low; level < v->height; level++) {
		void *n = *path[level];
		u32 count = level ? ((struct ix_inner *)n)->count :
				    ((struct ix_leaf *)n)->count;

		if (count)
			break;
		ix_free_node(v, n, level);
		*path[level] = NULL;
		if (level + 1 < v->height)
			((struct ix_inner *)*path[level + 1])->count--;
	}
	if (!v->root) {
		v->height = 0;
		return old;
	}
	while (v->height > 1) {
		struct ix_inner *r = v->root;

		if (r->count != 1 || !r->slot[0])
			break;
		v->root = r->slot[0];
		ix_free_node(v, r, v->height - 1);
		v->height--;
	}
	return old;
}

/* the leaf for @pgoff, built if missing; NULL on ENOMEM (nothing left) */
static struct ix_leaf *ix_get_leaf(struct rmm_memview *v, u64 pgoff)
{
	struct ix_inner *parent = NULL;
	void **pp;
	int level;

	if (!v->root) {
		v->height = 1;
		while (!ix_covers(v->height, pgoff))
			v->height++;
	}
	while (!ix_covers(v->height, pgoff)) {
		struct ix_inner *r = ix_alloc_inner(v);

		if (!r)
			return NULL;	/* the index is as it was */
		r->slot[0] = v->root;
		r->count = 1;
		v->root = r;
		v->height++;
	}
	pp = &v->root;
	for (level = v->height - 1; ; level--) {
		if (!*pp) {
			*pp = level ? (void *)ix_alloc_inner(v) :
				      (void *)ix_alloc_leaf(v);
			if (!*pp) {
				ix_erase(v, pgoff);	/* prune */
				if (!v->root)
					v->height = 0;
				return NULL;
			}
			if (parent)
				parent->count++;
		}
		if (!level)
			return *pp;
		parent = *pp;
		pp = &parent->slot[ix_offset(pgoff, level)];
	}
}

static void ix_leaf_set(struct rmm_memview *v, struct ix_leaf *l, u64 pgoff,
			u32 idx)
{
	u32 *e = &l->page[pgoff & IX_MASK];

	if (*e == RMM_NIL) {
		l->count++;
		v->nr_pages++;
	}
	*e = idx;
}

static u32 ix_next_node(const void *n, int level, u64 base, u64 *pos,
			u64 last)
{
	unsigned int i;

	if (!level) {
		const struct ix_leaf *l = n;

		for (i = *pos - base; i < IX_SLOTS && base + i <= last; i++)
			if (l->page[i] != RMM_NIL) {
				*pos = base + i;
				return l->page[i];
			}
		return RMM_NIL;
	}
	for (i = (*pos - base) >> (IX_SHIFT * level); i < IX_SLOTS; i++) {
		const struct ix_inner *in = n;
		u64 cbase = base + ((u64)i << (IX_SHIFT * level));
		u64 p = max(*pos, cbase);
		u32 idx;

		if (cbase > last)
			break;
		if (!in->slot[i])
			continue;
		idx = ix_next_node(in->slot[i], level - 1, cbase, &p, last);
		if (idx != RMM_NIL) {
			*pos = p;
			return idx;
		}
	}
	return RMM_NIL;
}

/* the first entry at a pgoff in [*pos, last], its pgoff in *pos */
static u32 ix_next(const struct rmm_memview *v, u64 *pos, u64 last)
{
	if (!v->root || *pos > last || !ix_covers(v->height, *pos))
		return RMM_NIL;
	if (!ix_covers(v->height, last))
		last = (1ULL << (IX_SHIFT * v->height)) - 1;
	return ix_next_node(v->root, v->height - 1, 0, pos, last);
}

#define ix_for_each(v, pos, first, last, idx)				\
	for ((pos) = (first);						\
	     (pos) <= (last) && ((idx) = ix_next(v, &(pos), last)) != RMM_NIL; \
	     (pos)++)

static void ix_free_tree(struct rmm_memview *v, void *n, int level)
{
	unsigned int i;

	if (level)
		for (i = 0; i < IX_SLOTS; i++)
			if (((struct ix_inner *)n)->slot[i])
				ix_free_tree(v, ((struct ix_inner *)n)->slot[i],
					     level - 1);
	ix_free_node(v, n, level);
}

/* a copy of the subtree @n into @v's accounting; NULL on ENOMEM */
static void *ix_copy(struct rmm_memview *v, const void *n, int level)
{
	const struct ix_inner *src = n;
	struct ix_inner *in;
	unsigned int i;

	if (!level) {
		struct ix_leaf *l = ix_alloc_leaf(v);

		if (l)
			memcpy(l, n, sizeof(*l));
		return l;
	}
	in = ix_alloc_inner(v);
	if (!in)
		return NULL;
	for (i = 0; i < IX_SLOTS; i++) {
		if (!src->slot[i])
			continue;
		in->slot[i] = ix_copy(v, src->slot[i], level - 1);
		if (!in->slot[i]) {
			ix_free_tree(v, in, level);
			return NULL;
		}
	}
	in->count = src->count;
	return in;
}

/* [r) as an inclusive range below the limit; false if empty */
static bool range_last(const struct rmm_pgrange *r, u64 *first, u64 *last)
{
	u64 end;

	if (!r->nr || r->start >= RMM_MEMOBJ_PGOFF_LIMIT)
		return false;
	end = r->nr > RMM_MEMOBJ_PGOFF_LIMIT - r->start ?
		RMM_MEMOBJ_PGOFF_LIMIT : r->start + r->nr;
	*first = r->start;
	*last = end - 1;
	return true;
}

/* ------------------------------------------------------------------ */
/* pages                                                              */
/* ------------------------------------------------------------------ */

static struct rmm_node *page_node(struct rmm_mm *mm, struct rmm_page *page)
{
	return &mm->nodes[rmm_mm_page_nid(mm, page)];
}

/*
 * page->flags bits that lru.c also changes (PG_rmm_lru, active ...) are
 * changed under lru_lock once the page is on the LRU; before (a page
 * the fault has not handed to rmm_lru_add() yet) nobody else sees it.
 */
static void page_flag(struct rmm_mm *mm, struct rmm_page *page, int bit,
		      bool set)
{
	struct rmm_lruvec *lruvec;

	if (!mm->lru) {
		if (set)
			rmm_page_set(page, bit);
		else
			rmm_page_clear(page, bit);
		return;
	}
	lruvec = rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page));
	rmm_spin_lock(&lruvec->lru_lock);
	if (set)
		rmm_page_set(page, bit);
	else
		rmm_page_clear(page, bit);
	rmm_spin_unlock(&lruvec->lru_lock);
}

/*
 * A page the object just took (a new page, a copy, one read from swap):
 * its ext names the object and pgoff, and it goes on the inactive anon
 * list (lru_cache_add_inactive_or_unevictable()).  @young: a fault maps
 * it now.  lru_take_flags(): with ext flags @flags, on the active list if
 * @active (a refault that workingset_refault() activates).  An instance
 * without rmm_lru_init() keeps no LRU.
 */
static void lru_take_flags(struct rmm_memobj *obj, struct rmm_page *page,
			   u64 pgoff, u32 flags, bool active)
{
	struct rmm_mm *mm = obj->mm;
	struct rmm_page_ext *ext;

	if (!mm->lru)
		return;
	ext = rmm_page_ext(mm, page);
	ext->owner = obj;
	ext->index = pgoff;
	ext->swap = 0;
	ext->flags = flags;
	rmm_lru_add(mm, page, active);
}

static void lru_take(struct rmm_memobj *obj, struct rmm_page *page, u64 pgoff,
		     bool young)
{
	lru_take_flags(obj, page, pgoff, young ? RMM_EXT_YOUNG : 0, false);
}

/* a fault maps @page: the young bit a PTE would get (lru_lock on change) */
static void mark_young(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_page_ext *ext;
	struct rmm_lruvec *lruvec;

	if (!mm->lru)
		return;
	ext = rmm_page_ext(mm, page);
	if (READ_ONCE(ext->flags) & RMM_EXT_YOUNG)
		return;
	lruvec = rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page));
	rmm_spin_lock(&lruvec->lru_lock);
	ext->flags |= RMM_EXT_YOUNG;
	rmm_spin_unlock(&lruvec->lru_lock);
}

/*
 * The object lets go of @page for good: off the LRU.  false: a reclaimer
 * holds it isolated and frees it (RMM_EXT_ORPHAN) whenever it is done,
 * maybe before the caller's host has removed its entries, so they are
 * removed here (unmap_obj, with the view lock held as the op allows).
 */
static bool lru_let_go(struct rmm_memobj *obj, struct rmm_page *page,
		       bool mapped)
{
	struct rmm_mm *mm = obj->mm;
	u64 pgoff;

	if (!mm->lru)
		return true;
	pgoff = rmm_page_ext(mm, page)->index;
	if (rmm_lru_release(mm, page))
		return true;
	if (mapped)
		rmm_mm_unmap_obj(mm, obj->host, pgoff, 1);
	return false;
}

/* ext->flags of a page on the LRU or isolated: under lru_lock */
static void ext_flags(struct rmm_mm *mm, struct rmm_page *page, u32 set,
		      u32 clear)
{
	struct rmm_lruvec *lruvec =
		rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page));
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);

	rmm_spin_lock(&lruvec->lru_lock);
	ext->flags = (ext->flags & ~clear) | set;
	rmm_spin_unlock(&lruvec->lru_lock);
}

/* ------------------------------------------------------------------ */
/* the swap cache (swapfile.h) as memobj uses it                       */
/* ------------------------------------------------------------------ */
/*
 * Every change of the swap cache membership of this object's pages, and
 * every turn of an index entry from a swap entry back into a page, is
 * made under obj->share_lock (above the swap and LRU locks): a fault
 * that finds a page in the cache and the reclaimer that takes it out
 * when nobody did cannot cross.  PG_rmm_dirty on a page in the swap
 * cache: its slot does not hold its contents (a failed write).
 */
static void cache_del_shadow(struct rmm_memobj *obj, u32 e,
			     struct rmm_page *page, u32 shadow)
{
	rmm_assert_held(&obj->share_lock);
	rmm_swapcache_del_shadow(obj->mm, e, page, shadow);
	if (RmmPageDirty(page))
		page_flag(obj->mm, page, PG_rmm_dirty, false);
}

static void cache_del(struct rmm_memobj *obj, u32 e, struct rmm_page *page)
{
	cache_del_shadow(obj, e, page, 0);
}

/*
 * Is @page (in an index) shared with index entries that still hold its
 * swap slot?  Then it must not be written through one view (its slot's
 * other holders read it from the cache).  If no entry holds the slot any
 * more, the page leaves the cache (try_to_free_swap()), unless it is
 * being written: the end of the write takes it out then.  share_lock
 * held.
 */
static bool swap_shared_locked(struct rmm_memobj *obj, struct rmm_page *page)
{
	struct rmm_mm *mm = obj->mm;
	struct rmm_page_ext *ext;

	rmm_assert_held(&obj->share_lock);
	if (!mm->lru)
		return false;
	ext = rmm_page_ext(mm, page);
	if (!(ext->flags & RMM_EXT_SWAPCACHE))
		return false;
	if (rmm_swap_count(mm, ext->swap))
		return true;
	if (!(ext->flags & RMM_EXT_WRITEBACK))
		cache_del(obj, ext->swap, page);
	return false;
}

static bool swap_shared(struct rmm_memobj *obj, struct rmm_page *page)
{
	bool shared;

	if (!obj->mm->lru ||
	    !(READ_ONCE(rmm_page_ext(obj->mm, page)->flags) &
	      RMM_EXT_SWAPCACHE))
		return false;
	rmm_spin_lock(&obj->share_lock);
	shared = swap_shared_locked(obj, page);
	rmm_spin_unlock(&obj->share_lock);
	return shared;
}

/*
 * The last index entry of @page went (its counters too).  A page in the
 * swap cache whose slot other entries still hold stays there, on the
 * LRU, for them to find (reclaim or the last swap_free takes it out);
 * so does a page being written (the end of its write takes it out, or
 * the reclaimer that writes it synchronously); its user entries are
 * removed now, since nobody frees it after the caller's unmap.  Else it
 * leaves the cache.  true: kept.
 */
static bool swapcache_release(struct rmm_memobj *obj, struct rmm_page *page,
			      bool mapped)
{
	struct rmm_mm *mm = obj->mm;
	struct rmm_page_ext *ext;
	bool keep = false;

	if (!mm->lru)
		return false;
	ext = rmm_page_ext(mm, page);
	if (!(READ_ONCE(ext->flags) & RMM_EXT_SWAPCACHE))
		return false;
	rmm_spin_lock(&obj->share_lock);
	if (page->private) {
		/* another view found it in the cache meanwhile: its page now */
		rmm_spin_unlock(&obj->share_lock);
		return true;
	}
	if (ext->flags & RMM_EXT_SWAPCACHE) {
		/* a page under writeback: its end takes it out */
		if ((ext->flags & RMM_EXT_WRITEBACK) ||
		    rmm_swap_count(mm, ext->swap))
			keep = true;
		else
			cache_del(obj, ext->swap, page);
	}
	rmm_spin_unlock(&obj->share_lock);
	if (keep && mapped)
		rmm_mm_unmap_obj(mm, obj->host, ext->index, 1);
	return keep;
}

/* a page entered the object's indices (@nr 1) or left them all (-1) */
static void account_page(struct rmm_memobj *obj, struct rmm_page *page,
			 long nr)
{
	struct rmm_node *n = page_node(obj->mm, page);

	if (obj->kind == RMM_MEMOBJ_PRIVATE) {
		rmm_mod_node_page_state(n, RMM_NR_ANON_MAPPED, nr);
	} else {
		rmm_mod_node_page_state(n, RMM_NR_FILE_PAGES, nr);
		rmm_mod_node_page_state(n, RMM_NR_SHMEM, nr);
	}
}

/* a page entered a view's index for the first time (share count 1) */
static void account_new(struct rmm_memobj *obj, struct rmm_page *page)
{
	page->private = 1;
	account_page(obj, page, 1);
}

/* SHARED: the page is in a mapping now (NR_FILE_MAPPED) */
static void mark_mapped(struct rmm_memobj *obj, struct rmm_page *page)
{
	if (rmm_page_test(page, PG_rmm_owner_priv))
		return;
	page_flag(obj->mm, page, PG_rmm_owner_priv, true);
	rmm_mod_node_page_state(page_node(obj->mm, page), RMM_NR_FILE_MAPPED, 1);
}

static void clear_mapped(struct rmm_memobj *obj, struct rmm_page *page)
{
	if (!rmm_page_test(page, PG_rmm_owner_priv))
		return;
	page_flag(obj->mm, page, PG_rmm_owner_priv, false);
	rmm_mod_node_page_state(page_node(obj->mm, page), RMM_NR_FILE_MAPPED,
				-1);
}

/*
 * @v's index let go of @idx: lower its share count; the last view puts
 * it on @victims and takes it out of the counters.
 */
static void drop_page(struct rmm_memview *v, u32 idx, struct rmm_plist *victims)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_mm *mm = obj->mm;
	struct rmm_page *page = rmm_mm_idx_to_page(mm, idx);
	/*
	 * a view nobody references (its destruction) has no mapping, and
	 * the host's object behind obj->host may be gone: no unmap_obj
	 */
	bool mapped = READ_ONCE(v->refs) > 0;

	if (obj->kind == RMM_MEMOBJ_PRIVATE) {
		u32 left;

		rmm_spin_lock(&obj->share_lock);
		RMM_WARN_ON(!page->private);
		left = page->private ? --page->private : 0;
		rmm_spin_unlock(&obj->share_lock);
		if (left)
			return;
	} else {
		RMM_WARN_ON(page->private != 1);
		clear_mapped(obj, page);
		page->private = 0;
	}
	account_page(obj, page, -1);
	if (swapcache_release(obj, page, mapped))
		return;
	if (lru_let_go(obj, page, mapped))
		rmm_plist_add_tail(mm, victims, page);
}

/*
 * @v's index let go of swap entry @e (free_swap_and_cache()): one count
 * less; a page left in the swap cache that no index holds and no entry
 * needs any more goes (unless being written: the end of the write, or
 * the reclaimer writing it synchronously, takes it out).
 */
static void drop_swap(struct rmm_memview *v, u32 e, struct rmm_plist *victims)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_mm *mm = obj->mm;
	struct rmm_page *page = NULL;

	v->nr_swap--;
	rmm_spin_lock(&obj->share_lock);
	if (mm->lru)
		page = rmm_swapcache_lookup(mm, e);
	rmm_swap_free(mm, e);
	if (page && !page->private &&
	    !(rmm_page_ext(mm, page)->flags & RMM_EXT_WRITEBACK) &&
	    !rmm_swap_count(mm, e)) {
		cache_del(obj, e, page);
		/* no index holds it: nothing maps it */
		if (lru_let_go(obj, page, false))
			rmm_plist_add_tail(mm, victims, page);
	}
	rmm_spin_unlock(&obj->share_lock);
}

static void drop_entry(struct rmm_memview *v, u32 e, struct rmm_plist *victims)
{
	if (rmm_is_swap_entry(e))
		drop_swap(v, e, victims);
	else
		drop_page(v, e, victims);
}

static u64 punch_locked(struct rmm_memview *v, u64 first, u64 last,
			struct rmm_plist *victims)
{
	u64 pos, nr = 0;
	u32 idx;

	rmm_assert_held(&v->lock);
	ix_for_each(v, pos, first, last, idx) {
		ix_erase(v, pos);
		drop_entry(v, idx, victims);
		nr++;
	}
	return nr;
}

void rmm_memobj_free_victims(struct rmm_memobj *obj, struct rmm_plist *victims)
{
	struct rmm_page *page;

	rmm_might_sleep();
	while ((page = rmm_plist_pop(obj->mm, victims))) {
		page->next = RMM_NIL;
		page->prev = RMM_NIL;
		rmm_mm_free_pages(obj->mm, page, 0);
	}
}
RMM_EXPORT(rmm_memobj_free_victims);

/* ------------------------------------------------------------------ */
/* swap readahead                                                     */
/* ------------------------------------------------------------------ */
/*
 * 6.12's swap_vma_readahead() (6.1's is the same arithmetic): a fault
 * that reads a page from swap also reads the swap entries of its view's
 * index around it, in a window of rmm_swapin_nr_pages() pages (at most
 * 1 << page-cluster, capped at 32) that grows with the readahead hits
 * the view had since its last swap fault; the state is the view's
 * (ra_pgoff, ra_win, ra_hits under its lock), as the kernel keeps it per
 * VMA.  The window stays within the 512 pgoffs of the fault's "page
 * table" and, for a SHARED object, below its size (the VMA's ends).
 * Each neighbour read goes into the swap cache, not into the index, with
 * RMM_EXT_READAHEAD (PG_readahead); the fault that finds it there
 * (swapin()'s first branch, swap_cache_get_folio()) clears it and counts
 * swap_ra_hit.  The kernel reads by swap offset (cluster readahead) on
 * rotational devices and for shmem; regionmm reads only by the index,
 * where it knows the owner of each entry (kernel-compat.rst).
 */
#define SWAP_RA_ORDER_CEILING	5	/* window <= 32 = RMM_SWAP_BATCH_MAX */
#define SWAP_RA_HITS_MAX	63	/* SWAP_RA_HITS_MASK (4 KiB pages) */
#define SWAP_RA_HITS_INIT	4	/* GET_SWAP_RA_VAL()'s "?: 4" */
#define SWAP_RA_PTRS		512	/* PTRS_PER_PTE: faddr & PMD_MASK */

_Static_assert((1 << SWAP_RA_ORDER_CEILING) <= RMM_SWAP_BATCH_MAX,
	       "readahead window fits a batch");

/* the reads of one fault: b.entry[0] is the fault's, then neighbours */
struct swap_ra {
	struct rmm_swap_batch b;
	u64 pgoff[RMM_SWAP_BATCH_MAX];
	u32 shadow[RMM_SWAP_BATCH_MAX];
};

/*
 * swap_cache_get_folio() for a fault (or swapoff) of @v at @pgoff that
 * found @page in the swap cache: a page readahead brought in is a hit.
 */
static void swap_ra_hit(struct rmm_memview *v, struct rmm_page *page,
			u64 pgoff)
{
	struct rmm_mm *mm = v->obj->mm;
	struct rmm_page_ext *ext;
	struct rmm_lruvec *lruvec;
	bool readahead;

	rmm_assert_held(&v->lock);
	if (!mm->lru)
		return;
	ext = rmm_page_ext(mm, page);
	readahead = READ_ONCE(ext->flags) & RMM_EXT_READAHEAD;
	if (readahead) {
		/* folio_test_clear_readahead(): one finder counts it */
		lruvec = rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page));
		rmm_spin_lock(&lruvec->lru_lock);
		readahead = ext->flags & RMM_EXT_READAHEAD;
		ext->flags &= ~RMM_EXT_READAHEAD;
		rmm_spin_unlock(&lruvec->lru_lock);
	}
	v->ra_pgoff = pgoff;
	if (readahead) {
		v->ra_hits = min_t(unsigned int, v->ra_hits + 1,
				   SWAP_RA_HITS_MAX);
		rmm_count_vm_events(mm, RMM_SWAP_RA_HIT, 1);
	}
}

/*
 * swap_vma_ra_win(): the window [*start, *end) around a fault at @pgoff
 * (its size: 1 means no readahead), and the view's state for the next.
 */
static unsigned int swap_ra_win(struct rmm_memview *v, u64 pgoff,
				u64 *start, u64 *end)
{
	struct rmm_memobj *obj = v->obj;
	int cluster = READ_ONCE(obj->mm->tunables.page_cluster);
	unsigned int max_win, win;
	u64 prev = v->ra_pgoff, base;
	s64 left, right;

	rmm_assert_held(&v->lock);
	max_win = 1U << min_t(unsigned int, cluster, SWAP_RA_ORDER_CEILING);
	if (max_win == 1)
		return 1;
	win = rmm_swapin_nr_pages(prev, pgoff, v->ra_hits, max_win,
				  v->ra_win);
	v->ra_pgoff = pgoff;
	v->ra_win = win;
	v->ra_hits = 0;
	if (win == 1)
		return 1;
	if (pgoff == prev + 1)
		left = pgoff;
	else if (prev == pgoff + 1)
		left = (s64)pgoff - win + 1;
	else
		left = (s64)pgoff - (win - 1) / 2;
	right = left + win;
	if (left < 0)
		left = 0;
	base = pgoff & ~(u64)(SWAP_RA_PTRS - 1);
	*start = max_t(u64, left, base);
	*end = min_t(u64, right, base + SWAP_RA_PTRS);
	if (obj->kind == RMM_MEMOBJ_SHARED)
		*end = min_t(u64, *end, obj->size);
	return win;
}

/*
 * The neighbours of a fault at @pgoff to read (view lock held): each
 * swap entry of the window whose slot's HAS_CACHE we get (none: in the
 * cache already or being read, skipped, as __read_swap_cache_async()
 * finds it), with a page the allocator gives without reclaim (none: the
 * readahead stops there).
 */
static void swap_ra_prepare(struct rmm_memview *v, struct swap_ra *ra,
			    u64 pgoff, u64 start, u64 end)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_mm *mm = obj->mm;
	struct rmm_swap_batch *b = &ra->b;
	rmm_gfp_t gfp;
	u64 pos;

	rmm_assert_held(&v->lock);
	gfp = (obj->gfp & ~(rmm_gfp_t)(RMM___GFP_DIRECT_RECLAIM |
				       RMM___GFP_ZERO)) | RMM___GFP_NOWARN;
	for (pos = start; pos < end && b->nr < RMM_SWAP_BATCH_MAX; pos++) {
		struct rmm_page *page;
		u32 e;

		if (pos == pgoff)
			continue;
		e = ix_lookup(v, pos);
		if (!rmm_is_swap_entry(e) || rmm_swapcache_prepare(mm, e))
			continue;
		page = rmm_mm_alloc_pages(mm, obj->nid, 0, gfp);
		if (!page) {
			rmm_swapcache_clear(mm, e);
			break;
		}
		b->entry[b->nr] = e;
		b->page[b->nr] = page;
		ra->pgoff[b->nr] = pos;
		ra->shadow[b->nr] = rmm_swapcache_get_shadow(mm, e);
		b->nr++;
	}
}

/*
 * Neighbour @i read (view lock held again): into the swap cache, on the
 * inactive list (or active, for a refault workingset_refault() says so)
 * with RMM_EXT_READAHEAD, no index entry on it (page->private 0) -- the
 * entries that hold its slot find it there.  A failed read, or a slot
 * that no entry holds any more (punched meanwhile), gives the page back
 * at once.
 */
static void swap_ra_add(struct rmm_memview *v, struct swap_ra *ra, int i)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_mm *mm = obj->mm;
	struct rmm_page *page = ra->b.page[i];
	bool activate = false, workingset = false;
	u32 e = ra->b.entry[i];

	rmm_assert_held(&v->lock);
	if (!ra->b.err[i] && ra->shadow[i])
		activate = rmm_workingset_refault(mm, page, ra->shadow[i],
						  &workingset);
	rmm_spin_lock(&obj->share_lock);
	if (ra->b.err[i] || !rmm_swap_count(mm, e)) {
		rmm_spin_unlock(&obj->share_lock);
		rmm_mm_free_pages(mm, page, 0);
		rmm_swapcache_clear(mm, e);
		return;
	}
	page->private = 0;
	lru_take_flags(obj, page, ra->pgoff[i], RMM_EXT_READAHEAD |
		       (workingset ? RMM_EXT_WORKINGSET : 0), activate);
	rmm_swapcache_add(mm, e, page);
	rmm_spin_unlock(&obj->share_lock);
}

/*
 * The readahead of a fault at @pgoff whose own page @page for @e is
 * ready (view lock held): NULL when the window is 1 page or no
 * neighbour can be read, else the batch to read (entry 0: @e).
 */
static struct swap_ra *swap_ra_start(struct rmm_memview *v, u64 pgoff,
				     u32 e, struct rmm_page *page)
{
	struct swap_ra *ra;
	u64 start, end;

	if (!v->obj->mm->lru || swap_ra_win(v, pgoff, &start, &end) == 1)
		return NULL;
	ra = rmm_kvzalloc(sizeof(*ra));
	if (!ra)
		return NULL;
	ra->b.entry[0] = e;
	ra->b.page[0] = page;
	ra->b.nr = 1;
	swap_ra_prepare(v, ra, pgoff, start, end);
	if (ra->b.nr == 1) {
		rmm_kvfree(ra);
		return NULL;
	}
	return ra;
}

/* ------------------------------------------------------------------ */
/* objects and views                                                  */
/* ------------------------------------------------------------------ */

static struct rmm_memview *view_alloc(struct rmm_memobj *obj, u64 cookie)
{
	unsigned long bytes = 0;
	struct rmm_memview *v = meta_alloc(obj->mm, sizeof(*v), &bytes);

	if (!v)
		return NULL;
	v->obj = obj;
	v->cookie = cookie;
	v->meta_bytes = bytes;
	v->ra_hits = SWAP_RA_HITS_INIT;
	rmm_mutex_init(&v->lock);
	return v;
}

/* a view nobody can reach any more: its pages go, then the view */
static void view_destroy(struct rmm_memview *v)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_plist victims;
	u64 pos;
	u32 idx;

	rmm_plist_init(&victims);
	/*
	 * nobody else can reach @v; the last put of an object may come from
	 * reclaim's unpin, under a view lock of a faulting task (lockdep:
	 * another view's lock nested)
	 */
	rmm_mutex_lock_nested(&v->lock, 1);
	ix_for_each(v, pos, 0, RMM_MEMOBJ_PGOFF_LIMIT - 1, idx)
		drop_entry(v, idx, &victims);
	if (v->root)
		ix_free_tree(v, v->root, v->height - 1);
	v->root = NULL;
	v->height = 0;
	v->nr_pages = 0;
	RMM_WARN_ON(v->nr_swap);
	v->nr_swap = 0;
	rmm_mutex_unlock(&v->lock);
	RMM_WARN_ON(v->meta_bytes != sizeof(*v));
	rmm_memobj_free_victims(obj, &victims);
	rmm_mutex_destroy(&v->lock);
	meta_free(obj->mm, v, sizeof(*v), NULL);
}

struct rmm_memobj *rmm_memobj_create(struct rmm_mm *mm,
				     enum rmm_memobj_kind kind, int nid,
				     rmm_gfp_t gfp)
{
	struct rmm_memobj *obj;

	rmm_might_sleep();
	if (nid != RMM_NUMA_NO_NODE && (nid < 0 || nid >= mm->nr_nodes))
		return NULL;		/* the glue checks first: -EINVAL */
	obj = meta_alloc(mm, sizeof(*obj), NULL);
	if (!obj)
		return NULL;
	obj->mm = mm;
	obj->kind = kind;
	obj->nid = nid;
	obj->gfp = gfp;
	rmm_atomic_long_set(&obj->refs, 1);
	rmm_mutex_init(&obj->lock);
	rmm_spin_lock_init(&obj->share_lock);
	if (kind == RMM_MEMOBJ_SHARED) {
		obj->views = view_alloc(obj, 0);
		if (!obj->views) {
			rmm_mutex_destroy(&obj->lock);
			meta_free(mm, obj, sizeof(*obj), NULL);
			return NULL;
		}
		obj->nr_views = 1;
	}
	rmm_mutex_lock(&mm->memobj_list_lock);
	obj->lnext = mm->memobj_list;
	if (obj->lnext)
		obj->lnext->lpprev = &obj->lnext;
	obj->lpprev = &mm->memobj_list;
	mm->memobj_list = obj;
	rmm_mutex_unlock(&mm->memobj_list_lock);
	return obj;
}
RMM_EXPORT(rmm_memobj_create);

void rmm_memobj_set_host(struct rmm_memobj *obj, u64 host_cookie)
{
	WRITE_ONCE(obj->host, host_cookie);
}
RMM_EXPORT(rmm_memobj_set_host);

void rmm_memobj_get(struct rmm_memobj *obj)
{
	RMM_WARN_ON(rmm_atomic_long_read(&obj->refs) <= 0);
	rmm_atomic_long_inc(&obj->refs);
}
RMM_EXPORT(rmm_memobj_get);

void rmm_memobj_put(struct rmm_memobj *obj)
{
	struct rmm_mm *mm = obj->mm;

	if (!rmm_atomic_long_dec_and_test(&obj->refs))
		return;
	rmm_might_sleep();
	rmm_mutex_lock(&mm->memobj_list_lock);
	*obj->lpprev = obj->lnext;
	if (obj->lnext)
		obj->lnext->lpprev = obj->lpprev;
	rmm_mutex_unlock(&mm->memobj_list_lock);
	if (obj->kind == RMM_MEMOBJ_SHARED) {
		RMM_WARN_ON(obj->views->refs);
		view_destroy(obj->views);
	} else if (RMM_WARN_ON(obj->views)) {
		return;		/* a view without its reference: leak it */
	}
	rmm_mutex_destroy(&obj->lock);
	meta_free(mm, obj, sizeof(*obj), NULL);
}
RMM_EXPORT(rmm_memobj_put);

enum rmm_memobj_kind rmm_memobj_kind(const struct rmm_memobj *obj)
{
	return obj->kind;
}
RMM_EXPORT(rmm_memobj_kind);

u64 rmm_memobj_size(struct rmm_memobj *obj)
{
	return READ_ONCE(obj->size);
}
RMM_EXPORT(rmm_memobj_size);

void rmm_memobj_set_size(struct rmm_memobj *obj, u64 nr_pages,
			 struct rmm_plist *victims)
{
	struct rmm_memview *v;
	bool shrink;

	rmm_mutex_lock(&obj->lock);
	shrink = nr_pages < obj->size;
	if (obj->kind == RMM_MEMOBJ_PRIVATE)
		WRITE_ONCE(obj->size, nr_pages);
	for (v = obj->views; v; v = v->next) {
		rmm_mutex_lock(&v->lock);
		if (obj->kind == RMM_MEMOBJ_SHARED)
			WRITE_ONCE(obj->size, nr_pages);
		if (shrink && nr_pages < RMM_MEMOBJ_PGOFF_LIMIT)
			punch_locked(v, nr_pages, RMM_MEMOBJ_PGOFF_LIMIT - 1,
				     victims);
		rmm_mutex_unlock(&v->lock);
	}
	rmm_mutex_unlock(&obj->lock);
}
RMM_EXPORT(rmm_memobj_set_size);

static struct rmm_memview *find_view(struct rmm_memobj *obj, u64 cookie)
{
	struct rmm_memview *v;

	rmm_assert_held(&obj->lock);
	for (v = obj->views; v; v = v->next)
		if (v->cookie == cookie)
			return v;
	return NULL;
}

/* a reference on @v and its object (obj->lock held) */
static void view_ref(struct rmm_memview *v)
{
	rmm_assert_held(&v->obj->lock);
	v->refs++;
	rmm_memobj_get(v->obj);
}

static void link_view(struct rmm_memobj *obj, struct rmm_memview *v)
{
	rmm_assert_held(&obj->lock);
	v->next = obj->views;
	obj->views = v;
	obj->nr_views++;
}

struct rmm_memview *rmm_memview_get(struct rmm_memobj *obj, u64 mm_cookie)
{
	struct rmm_memview *v;

	rmm_mutex_lock(&obj->lock);
	v = obj->kind == RMM_MEMOBJ_SHARED ? obj->views :
		find_view(obj, mm_cookie);
	if (!v) {
		v = view_alloc(obj, mm_cookie);
		if (v)
			link_view(obj, v);
	}
	if (v)
		view_ref(v);
	rmm_mutex_unlock(&obj->lock);
	return v;
}
RMM_EXPORT(rmm_memview_get);

void rmm_memview_put(struct rmm_memview *v)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_memview **pp;
	bool dead = false;

	rmm_mutex_lock(&obj->lock);
	RMM_WARN_ON(v->refs <= 0);
	if (--v->refs == 0 && obj->kind == RMM_MEMOBJ_PRIVATE) {
		for (pp = &obj->views; *pp != v; pp = &(*pp)->next)
			;
		*pp = v->next;
		obj->nr_views--;
		obj->nr_dying++;
		dead = true;
	}
	rmm_mutex_unlock(&obj->lock);
	if (dead) {
		view_destroy(v);
		rmm_mutex_lock(&obj->lock);
		obj->nr_dying--;
		rmm_mutex_unlock(&obj->lock);
	}
	rmm_memobj_put(obj);
}
RMM_EXPORT(rmm_memview_put);

struct rmm_memobj *rmm_memview_obj(const struct rmm_memview *v)
{
	return v->obj;
}
RMM_EXPORT(rmm_memview_obj);

struct rmm_memview *rmm_memview_fork(struct rmm_memview *parent,
				     u64 child_cookie, bool *first)
{
	struct rmm_memobj *obj = parent->obj;
	struct rmm_mm *mm = obj->mm;
	struct rmm_memview *child;
	u64 pos, failed = RMM_MEMOBJ_PGOFF_LIMIT;
	u32 idx;

	*first = false;
	rmm_mutex_lock(&obj->lock);
	if (obj->kind == RMM_MEMOBJ_SHARED) {
		child = parent;
		goto ref;
	}
	if (RMM_WARN_ON(child_cookie == parent->cookie)) {
		rmm_mutex_unlock(&obj->lock);
		return NULL;
	}
	child = find_view(obj, child_cookie);
	if (child)
		goto ref;
	child = view_alloc(obj, child_cookie);
	if (!child)
		goto out;
	rmm_mutex_lock_nest_lock(&parent->lock, &obj->lock);
	rmm_mutex_lock_nest_lock(&child->lock, &obj->lock);
	if (parent->root) {
		child->root = ix_copy(child, parent->root, parent->height - 1);
		if (!child->root) {
			rmm_mutex_unlock(&child->lock);
			rmm_mutex_unlock(&parent->lock);
			rmm_mutex_destroy(&child->lock);
			meta_free(mm, child, sizeof(*child), NULL);
			child = NULL;
			goto out;
		}
		child->height = parent->height;
		child->nr_pages = parent->nr_pages;
		child->nr_swap = parent->nr_swap;
	}
	/* copy_nonpresent_pte(): a swap entry is one more count of its slot */
	ix_for_each(child, pos, 0, RMM_MEMOBJ_PGOFF_LIMIT - 1, idx) {
		if (rmm_is_swap_entry(idx)) {
			if (rmm_swap_duplicate(mm, idx)) {
				failed = pos;
				break;
			}
			continue;
		}
		rmm_spin_lock(&obj->share_lock);
		rmm_mm_idx_to_page(mm, idx)->private++;
		rmm_spin_unlock(&obj->share_lock);
	}
	if (failed != RMM_MEMOBJ_PGOFF_LIMIT) {
		/* -ENOMEM (a slot's count at its maximum): undo, fail the fork */
		if (failed)
			ix_for_each(child, pos, 0, failed - 1, idx) {
				if (rmm_is_swap_entry(idx)) {
					rmm_swap_free(mm, idx);
					continue;
				}
				rmm_spin_lock(&obj->share_lock);
				rmm_mm_idx_to_page(mm, idx)->private--;
				rmm_spin_unlock(&obj->share_lock);
			}
		ix_free_tree(child, child->root, child->height - 1);
		rmm_mutex_unlock(&child->lock);
		rmm_mutex_unlock(&parent->lock);
		rmm_mutex_destroy(&child->lock);
		meta_free(mm, child, sizeof(*child), NULL);
		child = NULL;
		goto out;
	}
	rmm_mutex_unlock(&child->lock);
	rmm_mutex_unlock(&parent->lock);
	link_view(obj, child);
	*first = true;
ref:
	view_ref(child);
out:
	rmm_mutex_unlock(&obj->lock);
	return child;
}
RMM_EXPORT(rmm_memview_fork);

void rmm_memview_lock(struct rmm_memview *v)
{
	rmm_mutex_lock(&v->lock);
}
RMM_EXPORT(rmm_memview_lock);

bool rmm_memview_is_locked(struct rmm_memview *v)
{
	return rmm_mutex_is_locked(&v->lock);
}
RMM_EXPORT(rmm_memview_is_locked);

void rmm_memview_unlock(struct rmm_memview *v)
{
	rmm_mutex_unlock(&v->lock);
}
RMM_EXPORT(rmm_memview_unlock);

void rmm_memview_assert_locked(struct rmm_memview *v)
{
	rmm_assert_held(&v->lock);
}
RMM_EXPORT(rmm_memview_assert_locked);

struct rmm_page *rmm_memview_lookup(struct rmm_memview *v, u64 pgoff)
{
	u32 idx;

	rmm_assert_held(&v->lock);
	if (pgoff >= RMM_MEMOBJ_PGOFF_LIMIT)
		return NULL;
	idx = ix_lookup(v, pgoff);
	return idx == RMM_NIL || rmm_is_swap_entry(idx) ? NULL :
		rmm_mm_idx_to_page(v->obj->mm, idx);
}
RMM_EXPORT(rmm_memview_lookup);

/*
 * Swap entry @e at @pgoff of @v's leaf @l becomes @page again (share_lock
 * held): one count of the slot less, one holder of the page more.
 */
static void install_swapped(struct rmm_memview *v, struct ix_leaf *l,
			    u64 pgoff, u32 e, struct rmm_page *page)
{
	struct rmm_memobj *obj = v->obj;

	rmm_assert_held(&obj->share_lock);
	l->page[pgoff & IX_MASK] = rmm_mm_page_idx(obj->mm, page);
	v->nr_swap--;
	if (!page->private++)
		account_page(obj, page, 1);
	rmm_swap_free(obj->mm, e);
}

/*
 * A page for a fault, allocated with the view lock held: what
 * rmm_memview_fault() got beforehand without the lock (f->prealloc), or
 * one the allocator can give at once.  The attempt under the lock does
 * not enter direct reclaim: reclaim only trylocks the view locks, so a
 * fault that reclaimed while holding one could never take pages of its
 * own object.  NULL with *again set: drop the lock, allocate with
 * reclaim, come back (rmm_memview_fault()).
 */
static struct rmm_page *fault_alloc(struct rmm_memobj *obj,
				    struct rmm_fault *f, rmm_gfp_t gfp,
				    bool zero, bool *again)
{
	struct rmm_mm *mm = obj->mm;
	struct rmm_page *page = f->prealloc;

	*again = false;
	gfp = (obj->gfp | gfp) & ~(rmm_gfp_t)RMM___GFP_ZERO;
	if (page) {
		f->prealloc = NULL;
		if (zero)
			memset(rmm_mm_page_address(mm, page), 0, RMM_PAGE_SIZE);
		return page;
	}
	page = rmm_mm_alloc_pages(mm, obj->nid, 0,
				  (gfp & ~(rmm_gfp_t)RMM___GFP_DIRECT_RECLAIM) |
				  RMM___GFP_NOWARN |
				  (zero ? RMM___GFP_ZERO : 0));
	if (!page && (gfp & RMM___GFP_DIRECT_RECLAIM))
		*again = true;
	return page;
}

/*
 * do_swap_page() for swap entry @e at @pgoff of @v's leaf @l (view lock
 * held): the page in the swap cache (one being written out, or one
 * another view read back), else a new page read from the slot.  The
 * reader first takes the slot's HAS_CACHE (swapcache_prepare(), the
 * folio lock's part): a second reader of the same slot, from this view
 * or another, finds it taken and returns -EBUSY to wait a tick and look
 * again.  A fault (@f) reads with the view lock dropped, as the kernel
 * reads with no page table lock, so that reclaim's trylock of the view
 * is not refused for the whole of a device read; it then returns
 * SWAPIN_AGAIN, since the index may have changed meanwhile (the page is
 * installed only if the entry is still @e).  Without @f (swapoff) the
 * read holds the lock.  A slot with a shadow entry is a refault
 * (workingset_refault(), as __read_swap_cache_async() and do_swap_page()
 * call it, before the pte_same() check): the page may go on the active
 * list.  Once read, the page goes into the swap cache if other entries
 * still hold the slot, or for a fault on a private object while swap is
 * not half full (it keeps its slot); else the slot is freed.  A fault
 * also reads its neighbours in the index into the swap cache, in the
 * same batch (swapin_readahead(): swap_ra_start(), swap_ra_add()); a
 * page found in the cache may be one of those (swap_ra_hit()).  *major:
 * read from the device.  -ENOMEM, -EAGAIN (fault_alloc()), -EIO.
 */
#define SWAPIN_AGAIN	1

static int swapin(struct rmm_memview *v, struct ix_leaf *l, u64 pgoff, u32 e,
		  rmm_gfp_t gfp, bool young, bool *major, struct rmm_fault *f)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_mm *mm = obj->mm;
	bool activate = false, workingset = false;
	struct swap_ra *ra = NULL;
	struct rmm_page *page;
	u32 shadow;
	int err;

	rmm_assert_held(&v->lock);
	rmm_spin_lock(&obj->share_lock);
	page = mm->lru ? rmm_swapcache_lookup(mm, e) : NULL;
	if (page)
		install_swapped(v, l, pgoff, e, page);
	rmm_spin_unlock(&obj->share_lock);
	if (page) {
		swap_ra_hit(v, page, pgoff);
		if (young)
			mark_young(mm, page);
		return 0;
	}
	err = rmm_swapcache_prepare(mm, e);
	if (err == -EEXIST)
		return -EBUSY;		/* another reader has the slot */
	if (RMM_WARN_ON(err))
		return -EIO;
	/* HAS_CACHE is ours: the shadow stays until the slot is freed */
	shadow = mm->lru ? rmm_swapcache_get_shadow(mm, e) : 0;
	if (f) {
		bool again;

		page = fault_alloc(obj, f, gfp, false, &again);
		err = again ? -EAGAIN : -ENOMEM;
	} else {
		page = rmm_mm_alloc_pages(mm, obj->nid, 0, (obj->gfp | gfp) &
					  ~(rmm_gfp_t)RMM___GFP_ZERO);
		err = -ENOMEM;
	}
	if (!page) {
		rmm_swapcache_clear(mm, e);
		return err;
	}
	if (f) {
		/* swapin_readahead(): the neighbours are read with it */
		ra = swap_ra_start(v, pgoff, e, page);
		rmm_mutex_unlock(&v->lock);
	}
	if (ra) {
		rmm_count_vm_events(mm, RMM_SWAP_RA, ra->b.nr - 1);
		rmm_swap_read_batch(mm, &ra->b);
		err = ra->b.err[0];
	} else {
		err = rmm_swap_readpage(mm, e, page);
	}
	if (f)
		rmm_mutex_lock(&v->lock);
	if (ra) {
		int i;

		for (i = 1; i < ra->b.nr; i++)
			swap_ra_add(v, ra, i);
		rmm_kvfree(ra);
	}
	if (err) {
		rmm_mm_free_pages(mm, page, 0);
		rmm_swapcache_clear(mm, e);
		return -EIO;
	}
	*major = true;
	rmm_count_vm_events(mm, RMM_PGMAJFAULT, 1);
	if (shadow)
		activate = rmm_workingset_refault(mm, page, shadow,
						  &workingset);
	/* only this view's lock holder changes its entries */
	if (f) {
		l = ix_find_leaf(v, pgoff);
		if (!l || l->page[pgoff & IX_MASK] != e) {
			/* unmapped or swapped off meanwhile: pte_same() fails */
			rmm_mm_free_pages(mm, page, 0);
			rmm_swapcache_clear(mm, e);
			return SWAPIN_AGAIN;
		}
	}
	/* folio_set_active()/folio_set_workingset() before folio_add_lru() */
	lru_take_flags(obj, page, pgoff, (young ? RMM_EXT_YOUNG : 0) |
		       (workingset ? RMM_EXT_WORKINGSET : 0), activate);
	rmm_spin_lock(&obj->share_lock);
	if (mm->lru && (rmm_swap_count(mm, e) > 1 ||
			(f && obj->kind == RMM_MEMOBJ_PRIVATE &&
			 !rmm_swap_full(mm)))) {
		/*
		 * add_to_swap_cache(): the other entries find it there; and
		 * an anonymous page read for a fault stays there, its slot
		 * kept, while swap is not half full (do_swap_page() frees
		 * the swap only when should_try_to_free_swap()): clean, it
		 * is reclaimed again without a write
		 */
		rmm_swapcache_add(mm, e, page);
		install_swapped(v, l, pgoff, e, page);
	} else {
		install_swapped(v, l, pgoff, e, page);
		rmm_swapcache_clear(mm, e);
	}
	rmm_spin_unlock(&obj->share_lock);
	return f ? SWAPIN_AGAIN : 0;
}

/* no page at f->pgoff of leaf @l yet: a zeroed one */
static int fault_new(struct rmm_memview *v, struct rmm_fault *f,
		     struct ix_leaf *l)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_page *page;
	bool again;

	page = fault_alloc(obj, f, f->gfp_extra, true, &again);
	if (!page) {
		ix_erase(v, f->pgoff);	/* prune nodes built for it */
		return again ? -EAGAIN : -ENOMEM;
	}
	ix_leaf_set(v, l, f->pgoff, rmm_mm_page_idx(obj->mm, page));
	account_new(obj, page);
	if (obj->kind == RMM_MEMOBJ_SHARED)
		mark_mapped(obj, page);
	lru_take(obj, page, f->pgoff, true);
	f->page = page;
	f->map_writable = true;
	return 0;
}

/*
 * A write to @page, which other views hold too: a copy for this view
 * (do_wp_page()'s wp_page_copy()).  If the others let go of it while
 * the copy was made, this view keeps the original (wp_page_reuse()).
 */
static int fault_cow(struct rmm_memview *v, struct rmm_fault *f,
		     struct ix_leaf *l, struct rmm_page *page)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_mm *mm = obj->mm;
	struct rmm_page *copy;
	bool reuse, again;

	copy = fault_alloc(obj, f, f->gfp_extra, false, &again);
	if (!copy)
		return again ? -EAGAIN : -ENOMEM;
	rmm_copy_page(rmm_mm_page_address(mm, copy),
		      rmm_mm_page_address(mm, page));
	rmm_inject(RMM_INJECT_MEMOBJ_COW, page);
	rmm_spin_lock(&obj->share_lock);
	reuse = page->private == 1 && !swap_shared_locked(obj, page);
	rmm_spin_unlock(&obj->share_lock);
	if (reuse) {
		rmm_mm_free_pages(mm, copy, 0);
		mark_young(mm, page);
		f->page = page;
	} else {
		/* this view keeps its count until rmm_memview_fault_done() */
		ix_leaf_set(v, l, f->pgoff, rmm_mm_page_idx(mm, copy));
		account_new(obj, copy);
		lru_take(obj, copy, f->pgoff, true);
		f->page = copy;
		f->replaced = true;
		f->old = page;
	}
	f->map_writable = true;
	return 0;
}

static int __memview_fault(struct rmm_memview *v, struct rmm_fault *f)
{
	struct rmm_memobj *obj = v->obj;
	struct rmm_page *page;
	struct ix_leaf *l;
	u32 idx, count, ext_flags;

	f->page = NULL;
	f->map_writable = false;
	f->replaced = false;
	f->old = NULL;
	if (f->pgoff >= RMM_MEMOBJ_PGOFF_LIMIT ||
	    (obj->kind == RMM_MEMOBJ_SHARED && f->pgoff >= obj->size))
		return -EFAULT;
	/* one walk: the leaf, built if missing (pruned again on failure) */
	l = ix_get_leaf(v, f->pgoff);
	if (!l)
		return -ENOMEM;
	idx = l->page[f->pgoff & IX_MASK];
	if (idx == RMM_NIL)
		return fault_new(v, f, l);
	if (rmm_is_swap_entry(idx)) {
		int err = swapin(v, l, f->pgoff, idx, f->gfp_extra, false,
				 &f->major, f);

		/* SWAPIN_AGAIN: the lock was dropped, walk again */
		if (err)
			return err == -EIO ? -EFAULT : err;
		idx = l->page[f->pgoff & IX_MASK];
	}
	page = rmm_mm_idx_to_page(obj->mm, idx);
	/* one look at the ext: in the swap cache? young already? */
	ext_flags = obj->mm->lru ?
		READ_ONCE(rmm_page_ext(obj->mm, page)->flags) : RMM_EXT_YOUNG;
	if (obj->kind == RMM_MEMOBJ_SHARED) {
		if (ext_flags & RMM_EXT_SWAPCACHE)
			swap_shared(obj, page);	/* one view: only cleans up */
		mark_mapped(obj, page);
		if (!(ext_flags & RMM_EXT_YOUNG))
			mark_young(obj->mm, page);
		f->page = page;
		f->map_writable = true;
		return 0;
	}
	/*
	 * No share_lock for a look: a count of 1 is stable (only this view,
	 * whose lock we hold, has the page); a larger one may drop at any
	 * time, which costs at most a read-only mapping (the write comes
	 * back) or a copy that fault_cow() gives back after a recheck.
	 */
	count = READ_ONCE(page->private);
	if (count <= 1 && (ext_flags & RMM_EXT_SWAPCACHE) &&
	    ((!f->write && !rmm_swap_full(obj->mm)) || swap_shared(obj, page)))
		/*
		 * shared with entries still holding its slot; or, for a
		 * read, kept in the cache with its slot, mapped read-only
		 * so that a write faults and gives the slot up (the
		 * kernel's dirty bit tells reclaim instead)
		 */
		count = 2;
	if (count > 1 && f->write)
		return fault_cow(v, f, l, page);
	if (!(ext_flags & RMM_EXT_YOUNG))
		mark_young(obj->mm, page);
	f->page = page;
	f->map_writable = count <= 1;
	return 0;
}

/*
 * The fault; when it needs a page the allocator cannot give at once, the
 * page is allocated with direct reclaim (and the OOM killer) while the
 * view lock is dropped, and the fault starts again with it: what the
 * index holds may have changed meanwhile, so nothing found before counts.
 */
int rmm_memview_fault(struct rmm_memview *v, struct rmm_fault *f)
{
	struct rmm_memobj *obj = v->obj;
	int err;

	rmm_assert_held(&v->lock);
	f->prealloc = NULL;
	f->major = false;
	while ((err = __memview_fault(v, f)) == -EAGAIN || err == -EBUSY ||
	       err == SWAPIN_AGAIN) {
		if (err == SWAPIN_AGAIN)
			continue;
		rmm_mutex_unlock(&v->lock);
		if (err == -EBUSY) {
			/* another reader has the slot (kernel: a jiffy) */
			rmm_schedule_timeout_uninterruptible(1);
			rmm_mutex_lock(&v->lock);
			continue;
		}
		f->prealloc = rmm_mm_alloc_pages(obj->mm, obj->nid, 0,
						 (obj->gfp | f->gfp_extra) &
						 ~(rmm_gfp_t)RMM___GFP_ZERO);
		rmm_mutex_lock(&v->lock);
		if (!f->prealloc) {
			err = -ENOMEM;
			break;
		}
	}
	if (f->prealloc) {	/* not needed after all */
		rmm_mm_free_pages(obj->mm, f->prealloc, 0);
		f->prealloc = NULL;
	}
	return err;
}
RMM_EXPORT(rmm_memview_fault);

void rmm_memview_fault_done(struct rmm_memview *v, struct rmm_fault *f,
			    struct rmm_plist *victims)
{
	rmm_assert_held(&v->lock);
	if (!f->old)
		return;
	drop_page(v, rmm_mm_page_idx(v->obj->mm, f->old), victims);
	f->old = NULL;
}
RMM_EXPORT(rmm_memview_fault_done);

u64 rmm_memview_punch(struct rmm_memview *v, const struct rmm_pgrange *r,
		      struct rmm_plist *victims)
{
	u64 first, last, nr = 0;

	if (!range_last(r, &first, &last))
		return 0;
	rmm_mutex_lock(&v->lock);
	nr = punch_locked(v, first, last, victims);
	rmm_mutex_unlock(&v->lock);
	return nr;
}
RMM_EXPORT(rmm_memview_punch);

/* end (exclusive) of the range of @still that holds @pgoff, or 0 */
static u64 still_end(u64 pgoff, const struct rmm_pgrange *still, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (pgoff >= still[i].start && pgoff - still[i].start <
		    still[i].nr)
			return still[i].start + still[i].nr;
	return 0;
}

void rmm_memview_unmapped(struct rmm_memview *v, const struct rmm_pgrange *r,
			  const struct rmm_pgrange *still, int nr_still,
			  struct rmm_plist *victims)
{
	struct rmm_memobj *obj = v->obj;
	u64 first, last, pos, end;
	u32 idx;

	if (!range_last(r, &first, &last))
		return;
	rmm_mutex_lock(&v->lock);
	ix_for_each(v, pos, first, last, idx) {
		end = still_end(pos, still, nr_still);
		if (end) {
			if (end - 1 >= last)
				break;
			pos = end - 1;		/* skip the covered range */
			continue;
		}
		if (obj->kind == RMM_MEMOBJ_PRIVATE) {
			ix_erase(v, pos);
			drop_entry(v, idx, victims);
		} else if (!rmm_is_swap_entry(idx)) {
			clear_mapped(obj, rmm_mm_idx_to_page(obj->mm, idx));
		}
	}
	rmm_mutex_unlock(&v->lock);
}
RMM_EXPORT(rmm_memview_unmapped);

/* entries in [r) that are pages (!@swap) or swap entries (@swap) */
static u64 count_entries(struct rmm_memview *v, const struct rmm_pgrange *r,
			 bool swap)
{
	u64 first, last, pos, nr = 0;
	u32 idx;

	if (!range_last(r, &first, &last))
		return 0;
	rmm_mutex_lock(&v->lock);
	if (first == 0 && last == RMM_MEMOBJ_PGOFF_LIMIT - 1) {
		nr = swap ? v->nr_swap : v->nr_pages - v->nr_swap;
	} else {
		ix_for_each(v, pos, first, last, idx)
			nr += rmm_is_swap_entry(idx) == swap;
	}
	rmm_mutex_unlock(&v->lock);
	return nr;
}

u64 rmm_memview_count(struct rmm_memview *v, const struct rmm_pgrange *r)
{
	return count_entries(v, r, false);
}
RMM_EXPORT(rmm_memview_count);

u64 rmm_memview_count_swap(struct rmm_memview *v, const struct rmm_pgrange *r)
{
	return count_entries(v, r, true);
}
RMM_EXPORT(rmm_memview_count_swap);

/* try_to_unuse() of one view (obj->lock and its lock held) */
static int unuse_view(struct rmm_memview *v, int type)
{
	bool major;
	u64 pos;
	u32 idx;
	int err;

	rmm_assert_held(&v->lock);
	ix_for_each(v, pos, 0, RMM_MEMOBJ_PGOFF_LIMIT - 1, idx) {
		struct rmm_page *page;

		if (rmm_is_swap_entry(idx)) {
			if ((int)rmm_swp_type(idx) != type)
				continue;
			if (rmm_fatal_signal_pending())
				return -EINTR;
			err = swapin(v, ix_find_leaf(v, pos), pos, idx, 0,
				     false, &major, NULL);
			if (err == -EBUSY)
				continue;	/* a fault reads it: next pass */
			if (err)
				return err;
			idx = ix_lookup(v, pos);
		}
		/*
		 * a page still in the device's swap cache: out of it once no
		 * entry holds its slot (try_to_unuse()'s folio_free_swap())
		 */
		page = rmm_mm_idx_to_page(v->obj->mm, idx);
		if (v->obj->mm->lru &&
		    (READ_ONCE(rmm_page_ext(v->obj->mm, page)->flags) &
		     RMM_EXT_SWAPCACHE) &&
		    (int)rmm_swp_type(rmm_page_ext(v->obj->mm, page)->swap) ==
		    type)
			swap_shared(v->obj, page);
	}
	return 0;
}

static int unuse_obj(struct rmm_memobj *obj, int type)
{
	struct rmm_memview *v;
	int err = 0;

	rmm_mutex_lock(&obj->lock);
	for (v = obj->views; v && !err; v = v->next) {
		rmm_mutex_lock_nest_lock(&v->lock, &obj->lock);
		err = unuse_view(v, type);
		rmm_mutex_unlock(&v->lock);
	}
	rmm_mutex_unlock(&obj->lock);
	return err;
}

/* the first object from @obj on that is not dying, referenced; or NULL */
static struct rmm_memobj *next_live(struct rmm_memobj *obj)
{
	while (obj && !rmm_atomic_long_inc_not_zero(&obj->refs))
		obj = obj->lnext;
	return obj;
}

/*
 * The list lock is not held while an object is worked on: the
 * allocations may reclaim, whose unpin may drop an object's last
 * reference, which takes the list lock.  The reference held on the
 * current object keeps it (and so its place in the list) alive.
 */
/* RMM_HOST_WEAK: test_swapfile.c tests swapoff with a fake of its own */
RMM_HOST_WEAK int rmm_memobj_unuse_swap(struct rmm_mm *mm, int type)
{
	struct rmm_memobj *obj, *next;
	int err = 0;

	rmm_might_sleep();
	rmm_mutex_lock(&mm->memobj_list_lock);
	obj = next_live(mm->memobj_list);
	rmm_mutex_unlock(&mm->memobj_list_lock);
	while (obj) {
		if (!err)
			err = unuse_obj(obj, type);
		rmm_mutex_lock(&mm->memobj_list_lock);
		next = err ? NULL : next_live(obj->lnext);
		rmm_mutex_unlock(&mm->memobj_list_lock);
		rmm_memobj_put(obj);
		obj = next;
		rmm_cond_resched();
	}
	return err;
}
RMM_EXPORT(rmm_memobj_unuse_swap);

/* ------------------------------------------------------------------ */
/* reclaim: the owner of LRU pages (lru.h, struct rmm_lru_owner_ops)   */
/* ------------------------------------------------------------------ */

/*
 * obj->lock and every view's lock, or none: reclaim never blocks on them
 * (direct reclaim may run under a view lock of the faulting task, which
 * makes the trylock of that view fail: the page is kept).
 */
/*
 * Reclaim holds all of an object's view locks at once, each trylocked:
 * lockdep counts every one (trylocks take no nest_lock), and a task may
 * hold at most 48 locks.  Pages of objects with more views are left
 * alone (busy).
 */
#define RECLAIM_MAX_VIEWS	32

static bool trylock_views(struct rmm_memobj *obj)
{
	struct rmm_memview *v, *u;

	if (!rmm_mutex_trylock(&obj->lock))
		return false;
	if (obj->nr_views > RECLAIM_MAX_VIEWS || obj->nr_dying) {
		rmm_mutex_unlock(&obj->lock);
		return false;
	}
	for (v = obj->views; v; v = v->next) {
		if (rmm_mutex_trylock(&v->lock))
			continue;
		for (u = obj->views; u != v; u = u->next)
			rmm_mutex_unlock(&u->lock);
		rmm_mutex_unlock(&obj->lock);
		return false;
	}
	return true;
}

static void unlock_views(struct rmm_memobj *obj)
{
	struct rmm_memview *v;

	for (v = obj->views; v; v = v->next)
		rmm_mutex_unlock(&v->lock);
	rmm_mutex_unlock(&obj->lock);
}

/*
 * may the object's pages be mapped (obj->lock held)?  Not once a SHARED
 * object's view has no reference: the host's object behind obj->host
 * may be gone, while reclaim's pin keeps this one.  A PRIVATE object's
 * listed views are referenced.
 */
static bool obj_mapped(struct rmm_memobj *obj)
{
	rmm_assert_held(&obj->lock);
	return obj->kind == RMM_MEMOBJ_PRIVATE || obj->views->refs > 0;
}

/* views whose index holds page @idx at @pgoff (trylock_views() held) */
static unsigned int page_holders(struct rmm_memobj *obj, u32 idx, u64 pgoff)
{
	struct rmm_memview *v;
	unsigned int n = 0;

	rmm_assert_held(&obj->lock);
	for (v = obj->views; v; v = v->next)
		n += ix_lookup(v, pgoff) == idx;
	return n;
}

/*
 * isolate: lru_lock held and the page on a list, so its owner has not
 * let go of it and the object (which lets go of every page before it is
 * freed) is still there; a reference unless it is dying already.
 */
static bool memobj_pin(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_memobj *obj = rmm_page_ext(mm, page)->owner;

	rmm_assert_held(&rmm_node_lruvec(mm, rmm_mm_page_nid(mm,
							      page))->lru_lock);
	return obj && rmm_atomic_long_inc_not_zero(&obj->refs);
}

static void memobj_unpin(struct rmm_mm *mm, void *owner)
{
	rmm_memobj_put(owner);
}

/*
 * folio_referenced(): the views holding the page if it was mapped since
 * the last call (RMM_EXT_YOUNG), else 0; clearing YOUNG removes the
 * page's entries (unmap_obj) so that the next access faults and sets it
 * again, as a young PTE bit would be cleared and flushed.
 */
static int memobj_referenced(struct rmm_mm *mm, struct rmm_page *page)
{
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);
	struct rmm_lruvec *lruvec =
		rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page));
	struct rmm_memobj *obj = ext->owner;
	u64 pgoff = ext->index;
	unsigned int holders;
	bool young;

	if (!trylock_views(obj))
		return -EAGAIN;
	holders = page_holders(obj, rmm_mm_page_idx(mm, page), pgoff);
	rmm_spin_lock(&lruvec->lru_lock);
	young = ext->flags & RMM_EXT_YOUNG;
	ext->flags &= ~RMM_EXT_YOUNG;
	rmm_spin_unlock(&lruvec->lru_lock);
	if (young && holders && obj_mapped(obj))
		rmm_mm_unmap_obj(mm, obj->host, pgoff, 1);
	unlock_views(obj);
	return young ? holders : 0;
}

/*
 * folio_start_writeback()/folio_end_writeback() for swap (share_lock
 * held): PG_reclaim with it, since only reclaim writes; NR_WRITEBACK.
 * The end clears PG_rmm_dirty after a good write and sets it after a
 * failed one (the slot does not hold the contents: write it again).
 */
static void writeback_start(struct rmm_memobj *obj, struct rmm_page *page)
{
	rmm_assert_held(&obj->share_lock);
	ext_flags(obj->mm, page, RMM_EXT_WRITEBACK | RMM_EXT_RECLAIM, 0);
	rmm_mod_node_page_state(page_node(obj->mm, page), RMM_NR_WRITEBACK, 1);
}

static void writeback_end(struct rmm_memobj *obj, struct rmm_page *page,
			  int err)
{
	rmm_assert_held(&obj->share_lock);
	ext_flags(obj->mm, page, 0, RMM_EXT_WRITEBACK | RMM_EXT_RECLAIM);
	rmm_mod_node_page_state(page_node(obj->mm, page), RMM_NR_WRITEBACK, -1);
	if (!err != !RmmPageDirty(page))
		page_flag(obj->mm, page, PG_rmm_dirty, err);
}

/*
 * The end of a pageout, after the write (@err its result; share_lock
 * held): a fault may have taken the page back from the swap cache
 * meanwhile (then it stays, and leaves the cache only if no entry holds
 * its slot any more); a page released meanwhile (orphan) leaves the cache
 * and is freed by the reclaimer's putback; a failed write keeps the page
 * in the cache, dirty, for the next pageout or fault; else it leaves the
 * cache, leaving a shadow entry (workingset_eviction()): freed.
 */
static enum rmm_pageout pageout_done(struct rmm_memobj *obj,
				     struct rmm_page *page, u32 e, int err)
{
	struct rmm_mm *mm = obj->mm;
	u32 flags = rmm_page_ext(mm, page)->flags;

	rmm_assert_held(&obj->share_lock);
	if (flags & RMM_EXT_ORPHAN) {
		if (flags & RMM_EXT_SWAPCACHE)
			cache_del(obj, e, page);
		return RMM_PAGEOUT_KEEP;
	}
	if (page->private) {
		if (!err && !rmm_swap_count(mm, e))
			cache_del(obj, e, page);
		else if (err)
			page_flag(mm, page, PG_rmm_dirty, true);
		return RMM_PAGEOUT_KEEP;
	}
	if (err && rmm_swap_count(mm, e)) {
		page_flag(mm, page, PG_rmm_dirty, true);
		return RMM_PAGEOUT_KEEP;
	}
	/* __remove_mapping(): a shadow for the refault (workingset.h) */
	cache_del_shadow(obj, e, page,
			 err ? 0 : rmm_workingset_eviction(mm, page));
	return RMM_PAGEOUT_FREED;
}

/*
 * shrink_folio_list()'s add_to_swap(), try_to_unmap() and pageout() for
 * a page of ours (isolated, pinned).  Under obj->lock and every view's
 * lock, all trylocked (KEEP when one is busy): a slot (none: ACTIVATE,
 * as when folio_alloc_swap() fails), the page in the swap cache, every
 * index entry holding the page replaced by the swap entry (one count of
 * the slot each; the share count drops to 0), the page out of the
 * counters, its user entries removed (unmap_obj).  Then, no lock held,
 * the write: started asynchronously (WRITEBACK: the page stays in the
 * swap cache under RMM_EXT_WRITEBACK, and rmm_memobj_end_writeback()
 * finishes), or done synchronously, then pageout_done().  A page being
 * written is activated.  A page already in the swap cache
 * whose slot holds its contents (read back and not written since: a
 * page in the cache is never writable while its slot has holders) needs
 * no write: CLEAN.
 */
static enum rmm_pageout memobj_pageout(struct rmm_mm *mm,
				       struct rmm_page *page, bool may_swap)
{
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);
	struct rmm_memobj *obj = ext->owner;
	u32 idx = rmm_mm_page_idx(mm, page), e;
	u64 pgoff = ext->index;
	enum rmm_pageout ret = RMM_PAGEOUT_KEEP;
	unsigned int holders, n;
	struct rmm_memview *v;
	bool fresh = false, write;
	int err = 0;

	if (!may_swap)
		return RMM_PAGEOUT_KEEP;
	if (!trylock_views(obj))
		return RMM_PAGEOUT_KEEP;
	holders = page_holders(obj, idx, pgoff);
	/* an orphan, or a view on its way out still holds the page */
	if ((ext->flags & RMM_EXT_ORPHAN) || holders != page->private)
		goto unlock;
	/* folio_test_writeback(): shrink_folio_list() activates it */
	if (ext->flags & RMM_EXT_WRITEBACK) {
		ret = RMM_PAGEOUT_ACTIVATE;
		goto unlock;
	}
	if (ext->flags & RMM_EXT_SWAPCACHE) {
		e = ext->swap;
		write = RmmPageDirty(page);
	} else {
		e = holders && rmm_can_swap(mm) ? rmm_get_swap_page(mm) : 0;
		if (!e) {
			ret = RMM_PAGEOUT_ACTIVATE;
			goto unlock;
		}
		rmm_spin_lock(&obj->share_lock);
		rmm_swapcache_add(mm, e, page);
		rmm_spin_unlock(&obj->share_lock);
		fresh = true;
		write = true;
	}
	for (n = 0; n < holders; n++)
		if (rmm_swap_duplicate(mm, e))
			break;
	if (n < holders) {
		/* a count at its maximum (the kernel's continuation pages) */
		while (n--)
			rmm_swap_free(mm, e);
		if (fresh) {
			rmm_spin_lock(&obj->share_lock);
			cache_del(obj, e, page);
			rmm_spin_unlock(&obj->share_lock);
		}
		ret = RMM_PAGEOUT_ACTIVATE;
		goto unlock;
	}
	for (v = obj->views; v; v = v->next) {
		struct ix_leaf *l = ix_find_leaf(v, pgoff);

		if (l && l->page[pgoff & IX_MASK] == idx) {
			l->page[pgoff & IX_MASK] = e;
			v->nr_swap++;
		}
	}
	rmm_spin_lock(&obj->share_lock);
	page->private = 0;
	if (write)
		writeback_start(obj, page);
	rmm_spin_unlock(&obj->share_lock);
	if (holders) {
		if (obj->kind == RMM_MEMOBJ_SHARED)
			clear_mapped(obj, page);
		account_page(obj, page, -1);
		if (obj_mapped(obj))
			rmm_mm_unmap_obj(mm, obj->host, pgoff, 1);
	}
	unlock_views(obj);

	if (write) {
		rmm_inject(RMM_INJECT_MEMOBJ_PAGEOUT, page);
		/* the write's reference: rmm_memobj_end_writeback() drops it */
		rmm_memobj_get(obj);
		err = rmm_swap_writepage_async(mm, e, page);
		/* started: the page is the end of the write's, not ours */
		if (err == RMM_SWAP_WRITE_STARTED)
			return RMM_PAGEOUT_WRITEBACK;
		rmm_memobj_put(obj);
	}
	rmm_spin_lock(&obj->share_lock);
	if (write)
		writeback_end(obj, page, err);
	ret = pageout_done(obj, page, e, err);
	rmm_spin_unlock(&obj->share_lock);
	if (ret == RMM_PAGEOUT_FREED && !write)
		ret = RMM_PAGEOUT_CLEAN;
	return ret;
unlock:
	unlock_views(obj);
	return ret;
}

void rmm_memobj_end_writeback(struct rmm_mm *mm, struct rmm_page *page,
			      int err)
{
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);
	/* stable: a page under writeback is neither freed nor handed on */
	struct rmm_memobj *obj = ext->owner;
	bool free = false;
	u32 e = ext->swap;

	rmm_might_sleep();
	/*
	 * All under share_lock (lru_lock nests inside it): once writeback
	 * is clear, a punch or a fault may take the page
	 */
	rmm_spin_lock(&obj->share_lock);
	RMM_WARN_ON(!(ext->flags & RMM_EXT_WRITEBACK) ||
		    !(ext->flags & RMM_EXT_SWAPCACHE));
	writeback_end(obj, page, err);
	if (page->private) {
		/* a fault took it back meanwhile: as pageout_done() */
		if (!err && !rmm_swap_count(mm, e))
			cache_del(obj, e, page);
	} else if (!rmm_swap_count(mm, e)) {
		/*
		 * nothing holds the page or its slot any more; nothing maps
		 * it (its entries went when they became swap entries)
		 */
		cache_del(obj, e, page);
		free = lru_let_go(obj, page, false);
	} else if (!err) {
		rmm_lru_rotate_reclaimable(mm, page);
	}
	rmm_spin_unlock(&obj->share_lock);
	if (free)
		rmm_mm_free_pages(mm, page, 0);
	rmm_memobj_put(obj);
}
RMM_EXPORT(rmm_memobj_end_writeback);

/*
 * Migration (lru.h ->migrate; migrate.c): mm/migrate.c's
 * migrate_folio_unmap() and move_to_new_folio() for a page of ours
 * (isolated, pinned).  Under obj->lock and every view lock, all
 * trylocked (-EAGAIN when one is busy, as MIGRATE_ASYNC's
 * folio_trylock()): no fault can map the page and no reclaim, punch or
 * swap-in can change who holds it.  A page being written to swap is
 * -EAGAIN (MIGRATE_ASYNC's folio_test_writeback(); regionmm does not wait
 * for the write in the sync modes either).  The page's user entries are
 * removed first (try_to_migrate(): the next access faults the new page
 * in, under the view lock we hold until the index names it), then its
 * bytes are copied, then every index entry holding it, its swap cache
 * slot, its share count, PG_rmm_dirty, the mapped mark, the LRU list and
 * active bit, and the young/workingset/readahead ext flags move to @dst
 * (folio_migrate_mapping() + folio_migrate_flags()).  The counters move
 * with the page between nodes.  -ENOENT: released while isolated (an
 * orphan); the caller frees it.
 */
static int memobj_migrate(struct rmm_mm *mm, struct rmm_page *dst,
			  struct rmm_page *src, int mode)
{
	struct rmm_page_ext *ext = rmm_page_ext(mm, src);
	struct rmm_page_ext *dext = rmm_page_ext(mm, dst);
	struct rmm_memobj *obj = ext->owner;
	u32 idx = rmm_mm_page_idx(mm, src), didx = rmm_mm_page_idx(mm, dst);
	u64 pgoff = ext->index;
	unsigned int holders;
	struct rmm_memview *v;
	bool mapped_mark;
	u32 flags;

	if (!trylock_views(obj))
		return -EAGAIN;
	/*
	 * With every view lock held the page cannot become an orphan, start
	 * a write or change holders; a write under way may end (share_lock)
	 */
	flags = READ_ONCE(ext->flags);
	if (flags & RMM_EXT_ORPHAN) {
		unlock_views(obj);
		return -ENOENT;
	}
	holders = page_holders(obj, idx, pgoff);
	if ((flags & RMM_EXT_WRITEBACK) || holders != src->private) {
		unlock_views(obj);
		return -EAGAIN;
	}
	if (holders && obj_mapped(obj))
		rmm_mm_unmap_obj(mm, obj->host, pgoff, 1);
	rmm_copy_page(rmm_mm_page_address(mm, dst),
		      rmm_mm_page_address(mm, src));

	/* the new page's state, before any index or the cache names it */
	dext->owner = obj;
	dext->index = pgoff;
	dext->swap = 0;
	dext->flags = flags & (RMM_EXT_YOUNG | RMM_EXT_WORKINGSET |
			       RMM_EXT_READAHEAD);
	mapped_mark = rmm_page_test(src, PG_rmm_owner_priv);
	if (mapped_mark)
		rmm_page_set(dst, PG_rmm_owner_priv);
	if (RmmPageDirty(src))
		rmm_page_set(dst, PG_rmm_dirty);
	/* folio_migrate_flags(): PG_referenced too (the old page's goes) */
	if (RmmPageReferenced(src))
		rmm_page_set(dst, PG_rmm_referenced);

	rmm_spin_lock(&obj->share_lock);
	for (v = obj->views; v; v = v->next) {
		struct ix_leaf *l = ix_find_leaf(v, pgoff);

		if (l && l->page[pgoff & IX_MASK] == idx)
			l->page[pgoff & IX_MASK] = didx;
	}
	dst->private = src->private;
	src->private = 0;
	if (flags & RMM_EXT_SWAPCACHE)
		rmm_swapcache_replace(mm, ext->swap, src, dst);
	rmm_spin_unlock(&obj->share_lock);

	if (holders) {
		account_page(obj, src, -1);
		account_page(obj, dst, 1);
	}
	if (mapped_mark) {
		rmm_mod_node_page_state(page_node(mm, src), RMM_NR_FILE_MAPPED,
					-1);
		rmm_mod_node_page_state(page_node(mm, dst), RMM_NR_FILE_MAPPED,
					1);
		page_flag(mm, src, PG_rmm_owner_priv, false);
	}
	if (RmmPageDirty(src))
		page_flag(mm, src, PG_rmm_dirty, false);
	/* folio_putback_lru() of the new page: the list the old one had */
	rmm_lru_add(mm, dst, RmmPageActive(src));
	rmm_lru_isolated_done(mm, src);
	unlock_views(obj);
	return 0;
}

const struct rmm_lru_owner_ops rmm_memobj_lru_ops = {
	.pin		= memobj_pin,
	.unpin		= memobj_unpin,
	.referenced	= memobj_referenced,
	.pageout	= memobj_pageout,
	.migrate	= memobj_migrate,
};

/* ------------------------------------------------------------------ */
/* validation                                                         */
/* ------------------------------------------------------------------ */

struct vpair {
	u32 idx;
	u64 pgoff;
};

struct vstate {
	struct rmm_memobj *obj;
	struct rmm_memview *v;
	unsigned long bad;
	unsigned long bytes;		/* index nodes walked */
	u64 entries;
	u64 swap_entries;
	struct vpair *pairs;		/* NULL: no cross-view check */
	u64 nr_pairs, max_pairs;
};

#define vbad(s, fmt, ...) do {						\
	if ((s)->bad++ < 16)						\
		rmm_pr_err("memobj %p view %llx: " fmt "\n", (s)->obj,	\
			   (unsigned long long)(s)->v->cookie,		\
			   ##__VA_ARGS__);				\
} while (0)

static void validate_entry(struct vstate *s, u64 pgoff, u32 idx)
{
	struct rmm_memobj *obj = s->obj;
	struct rmm_mm *mm = obj->mm;
	struct rmm_page *page;

	s->entries++;
	if (rmm_is_swap_entry(idx)) {
		s->swap_entries++;
		if (!mm->swap || rmm_swp_type(idx) >= RMM_MAX_SWAPFILES)
			vbad(s, "pgoff %llu: swap entry %#x without its device",
			     (unsigned long long)pgoff, idx);
		goto pair;
	}
	if ((idx >> RMM_SECTION_ORDER) >= mm->nr_sections ||
	    !mm->sections[idx >> RMM_SECTION_ORDER].memmap) {
		vbad(s, "pgoff %llu: page index %u outside the instance",
		     (unsigned long long)pgoff, idx);
		return;
	}
	page = rmm_mm_idx_to_page(mm, idx);
	if (page->flags & (BIT(PG_rmm_buddy) | BIT(PG_rmm_pcp) |
			   BIT(PG_rmm_reserved) | BIT(PG_rmm_hole) |
			   BIT(PG_rmm_head) | BIT(PG_rmm_tail) |
			   BIT(PG_rmm_slab)))
		vbad(s, "pgoff %llu: page %u not an allocated order-0 page (flags %#x)",
		     (unsigned long long)pgoff, idx, page->flags);
	if (obj->kind == RMM_MEMOBJ_SHARED) {
		if (pgoff >= obj->size)
			vbad(s, "pgoff %llu beyond the size %llu",
			     (unsigned long long)pgoff,
			     (unsigned long long)obj->size);
		if (page->private != 1)
			vbad(s, "pgoff %llu: share count %u of a shared object's page",
			     (unsigned long long)pgoff, page->private);
	} else if (rmm_page_test(page, PG_rmm_owner_priv)) {
		vbad(s, "pgoff %llu: private page marked mapped",
		     (unsigned long long)pgoff);
	}
	if (mm->lru) {
		const struct rmm_page_ext *ext = rmm_page_ext(mm, page);
		struct rmm_lruvec *lruvec =
			rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page));
		bool on_lru;
		u32 flags;

		/* isolation and putback change both at once under lru_lock */
		rmm_spin_lock(&lruvec->lru_lock);
		flags = ext->flags;
		on_lru = RmmPageLru(page);
		rmm_spin_unlock(&lruvec->lru_lock);
		if (ext->owner != obj || ext->index != pgoff)
			vbad(s, "pgoff %llu: page %u ext names %p pgoff %llu",
			     (unsigned long long)pgoff, idx, ext->owner,
			     (unsigned long long)ext->index);
		if (!on_lru && !(flags & RMM_EXT_ISOLATED))
			vbad(s, "pgoff %llu: page %u neither on the LRU nor isolated",
			     (unsigned long long)pgoff, idx);
		if (flags & RMM_EXT_ORPHAN)
			vbad(s, "pgoff %llu: page %u released but in the index",
			     (unsigned long long)pgoff, idx);
	}
pair:
	if (s->pairs && s->nr_pairs < s->max_pairs) {
		s->pairs[s->nr_pairs].idx = idx;
		s->pairs[s->nr_pairs].pgoff = pgoff;
		s->nr_pairs++;
	}
}

static void validate_node(struct vstate *s, const void *n, int level, u64 base)
{
	unsigned int i, used = 0, count;

	if (!level) {
		const struct ix_leaf *l = n;

		s->bytes += sizeof(*l);
		for (i = 0; i < IX_SLOTS; i++)
			if (l->page[i] != RMM_NIL) {
				used++;
				validate_entry(s, base + i, l->page[i]);
			}
		count = l->count;
	} else {
		const struct ix_inner *in = n;

		s->bytes += sizeof(*in);
		for (i = 0; i < IX_SLOTS; i++)
			if (in->slot[i]) {
				used++;
				validate_node(s, in->slot[i], level - 1, base +
					      ((u64)i << (IX_SHIFT * level)));
			}
		count = in->count;
	}
	if (used != count || !used)
		vbad(s, "index node at level %d, pgoff %llu: count %u, %u used",
		     level, (unsigned long long)base, count, used);
}

/* heapsort of the pairs by page index */
static void sift_down(struct vpair *a, u64 i, u64 n)
{
	for (;;) {
		u64 c = 2 * i + 1;
		struct vpair t;

		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1].idx > a[c].idx)
			c++;
		if (a[i].idx >= a[c].idx)
			return;
		t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

static void sort_pairs(struct vpair *a, u64 n)
{
	u64 i;

	for (i = n / 2; i-- > 0; )
		sift_down(a, i, n);
	for (i = n; i-- > 1; ) {
		struct vpair t = a[0];

		a[0] = a[i];
		a[i] = t;
		sift_down(a, 0, i);
	}
}

unsigned long rmm_memobj_validate(struct rmm_memobj *obj)
{
	struct vstate s = { .obj = obj };
	struct rmm_memview *v;
	u64 total = 0, i, j;
	int nr_views = 0;

	rmm_mutex_lock(&obj->lock);
	for (v = obj->views; v; v = v->next) {
		rmm_mutex_lock_nest_lock(&v->lock, &obj->lock);
		total += v->nr_pages;
		nr_views++;
	}
	s.v = obj->views;
	if (nr_views != obj->nr_views ||
	    (obj->kind == RMM_MEMOBJ_SHARED && nr_views != 1)) {
		s.bad++;
		rmm_pr_err("memobj %p: %d views, counted %d\n", obj, nr_views,
			   obj->nr_views);
	}
	if (total) {
		s.pairs = rmm_kvzalloc(total * sizeof(*s.pairs));
		s.max_pairs = total;
	}
	for (v = obj->views; v; v = v->next) {
		s.v = v;
		s.bytes = 0;
		s.entries = 0;
		s.swap_entries = 0;
		if (v->root && (v->height < 1 || v->height > IX_MAX_HEIGHT))
			vbad(&s, "index height %d", v->height);
		else if (v->root)
			validate_node(&s, v->root, v->height - 1, 0);
		if (s.entries != v->nr_pages)
			vbad(&s, "%llu entries, nr_pages %llu",
			     (unsigned long long)s.entries,
			     (unsigned long long)v->nr_pages);
		if (s.swap_entries != v->nr_swap)
			vbad(&s, "%llu swap entries, nr_swap %llu",
			     (unsigned long long)s.swap_entries,
			     (unsigned long long)v->nr_swap);
		if (v->meta_bytes != sizeof(*v) + s.bytes)
			vbad(&s, "meta_bytes %lu, walked %lu", v->meta_bytes,
			     (unsigned long)(sizeof(*v) + s.bytes));
		if (obj->kind == RMM_MEMOBJ_PRIVATE && v->refs <= 0)
			vbad(&s, "linked with %ld references", v->refs);
	}
	/*
	 * share counts: each page's entries are at one pgoff, count = views;
	 * each swap entry's too, its slot's count = the entries holding it
	 * (entries are never shared between objects)
	 */
	s.v = obj->views;
	if (s.pairs && s.nr_pairs == total) {
		sort_pairs(s.pairs, s.nr_pairs);
		for (i = 0; i < s.nr_pairs; i = j) {
			u32 e = s.pairs[i].idx;
			struct rmm_page *page;

			for (j = i + 1; j < s.nr_pairs &&
			     s.pairs[j].idx == s.pairs[i].idx; j++)
				if (s.pairs[j].pgoff != s.pairs[i].pgoff)
					vbad(&s, "page %u at pgoffs %llu and %llu",
					     s.pairs[i].idx,
					     (unsigned long long)s.pairs[i].pgoff,
					     (unsigned long long)s.pairs[j].pgoff);
			if (rmm_is_swap_entry(e)) {
				unsigned int c = obj->mm->swap ?
					rmm_swap_count(obj->mm, e) : 0;

				if (c != j - i)
					vbad(&s, "swap entry %#x at pgoff %llu: count %u, in %llu entries",
					     e, (unsigned long long)s.pairs[i].pgoff,
					     c, (unsigned long long)(j - i));
				continue;
			}
			page = rmm_mm_idx_to_page(obj->mm, e);
			if (page->private != j - i)
				vbad(&s, "page %u at pgoff %llu: share count %u, in %llu views",
				     s.pairs[i].idx,
				     (unsigned long long)s.pairs[i].pgoff,
				     page->private, (unsigned long long)(j - i));
		}
	} else if (total) {
		rmm_pr_warn("memobj %p: no memory to check share counts\n", obj);
	}
	rmm_kvfree(s.pairs);
	for (v = obj->views; v; v = v->next)
		rmm_mutex_unlock(&v->lock);
	rmm_mutex_unlock(&obj->lock);
	return s.bad;
}
RMM_EXPORT(rmm_memobj_validate);
