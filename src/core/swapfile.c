// SPDX-License-Identifier: GPL-2.0
/*
 * swapfile.c - swap devices, slot allocation, swap counts and the swap
 * cache of one instance, after Debian 6.12.117's mm/swapfile.c (struct
 * swap_info_struct, the cluster allocator, swap_map, swapon/swapoff,
 * /proc/swaps, si_swapinfo()), mm/swap_state.c (the swap cache) and
 * mm/page_io.c (swap_writepage(), asynchronous for reclaim when the host
 * has ops->swap_write_async, and swap_read_folio()).  The device I/O is
 * the host's (mm->ops->swap_io, swap_write_async); what regionmm does
 * differently is in Documentation/kernel-compat.rst, rows swap-*.
 *
 * A device (struct rmm_swap_info, one per type, kept until
 * rmm_swap_fini() so that a stale entry never reaches freed memory):
 *   max slots 0..max-1; slot 0 is the header (swap_map RMM_SWAP_MAP_BAD);
 *   pages = max - 1 usable slots; clusters of RMM_SWAPFILE_CLUSTER slots,
 *   the last one cut at max.
 *
 * Invariants (checked by rmm_swap_validate())
 *   swap_map[0] == RMM_SWAP_MAP_BAD; for 0 < o < max:
 *     (swap_map[o] & ~HAS_CACHE) <= RMM_SWAP_MAP_MAX
 *   inuse_pages == #{0 < o < max : swap_map[o] != 0}
 *   cluster c: count == #{o in c, o < max : swap_map[o] != 0}
 *              + #{o in c : o >= max}           (setup_clusters()'s
 *                                                header and EOF slots)
 *   count == 0 <=> c on free_clusters (FREE)
 *   count == RMM_SWAPFILE_CLUSTER <=> c on full_clusters (FULL)
 *   otherwise c on nonfull_clusters (NONFULL) or frag_clusters (FRAG);
 *   frag_cluster_nr == length of frag_clusters
 *   cache[o] a page index => swap_map[o] & HAS_CACHE, and the page
 *     cache[o] is allocated (not PG_buddy/PG_pcp) and has
 *     RMM_EXT_SWAPCACHE with ext->swap == entry(type, o)
 *   cache[o] a shadow entry (workingset.h; left by reclaim when the page
 *     went after its write) => swap_map[o] != 0: freeing the slot drops
 *     it (6.12's swap_range_free() -> clear_shadow_from_swap_cache())
 *   nr_swap_pages == sum over devices that are on (pages - inuse_pages)
 *                    - sum over devices being swapped off of inuse_pages
 *   (the kernel's nr_swap_pages: swapoff takes a device's pages away at
 *   once and the slots it frees come back one by one)
 *   total_swap_pages == sum over devices that are on of pages
 *   NR_SWAPCACHE summed over nodes == pages in the swap caches
 *   avail[] == the devices that are on and not full, by priority,
 *   highest first (swap_avail_heads); active[] == the devices that are
 *   on, by priority (swap_active_head).
 *
 * Locking (Documentation/core.rst, "Lock order"):
 *   swap->mutex (swapon_mutex; swapon and swapoff, which sleeps in
 *     rmm_memobj_unuse_swap() under it: above obj->lock)
 *   -> swap->lock (swap_lock, spinlock: the type table, active[],
 *      priorities, least_priority, total_swap_pages, a device's flags)
 *        -> si->lock (spinlock: that device's clusters, swap_map, swap
 *           cache array, zeromap, per-CPU next; the kernel's si->lock and
 *           cluster locks in one)
 *             -> swap->avail_lock (swap_avail_lock, spinlock, leaf:
 *                avail[])
 *             -> lruvec->lru_lock (the swap cache sets ext flags under it)
 *   Callers hold at most a memobj view lock or obj->share_lock (pageout,
 *   faults, fork, punch); nothing here takes a sleeping lock except
 *   swapon/swapoff, and no lock is held across ops->swap_io.
 *   nr_swap_pages is an atomic, read without a lock.
 */
#include "rmm_port.h"
#include "mmzone.h"
#include "memory_model.h"
#include "mm_ops.h"
#include "vmstat.h"
#include "lru.h"
#include "memobj.h"
#include "swapfile.h"
#include "workingset.h"

#define K(x)	((x) << (RMM_PAGE_SHIFT - 10))


#define SWAP_NEXT_INVALID	0
/*
 * setup_clusters(): the free list is built column by column so that
 * neighbouring clusters are far apart on it (SWAP_CLUSTER_COLS = max(L1
 * cache columns of swap_cluster_info, SWAP_ADDRESS_SPACE_PAGES /
 * SWAPFILE_CLUSTER) = max(3, 16384 / 512) = 32 on x86-64)
 */
#define SWAP_CLUSTER_COLS	32
#define SWAP_FLAG_PRIO_MAX	0x7fff
#define SWAPOFF_STUCK_PASSES	1000	/* jiffies of no progress */
#define BITS_PER_ULONG		(8 * sizeof(unsigned long))

/* ---- cluster lists (list_head of the kernel, by index) ---- */
static void clist_init(struct rmm_swap_clist *l)
{
	l->first = RMM_NIL;
	l->last = RMM_NIL;
	l->nr = 0;
}

static void clist_add_tail(struct rmm_swap_info *si, struct rmm_swap_clist *l,
			   u32 c)
{
	struct rmm_swap_cluster *ci = &si->clusters[c];

	ci->next = RMM_NIL;
	ci->prev = l->last;
	if (l->last != RMM_NIL)
		si->clusters[l->last].next = c;
	else
		l->first = c;
	l->last = c;
	l->nr++;
}

static void clist_del(struct rmm_swap_info *si, struct rmm_swap_clist *l, u32 c)
{
	struct rmm_swap_cluster *ci = &si->clusters[c];

	if (ci->prev != RMM_NIL)
		si->clusters[ci->prev].next = ci->next;
	else
		l->first = ci->next;
	if (ci->next != RMM_NIL)
		si->clusters[ci->next].prev = ci->prev;
	else
		l->last = ci->prev;
	ci->next = RMM_NIL;
	ci->prev = RMM_NIL;
	l->nr--;
}

/* the list a cluster is on, from its flags */
static struct rmm_swap_clist *cluster_list(struct rmm_swap_info *si, u8 flags)
{
	switch (flags) {
	case RMM_CLUSTER_FREE:
		return &si->free_clusters;
	case RMM_CLUSTER_NONFULL:
		return &si->nonfull_clusters;
	case RMM_CLUSTER_FRAG:
		return &si->frag_clusters;
	case RMM_CLUSTER_FULL:
		return &si->full_clusters;
	}
	return NULL;
}

/* list_move_tail() to the list of @flags, which become the cluster's */
static void cluster_move_tail(struct rmm_swap_info *si, u32 c, u8 flags)
{
	struct rmm_swap_cluster *ci = &si->clusters[c];

	clist_del(si, cluster_list(si, ci->flags), c);
	clist_add_tail(si, cluster_list(si, flags), c);
	ci->flags = flags;
}

/* ---- priority lists (plists of at most RMM_MAX_SWAPFILES) ---- */
/* plist_add(): after every entry of the same or a higher priority */
static void prio_add(struct rmm_swap_info **a, int *nr,
		     struct rmm_swap_info *si)
{
	int i = *nr;

	while (i > 0 && a[i - 1]->prio < si->prio) {
		a[i] = a[i - 1];
		i--;
	}
	a[i] = si;
	(*nr)++;
}

static int prio_find(struct rmm_swap_info **a, int nr,
		     struct rmm_swap_info *si)
{
	int i;

	for (i = 0; i < nr; i++)
		if (a[i] == si)
			return i;
	return -1;
}

static void prio_del(struct rmm_swap_info **a, int *nr,
		     struct rmm_swap_info *si)
{
	int i = prio_find(a, *nr, si);

	if (i < 0)
		return;
	for (; i + 1 < *nr; i++)
		a[i] = a[i + 1];
	(*nr)--;
}

/* plist_requeue(): behind the last entry of the same priority */
static void prio_requeue(struct rmm_swap_info **a, int nr, int i)
{
	struct rmm_swap_info *si = a[i];

	while (i + 1 < nr && a[i + 1]->prio == si->prio) {
		a[i] = a[i + 1];
		i++;
	}
	a[i] = si;
}

/* ---- availability (swap_avail_lock) ---- */
static void del_from_avail_list(struct rmm_swap_state *swap,
				struct rmm_swap_info *si)
{
	rmm_assert_held(&si->lock);
	rmm_spin_lock(&swap->avail_lock);
	prio_del(swap->avail, &swap->nr_avail, si);
	rmm_spin_unlock(&swap->avail_lock);
}

static void add_to_avail_list(struct rmm_swap_state *swap,
			      struct rmm_swap_info *si)
{
	rmm_assert_held(&si->lock);
	rmm_spin_lock(&swap->avail_lock);
	if (prio_find(swap->avail, swap->nr_avail, si) < 0)
		prio_add(swap->avail, &swap->nr_avail, si);
	rmm_spin_unlock(&swap->avail_lock);
}

/* ---- slot accounting ---- */
static void swap_range_alloc(struct rmm_swap_state *swap,
			     struct rmm_swap_info *si)
{
	WRITE_ONCE(si->inuse_pages, si->inuse_pages + 1);
	if (si->inuse_pages == si->pages)
		del_from_avail_list(swap, si);
}

static void swap_range_free(struct rmm_swap_state *swap,
			    struct rmm_swap_info *si, unsigned long offset)
{
	bool was_full = si->inuse_pages == si->pages;

	if (si->zeromap)
		si->zeromap[offset / BITS_PER_ULONG] &=
			~(1UL << (offset % BITS_PER_ULONG));
	if (was_full && (si->flags & RMM_SWP_WRITEOK))
		add_to_avail_list(swap, si);
	rmm_atomic_long_inc(&swap->nr_swap_pages);
	WRITE_ONCE(si->inuse_pages, si->inuse_pages - 1);
}

/* dec_cluster_info_page() and free_cluster() (no discard) */
static void dec_cluster_info_page(struct rmm_swap_info *si, u32 c)
{
	struct rmm_swap_cluster *ci = &si->clusters[c];

	rmm_assert_held(&si->lock);
	RMM_WARN_ON(!ci->count || ci->flags == RMM_CLUSTER_FREE);
	ci->count--;
	if (!ci->count) {
		if (ci->flags == RMM_CLUSTER_FRAG)
			si->frag_cluster_nr--;
		cluster_move_tail(si, c, RMM_CLUSTER_FREE);
		return;
	}
	if (ci->flags != RMM_CLUSTER_NONFULL) {
		if (ci->flags == RMM_CLUSTER_FRAG)
			si->frag_cluster_nr--;
		cluster_move_tail(si, c, RMM_CLUSTER_NONFULL);
	}
}

/* swap_entry_range_free() of one slot whose count just reached 0 */
static void swap_slot_free(struct rmm_swap_state *swap,
			   struct rmm_swap_info *si, unsigned long offset)
{
	si->swap_map[offset] = 0;
	/* clear_shadow_from_swap_cache() */
	RMM_WARN_ON(si->cache[offset] != RMM_NIL &&
		    !rmm_is_shadow(si->cache[offset]));
	si->cache[offset] = RMM_NIL;
	dec_cluster_info_page(si, offset / RMM_SWAPFILE_CLUSTER);
	swap_range_free(swap, si, offset);
}

/* ---- the 6.12 cluster allocator, order 0 ---- */
/* cluster_alloc_range() */
static bool cluster_alloc_range(struct rmm_swap_state *swap,
				struct rmm_swap_info *si, u32 c,
				unsigned long offset)
{
	struct rmm_swap_cluster *ci = &si->clusters[c];

	if (!(si->flags & RMM_SWP_WRITEOK))
		return false;
	if (ci->flags == RMM_CLUSTER_FREE)
		cluster_move_tail(si, c, RMM_CLUSTER_NONFULL);
	si->swap_map[offset] = RMM_SWAP_HAS_CACHE;
	swap_range_alloc(swap, si);
	ci->count++;
	if (ci->count == RMM_SWAPFILE_CLUSTER) {
		if (ci->flags == RMM_CLUSTER_FRAG)
			si->frag_cluster_nr--;
		cluster_move_tail(si, c, RMM_CLUSTER_FULL);
	}
	return true;
}

/*
 * alloc_swap_scan_cluster(): the first free slot from @offset to the end
 * of its cluster; returns where the next allocation of this CPU starts
 * (SWAP_NEXT_INVALID: look for another cluster).  A slot that only the
 * swap cache holds is busy (cluster_scan_range() reclaims it only when
 * swap is half full: not done here).
 */
static unsigned long alloc_swap_scan_cluster(struct rmm_swap_state *swap,
					     struct rmm_swap_info *si,
					     unsigned long offset,
					     unsigned long *foundp)
{
	unsigned long start = offset & ~(unsigned long)(RMM_SWAPFILE_CLUSTER - 1);
	unsigned long end = min(start + RMM_SWAPFILE_CLUSTER, si->max);
	u32 c = offset / RMM_SWAPFILE_CLUSTER;
	struct rmm_swap_cluster *ci = &si->clusters[c];

	if (end < 1)
		return SWAP_NEXT_INVALID;
	end -= 1;
	if (ci->count + 1 > RMM_SWAPFILE_CLUSTER)
		return SWAP_NEXT_INVALID;

	while (offset <= end) {
		if (!READ_ONCE(si->swap_map[offset])) {
			if (!cluster_alloc_range(swap, si, c, offset))
				return SWAP_NEXT_INVALID;
			*foundp = offset;
			if (ci->count == RMM_SWAPFILE_CLUSTER)
				return SWAP_NEXT_INVALID;
			offset++;
			break;
		}
		offset++;
	}
	if (offset > end)
		offset = SWAP_NEXT_INVALID;
	return offset;
}

static u32 *this_cpu_next(struct rmm_mm *mm, struct rmm_swap_info *si)
{
	int cpu = rmm_smp_processor_id();

	if (cpu < 0 || cpu >= mm->layout.nr_cpu_ids)
		cpu = 0;
	return &si->percpu_next[cpu];
}

/* cluster_alloc_swap_entry(), order 0: a slot or 0 */
static unsigned long cluster_alloc_swap_entry(struct rmm_mm *mm,
					      struct rmm_swap_info *si)
{
	struct rmm_swap_state *swap = mm->swap;
	unsigned long offset, found = 0, frags = 0;
	u32 *next, c;

	rmm_assert_held(&si->lock);
	next = this_cpu_next(mm, si);
	offset = *next;
	if (offset) {
		offset = alloc_swap_scan_cluster(swap, si, offset, &found);
		if (found)
			goto done;
	}

	if (si->free_clusters.first != RMM_NIL) {
		c = si->free_clusters.first;
		offset = alloc_swap_scan_cluster(swap, si,
				(unsigned long)c * RMM_SWAPFILE_CLUSTER, &found);
		RMM_WARN_ON((si->flags & RMM_SWP_WRITEOK) && !found);
		goto done;
	}

	while (si->nonfull_clusters.first != RMM_NIL) {
		c = si->nonfull_clusters.first;
		cluster_move_tail(si, c, RMM_CLUSTER_FRAG);
		si->frag_cluster_nr++;
		offset = alloc_swap_scan_cluster(swap, si,
				(unsigned long)c * RMM_SWAPFILE_CLUSTER, &found);
		frags++;
		if (found)
			break;
	}
	if (!found) {
		/* rotate the frag list, scanning each cluster once */
		while (frags < si->frag_cluster_nr) {
			c = si->frag_clusters.first;
			clist_del(si, &si->frag_clusters, c);
			clist_add_tail(si, &si->frag_clusters, c);
			offset = alloc_swap_scan_cluster(swap, si,
				(unsigned long)c * RMM_SWAPFILE_CLUSTER, &found);
			frags++;
			if (found)
				break;
		}
	}
done:
	*next = offset;
	return found;
}

/* ---- entries ---- */
/*
 * _swap_info_get(), in two steps so that the lock is taken and dropped
 * in one function: the device of @e (NULL: a bad type, logged), then,
 * with its lock held, whether @e is a used slot of it (logged if not)
 */
static struct rmm_swap_info *swap_type_info(struct rmm_mm *mm, u32 e,
					    const char *fn)
{
	unsigned int type = rmm_swp_type(e);
	struct rmm_swap_info *si;

	si = rmm_is_swap_entry(e) && type < RMM_MAX_SWAPFILES ?
		READ_ONCE(mm->swap->info[type]) : NULL;
	if (!si)
		rmm_pr_err("%s: Bad swap file entry %08x\n", fn, e);
	return si;
}

static bool swap_entry_valid(struct rmm_swap_info *si, u32 e, const char *fn)
{
	unsigned long offset = rmm_swp_offset(e);

	rmm_assert_held(&si->lock);
	if (!(si->flags & RMM_SWP_USED)) {
		rmm_pr_err("%s: Unused swap file entry %08x\n", fn, e);
		return false;
	}
	if (!offset || offset >= si->max) {
		rmm_pr_err("%s: Bad swap offset entry %08x\n", fn, e);
		return false;
	}
	if (!si->swap_map[offset]) {
		rmm_pr_err("%s: Unused swap offset entry %08x\n", fn, e);
		return false;
	}
	return true;
}

u32 rmm_get_swap_page(struct rmm_mm *mm)
{
	struct rmm_swap_state *swap = mm->swap;
	struct rmm_swap_info *si;
	unsigned long offset = 0;
	int tries;

	if (!swap)
		return 0;
	rmm_spin_lock(&swap->avail_lock);
	if (rmm_atomic_long_read(&swap->nr_swap_pages) <= 0) {
		rmm_spin_unlock(&swap->avail_lock);
		return 0;
	}
	rmm_atomic_long_dec(&swap->nr_swap_pages);
	/*
	 * get_swap_pages(): the first device of the highest priority,
	 * requeued behind its equals (round robin); a full one leaves the
	 * list and the next is tried.  Every try either allocates or takes
	 * a device off the list, so this ends.
	 */
	for (tries = 0; tries <= RMM_MAX_SWAPFILES && swap->nr_avail; tries++) {
		si = swap->avail[0];
		prio_requeue(swap->avail, swap->nr_avail, 0);
		rmm_spin_unlock(&swap->avail_lock);

		rmm_spin_lock(&si->lock);
		if (si->inuse_pages == si->pages || !(si->flags & RMM_SWP_WRITEOK)) {
			rmm_spin_lock(&swap->avail_lock);
			if (prio_find(swap->avail, swap->nr_avail, si) >= 0) {
				RMM_WARN_ON(1);	/* on the list but full/off */
				prio_del(swap->avail, &swap->nr_avail, si);
			}
			rmm_spin_unlock(&swap->avail_lock);
			rmm_spin_unlock(&si->lock);
			rmm_spin_lock(&swap->avail_lock);
			continue;
		}
		offset = cluster_alloc_swap_entry(mm, si);
		rmm_spin_unlock(&si->lock);
		if (offset)
			return rmm_swp_entry(si->type, offset);
		rmm_spin_lock(&swap->avail_lock);
	}
	rmm_spin_unlock(&swap->avail_lock);
	rmm_atomic_long_inc(&swap->nr_swap_pages);
	return 0;
}
RMM_EXPORT(rmm_get_swap_page);

int rmm_swap_duplicate(struct rmm_mm *mm, u32 e)
{
	struct rmm_swap_info *si;
	unsigned long offset = rmm_swp_offset(e);
	u8 count;
	int err = 0;

	si = swap_type_info(mm, e, __func__);
	if (!si)
		return -ENOENT;
	rmm_spin_lock(&si->lock);
	if (!swap_entry_valid(si, e, __func__)) {
		rmm_spin_unlock(&si->lock);
		return -ENOENT;
	}
	/* __swap_duplicate(entry, 1, 1) without continuation pages */
	count = si->swap_map[offset] & ~RMM_SWAP_HAS_CACHE;
	if (count == RMM_SWAP_MAP_BAD)
		err = -ENOENT;
	else if (count > RMM_SWAP_MAP_MAX)
		err = -EINVAL;
	else if (count == RMM_SWAP_MAP_MAX)
		err = -ENOMEM;
	else
		si->swap_map[offset]++;
	rmm_spin_unlock(&si->lock);
	return err;
}
RMM_EXPORT(rmm_swap_duplicate);

void rmm_swap_free(struct rmm_mm *mm, u32 e)
{
	struct rmm_swap_info *si;
	unsigned long offset = rmm_swp_offset(e);
	u8 count, has_cache;

	si = swap_type_info(mm, e, __func__);
	if (!si)
		return;
	rmm_spin_lock(&si->lock);
	if (!swap_entry_valid(si, e, __func__)) {
		rmm_spin_unlock(&si->lock);
		return;
	}
	/* __swap_entry_free_locked(si, offset, 1) */
	count = si->swap_map[offset];
	has_cache = count & RMM_SWAP_HAS_CACHE;
	count &= ~RMM_SWAP_HAS_CACHE;
	if (RMM_WARN_ON(!count || count > RMM_SWAP_MAP_MAX)) {
		rmm_spin_unlock(&si->lock);
		return;
	}
	count--;
	if (count || has_cache)
		si->swap_map[offset] = count | has_cache;
	else
		swap_slot_free(mm->swap, si, offset);
	rmm_spin_unlock(&si->lock);
}
RMM_EXPORT(rmm_swap_free);

unsigned int rmm_swap_count(struct rmm_mm *mm, u32 e)
{
	struct rmm_swap_info *si;
	unsigned int count;

	si = swap_type_info(mm, e, __func__);
	if (!si)
		return 0;
	rmm_spin_lock(&si->lock);
	if (!swap_entry_valid(si, e, __func__)) {
		rmm_spin_unlock(&si->lock);
		return 0;
	}
	count = si->swap_map[rmm_swp_offset(e)] & ~RMM_SWAP_HAS_CACHE;
	rmm_spin_unlock(&si->lock);
	return count;
}
RMM_EXPORT(rmm_swap_count);

/* ---- the swap cache (swap_state.c) ---- */
/* no page in a cache slot: nothing or a shadow entry */
static bool cache_empty(u32 v)
{
	return v == RMM_NIL || rmm_is_shadow(v);
}

static void swapcache_account(struct rmm_mm *mm, struct rmm_page *page,
			      long nr)
{
	struct rmm_node *n = &mm->nodes[rmm_mm_page_nid(mm, page)];

	/* add_to_swap_cache(): NR_FILE_PAGES and NR_SWAPCACHE */
	rmm_mod_node_page_state(n, RMM_NR_FILE_PAGES, nr);
	rmm_mod_node_page_state(n, RMM_NR_SWAPCACHE, nr);
}

/*
 * @page enters (@e != 0) or leaves (@e == 0) the swap cache: its ext
 * flag and entry under its node's lru_lock, and the node's counters.
 * si->lock held (the cache slot changes with it).
 */
static void page_set_swapcache(struct rmm_mm *mm, struct rmm_page *page,
			       u32 e)
{
	struct rmm_lruvec *lruvec =
		rmm_node_lruvec(mm, rmm_mm_page_nid(mm, page));
	struct rmm_page_ext *ext = rmm_page_ext(mm, page);

	rmm_spin_lock(&lruvec->lru_lock);
	if (e) {
		RMM_WARN_ON(ext->flags & RMM_EXT_SWAPCACHE);
		ext->flags |= RMM_EXT_SWAPCACHE;
	} else {
		ext->flags &= ~RMM_EXT_SWAPCACHE;
	}
	ext->swap = e;
	rmm_spin_unlock(&lruvec->lru_lock);
	swapcache_account(mm, page, e ? 1 : -1);
}

/*
 * The device of @e locked, with @page in @e's cache slot; NULL (unlocked,
 * and a warning) when @e is not a valid entry or its slot holds
 * something else.
 */
static struct rmm_swap_info *lock_cache_slot(struct rmm_mm *mm, u32 e,
					     struct rmm_page *page,
					     const char *caller)
{
	struct rmm_swap_info *si = swap_type_info(mm, e, caller);

	if (!si)
		return NULL;
	rmm_spin_lock(&si->lock);
	if (swap_entry_valid(si, e, caller) &&
	    !RMM_WARN_ON(si->cache[rmm_swp_offset(e)] !=
			 rmm_mm_page_idx(mm, page)))
		return si;
	rmm_spin_unlock(&si->lock);
	return NULL;
}

void rmm_swapcache_add(struct rmm_mm *mm, u32 e, struct rmm_page *page)
{
	unsigned long offset = rmm_swp_offset(e);
	struct rmm_swap_info *si;

	si = swap_type_info(mm, e, __func__);
	if (!si)
		return;
	rmm_spin_lock(&si->lock);
	if (!swap_entry_valid(si, e, __func__)) {
		rmm_spin_unlock(&si->lock);
		return;
	}
	/* add_to_swap_cache(): a shadow there is replaced */
	if (RMM_WARN_ON(!(si->swap_map[offset] & RMM_SWAP_HAS_CACHE) ||
			!cache_empty(si->cache[offset]))) {
		rmm_spin_unlock(&si->lock);
		return;
	}
	si->cache[offset] = rmm_mm_page_idx(mm, page);
	page_set_swapcache(mm, page, e);
	rmm_spin_unlock(&si->lock);
}
RMM_EXPORT(rmm_swapcache_add);

int rmm_swapcache_prepare(struct rmm_mm *mm, u32 e)
{
	unsigned long offset = rmm_swp_offset(e);
	struct rmm_swap_info *si;
	int err = 0;

	si = swap_type_info(mm, e, __func__);
	if (!si)
		return -ENOENT;
	rmm_spin_lock(&si->lock);
	if (!swap_entry_valid(si, e, __func__))
		err = -ENOENT;
	else if (si->swap_map[offset] & RMM_SWAP_HAS_CACHE)
		err = -EEXIST;
	else
		si->swap_map[offset] |= RMM_SWAP_HAS_CACHE;
	rmm_spin_unlock(&si->lock);
	return err;
}
RMM_EXPORT(rmm_swapcache_prepare);

/*
 * put_swap_folio()'s end: drop @offset's HAS_CACHE and free the slot if
 * no entry holds it any more (si->lock held)
 */
static void swap_drop_cache_locked(struct rmm_swap_state *swap,
				   struct rmm_swap_info *si,
				   unsigned long offset)
{
	u8 count = si->swap_map[offset] & ~RMM_SWAP_HAS_CACHE;

	rmm_assert_held(&si->lock);
	if (count)
		si->swap_map[offset] = count;
	else
		swap_slot_free(swap, si, offset);
}

/* swapcache_clear(): drop HAS_CACHE, free the slot if nothing holds it */
void rmm_swapcache_clear(struct rmm_mm *mm, u32 e)
{
	unsigned long offset = rmm_swp_offset(e);
	struct rmm_swap_info *si;

	si = swap_type_info(mm, e, __func__);
	if (!si)
		return;
	rmm_spin_lock(&si->lock);
	if (!swap_entry_valid(si, e, __func__)) {
		rmm_spin_unlock(&si->lock);
		return;
	}
	if (RMM_WARN_ON(!(si->swap_map[offset] & RMM_SWAP_HAS_CACHE) ||
			!cache_empty(si->cache[offset]))) {
		rmm_spin_unlock(&si->lock);
		return;
	}
	swap_drop_cache_locked(mm->swap, si, offset);
	rmm_spin_unlock(&si->lock);
}
RMM_EXPORT(rmm_swapcache_clear);

struct rmm_page *rmm_swapcache_lookup(struct rmm_mm *mm, u32 e)
{
	struct rmm_swap_info *si;
	u32 idx;

	si = swap_type_info(mm, e, __func__);
	if (!si)
		return NULL;
	rmm_spin_lock(&si->lock);
	if (!swap_entry_valid(si, e, __func__)) {
		rmm_spin_unlock(&si->lock);
		return NULL;
	}
	idx = si->cache[rmm_swp_offset(e)];
	rmm_spin_unlock(&si->lock);
	return cache_empty(idx) ? NULL : rmm_mm_idx_to_page(mm, idx);
}
RMM_EXPORT(rmm_swapcache_lookup);

u32 rmm_swapcache_get_shadow(struct rmm_mm *mm, u32 e)
{
	struct rmm_swap_info *si;
	u32 v;

	si = swap_type_info(mm, e, __func__);
	if (!si)
		return 0;
	rmm_spin_lock(&si->lock);
	if (!swap_entry_valid(si, e, __func__)) {
		rmm_spin_unlock(&si->lock);
		return 0;
	}
	v = si->cache[rmm_swp_offset(e)];
	rmm_spin_unlock(&si->lock);
	return rmm_is_shadow(v) ? v : 0;
}
RMM_EXPORT(rmm_swapcache_get_shadow);

void rmm_swapcache_replace(struct rmm_mm *mm, u32 e, struct rmm_page *old,
			   struct rmm_page *new)
{
	struct rmm_swap_info *si = lock_cache_slot(mm, e, old, __func__);

	if (!si)
		return;
	si->cache[rmm_swp_offset(e)] = rmm_mm_page_idx(mm, new);
	/* one lru_lock at a time: the two pages may be on different nodes */
	page_set_swapcache(mm, old, 0);
	page_set_swapcache(mm, new, e);
	rmm_spin_unlock(&si->lock);
}
RMM_EXPORT(rmm_swapcache_replace);

void rmm_swapcache_del(struct rmm_mm *mm, u32 e, struct rmm_page *page)
{
	rmm_swapcache_del_shadow(mm, e, page, 0);
}
RMM_EXPORT(rmm_swapcache_del);

void rmm_swapcache_del_shadow(struct rmm_mm *mm, u32 e, struct rmm_page *page,
			      u32 shadow)
{
	unsigned long offset = rmm_swp_offset(e);
	struct rmm_swap_info *si = lock_cache_slot(mm, e, page, __func__);

	if (!si)
		return;
	/* __delete_from_swap_cache(): the shadow takes the page's place */
	RMM_WARN_ON(shadow && !rmm_is_shadow(shadow));
	si->cache[offset] = shadow ? shadow : RMM_NIL;
	page_set_swapcache(mm, page, 0);
	/* put_swap_folio(): drop HAS_CACHE, free the slot if nothing holds it */
	RMM_WARN_ON(!(si->swap_map[offset] & RMM_SWAP_HAS_CACHE));
	swap_drop_cache_locked(mm->swap, si, offset);
	rmm_spin_unlock(&si->lock);
}
RMM_EXPORT(rmm_swapcache_del_shadow);

/* ---- I/O (page_io.c, synchronous) ---- */
static bool page_zero_filled(const unsigned long *data)
{
	unsigned int pos, last = RMM_PAGE_SIZE / sizeof(*data) - 1;

	/* is_folio_zero_filled(): the last word first */
	if (data[last])
		return false;
	for (pos = 0; pos < last; pos++)
		if (data[pos])
			return false;
	return true;
}

static void swap_io_error(u32 e, int err, bool write)
{
	rmm_pr_warn_ratelimited("%s-error on swap-device (%u:%lu): %d\n",
				write ? "Write" : "Read", rmm_swp_type(e),
				(unsigned long)rmm_swp_offset(e), err);
}

/*
 * What comes before the I/O of @page to or from slot @e: the device's
 * cookie in *@cookie; on 6.12 (a zeromap) a zero-filled page written is
 * only its bit (swap_writepage()'s is_folio_zero_filled()) and a slot
 * with its bit set is read as a zero page (swap_read_folio_zeromap()).
 * 1: done without I/O; 0: the device's I/O is needed; -EINVAL for a bad
 * entry (warned).
 */
static int swap_io_prep(struct rmm_mm *mm, u32 e, struct rmm_page *page,
			bool write, u64 *cookie)
{
	unsigned long offset = rmm_swp_offset(e);
	unsigned long bit = 1UL << (offset % BITS_PER_ULONG);
	void *addr = rmm_mm_page_address(mm, page);
	const char *fn = write ? "swap_writepage" : "swap_read_folio";
	struct rmm_swap_info *si;
	bool zero;

	zero = write && mm->layout.kver >= RMM_KVER(6, 12) &&
	       page_zero_filled(addr);
	si = swap_type_info(mm, e, fn);
	if (RMM_WARN_ON(!si))
		return -EINVAL;
	rmm_spin_lock(&si->lock);
	if (RMM_WARN_ON(!swap_entry_valid(si, e, fn))) {
		rmm_spin_unlock(&si->lock);
		return -EINVAL;
	}
	*cookie = si->dev_cookie;
	if (si->zeromap) {
		unsigned long *w = &si->zeromap[offset / BITS_PER_ULONG];

		if (zero) {
			*w |= bit;
			rmm_spin_unlock(&si->lock);
			return 1;
		}
		if (write) {
			*w &= ~bit;
		} else if (*w & bit) {
			rmm_spin_unlock(&si->lock);
			memset(addr, 0, RMM_PAGE_SIZE);
			return 1;
		}
	}
	rmm_spin_unlock(&si->lock);
	return 0;
}

/*
 * One page to or from slot @e; @async asks for ops->swap_write_async
 * (RMM_SWAP_WRITE_STARTED when it took the write; a host without it gets
 * the synchronous ops->swap_io).
 */
static int __swap_io(struct rmm_mm *mm, u32 e, struct rmm_page *page,
		     bool write, bool async)
{
	unsigned long offset = rmm_swp_offset(e);
	void *addr = rmm_mm_page_address(mm, page);
	u64 cookie;
	int err;

	rmm_might_sleep();
	err = swap_io_prep(mm, e, page, write, &cookie);
	if (err)
		return err < 0 ? err : 0;

	/* count_swpout_vm_event() / PSWPIN: at submission, as the kernel */
	rmm_count_vm_events(mm, write ? RMM_PSWPOUT : RMM_PSWPIN, 1);
	if (async) {
		err = rmm_mm_swap_write_async(mm, cookie, offset, addr, page);
		if (!err)
			return RMM_SWAP_WRITE_STARTED;
		if (err != -EOPNOTSUPP)
			goto out;
	}
	err = rmm_mm_swap_io(mm, cookie, offset, addr, write);
out:
	if (err)
		swap_io_error(e, err, write);
	return err;
}

static int swap_io(struct rmm_mm *mm, u32 e, struct rmm_page *page,
		   bool write)
{
	return __swap_io(mm, e, page, write, false);
}

int rmm_swap_writepage(struct rmm_mm *mm, u32 e, struct rmm_page *page)
{
	return swap_io(mm, e, page, true);
}
RMM_EXPORT(rmm_swap_writepage);

int rmm_swap_readpage(struct rmm_mm *mm, u32 e, struct rmm_page *page)
{
	return swap_io(mm, e, page, false);
}
RMM_EXPORT(rmm_swap_readpage);

int rmm_swap_writepage_async(struct rmm_mm *mm, u32 e, struct rmm_page *page)
{
	return __swap_io(mm, e, page, true, true);
}
RMM_EXPORT(rmm_swap_writepage_async);

/*
 * swap_writeback_end_bio() -> folio_end_writeback(): the host's write
 * ended; the page's owner takes it from here (memobj.c)
 */
void rmm_swap_end_write(struct rmm_mm *mm, struct rmm_page *page, int err)
{
	rmm_might_sleep();
	if (err)
		swap_io_error(rmm_page_ext(mm, page)->swap, err, true);
	rmm_memobj_end_writeback(mm, page, err);
}
RMM_EXPORT(rmm_swap_end_write);

/*
 * Reads of a batch (swap_vma_readahead()'s swap_read_folio() calls
 * under one blk_plug, then the wait): the pages of one device go to
 * mm->ops->swap_read_batch together, which submits them all before it
 * waits; without the op, one swap_io per page.  pswpin counts each page
 * submitted (zeromap slots are not).
 */
void rmm_swap_read_batch(struct rmm_mm *mm, struct rmm_swap_batch *b)
{
	u64 *cookie = b->cookie;
	bool *todo = b->todo;
	int i, j, n;

	rmm_might_sleep();
	if (RMM_WARN_ON(b->nr > RMM_SWAP_BATCH_MAX))
		b->nr = RMM_SWAP_BATCH_MAX;
	for (i = 0; i < b->nr; i++) {
		int ret = swap_io_prep(mm, b->entry[i], b->page[i], false,
				       &cookie[i]);

		b->err[i] = ret < 0 ? ret : 0;
		todo[i] = !ret;
	}
	for (i = 0; i < b->nr; i++) {
		if (!todo[i])
			continue;
		/* every page still to read on @i's device, in order */
		for (n = 0, j = i; j < b->nr; j++) {
			if (!todo[j] || cookie[j] != cookie[i])
				continue;
			todo[j] = false;
			b->map[n] = j;
			b->offset[n] = rmm_swp_offset(b->entry[j]);
			b->addr[n] = rmm_mm_page_address(mm, b->page[j]);
			b->ioerr[n] = 0;
			n++;
		}
		rmm_count_vm_events(mm, RMM_PSWPIN, n);
		rmm_mm_swap_read_batch(mm, cookie[i], b->offset, b->addr, n,
				       b->ioerr);
		for (j = 0; j < n; j++) {
			b->err[b->map[j]] = b->ioerr[j];
			if (b->ioerr[j])
				swap_io_error(b->entry[b->map[j]], b->ioerr[j],
					      false);
		}
	}
}
RMM_EXPORT(rmm_swap_read_batch);

/*
 * __swapin_nr_pages() of 6.12 and 6.1 mm/swap_state.c: the readahead
 * window for a fault at @offset after one at @prev_offset, with @hits
 * readahead hits since and the window @prev_win then, at most
 * @max_pages.  Only the arithmetic: the caller keeps the state.
 */
unsigned int rmm_swapin_nr_pages(unsigned long prev_offset,
				 unsigned long offset, int hits,
				 int max_pages, int prev_win)
{
	unsigned int pages, last_ra;

	/* the kernel's comment: "+ 2" just happens to work well */
	pages = hits + 2;
	if (pages == 2) {
		/* no hits to judge by: an adjacent offset instead */
		if (offset != prev_offset + 1 && offset != prev_offset - 1)
			pages = 1;
	} else {
		unsigned int roundup = 4;

		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > (unsigned int)max_pages)
		pages = max_pages;
	/* don't shrink readahead too fast */
	last_ra = prev_win / 2;
	if (pages < last_ra)
		pages = last_ra;
	return pages;
}
RMM_EXPORT(rmm_swapin_nr_pages);

/* ---- state, totals ---- */
bool rmm_can_swap(const struct rmm_mm *mm)
{
	return mm->swap && rmm_atomic_long_read(&mm->swap->nr_swap_pages) > 0;
}
RMM_EXPORT(rmm_can_swap);

/* vm_swap_full(): more than half of the swap space is in use */
bool rmm_swap_full(const struct rmm_mm *mm)
{
	return mm->swap && rmm_atomic_long_read(&mm->swap->nr_swap_pages) * 2 <
		(long)READ_ONCE(mm->swap->total_swap_pages);
}
RMM_EXPORT(rmm_swap_full);

void rmm_swap_totals(const struct rmm_mm *mm, unsigned long *total,
		     unsigned long *free)
{
	struct rmm_swap_state *swap = mm->swap;
	unsigned long to_be_unused = 0;
	long nr_free;
	int type;

	*total = 0;
	*free = 0;
	if (!swap)
		return;
	/* si_swapinfo() */
	rmm_spin_lock(&swap->lock);
	for (type = 0; type < RMM_MAX_SWAPFILES; type++) {
		struct rmm_swap_info *si = swap->info[type];

		if (si && (si->flags & RMM_SWP_USED) && !(si->flags & RMM_SWP_WRITEOK))
			to_be_unused += READ_ONCE(si->inuse_pages);
	}
	nr_free = rmm_atomic_long_read(&swap->nr_swap_pages);
	*free = nr_free + to_be_unused;
	*total = swap->total_swap_pages + to_be_unused;
	rmm_spin_unlock(&swap->lock);
}
RMM_EXPORT(rmm_swap_totals);

bool rmm_swap_info(const struct rmm_mm *mm, int i, struct rmm_swap_line *l)
{
	struct rmm_swap_state *swap = mm->swap;
	bool found = false;
	int type;

	if (!swap || i < 0)
		return false;
	/* swap_start()/swap_next(): type order, swapoff in progress too */
	rmm_spin_lock(&swap->lock);
	for (type = 0; type < RMM_MAX_SWAPFILES; type++) {
		struct rmm_swap_info *si = swap->info[type];

		if (!si || !(si->flags & RMM_SWP_USED) || !si->swap_map)
			continue;
		if (i--)
			continue;
		l->name = si->name;
		l->type = si->type;
		l->prio = si->prio;
		l->size_pages = si->pages;
		l->used_pages = READ_ONCE(si->inuse_pages);
		l->dev_cookie = si->dev_cookie;
		found = true;
		break;
	}
	rmm_spin_unlock(&swap->lock);
	return found;
}
RMM_EXPORT(rmm_swap_info);

/* ---- swapon / swapoff ---- */
int rmm_swap_init(struct rmm_mm *mm)
{
	struct rmm_swap_state *swap = rmm_kvzalloc(sizeof(*swap));

	if (!swap)
		return -ENOMEM;
	rmm_mutex_init(&swap->mutex);
	rmm_spin_lock_init(&swap->lock);
	rmm_spin_lock_init(&swap->avail_lock);
	swap->least_priority = -1;
	rmm_atomic_long_set(&swap->nr_swap_pages, 0);
	mm->swap = swap;
	return 0;
}
RMM_EXPORT(rmm_swap_init);

static void free_swap_arrays(struct rmm_swap_info *si)
{
	rmm_kvfree(si->swap_map);
	rmm_kvfree(si->cache);
	rmm_kvfree(si->zeromap);
	rmm_kvfree(si->clusters);
	rmm_kvfree(si->percpu_next);
	si->swap_map = NULL;
	si->cache = NULL;
	si->zeromap = NULL;
	si->clusters = NULL;
	si->percpu_next = NULL;
}

void rmm_swap_fini(struct rmm_mm *mm)
{
	struct rmm_swap_state *swap = mm->swap;
	int type;

	if (!swap)
		return;
	for (type = 0; type < RMM_MAX_SWAPFILES; type++) {
		struct rmm_swap_info *si = swap->info[type];

		if (!si)
			continue;
		RMM_WARN_ON(si->flags & RMM_SWP_USED);
		free_swap_arrays(si);
		rmm_kvfree(si);
	}
	rmm_mutex_destroy(&swap->mutex);
	mm->swap = NULL;
	rmm_kvfree(swap);
}
RMM_EXPORT(rmm_swap_fini);

/* setup_clusters(): header and EOF slots counted, free list by columns */
static void setup_clusters(struct rmm_mm *mm, struct rmm_swap_info *si)
{
	unsigned long nr = si->nr_clusters, i, j, k, idx;
	unsigned long end = nr * RMM_SWAPFILE_CLUSTER;

	clist_init(&si->free_clusters);
	clist_init(&si->nonfull_clusters);
	clist_init(&si->frag_clusters);
	clist_init(&si->full_clusters);
	si->frag_cluster_nr = 0;
	si->clusters[0].count++;			/* the header */
	for (i = si->max; i < end; i++)			/* beyond EOF */
		si->clusters[i / RMM_SWAPFILE_CLUSTER].count++;
	/* cluster_next == 1 at swapon: col 0 */
	for (k = 0; k < SWAP_CLUSTER_COLS; k++) {
		j = k % SWAP_CLUSTER_COLS;
		for (i = 0; i < DIV_ROUND_UP(nr, SWAP_CLUSTER_COLS); i++) {
			idx = i * SWAP_CLUSTER_COLS + j;
			if (idx >= nr)
				continue;
			if (si->clusters[idx].count) {
				si->clusters[idx].flags = RMM_CLUSTER_NONFULL;
				clist_add_tail(si, &si->nonfull_clusters, idx);
				continue;
			}
			si->clusters[idx].flags = RMM_CLUSTER_FREE;
			clist_add_tail(si, &si->free_clusters, idx);
		}
	}
	for (i = 0; i < (unsigned long)mm->layout.nr_cpu_ids; i++)
		si->percpu_next[i] = SWAP_NEXT_INVALID;
}

/* setup_swap_info() + _enable_swap_info(); swap->lock and si->lock held */
static void enable_swap_info(struct rmm_swap_state *swap,
			     struct rmm_swap_info *si, int prio)
{
	rmm_assert_held(&swap->lock);
	rmm_assert_held(&si->lock);
	si->prio = prio >= 0 ? prio : --swap->least_priority;
	si->flags |= RMM_SWP_WRITEOK;
	/* reinsert: -inuse_pages was left of it in nr_swap_pages */
	rmm_atomic_long_add(si->pages, &swap->nr_swap_pages);
	swap->total_swap_pages += si->pages;
	prio_add(swap->active, &swap->nr_active, si);
	if (si->inuse_pages < si->pages)
		add_to_avail_list(swap, si);
}

int rmm_swapon(struct rmm_mm *mm, u64 dev_cookie, const char *name,
	       u64 nr_pages, int prio, unsigned int flags)
{
	struct rmm_swap_state *swap = mm->swap;
	struct rmm_swap_info *si, *fresh = NULL;
	unsigned long maxpages, i;
	int type, err;

	rmm_might_sleep();
	if (!swap)
		return -ENOMEM;
	if (flags & ~RMM_SWAP_FLAG_PREFER)
		return -EINVAL;
	/* SWAP_FLAG_PREFER: 0..SWAP_FLAG_PRIO_MASK; else the next default */
	if ((flags & RMM_SWAP_FLAG_PREFER) || prio >= 0) {
		if (prio < 0 || prio > SWAP_FLAG_PRIO_MAX)
			return -EINVAL;
	} else {
		prio = -1;
	}

	rmm_mutex_lock(&swap->mutex);
	/* alloc_swap_info(): the lowest free type, or -EPERM */
	for (type = 0; type < RMM_MAX_SWAPFILES; type++)
		if (!swap->info[type] || !(swap->info[type]->flags & RMM_SWP_USED))
			break;
	if (type >= RMM_MAX_SWAPFILES) {
		err = -EPERM;
		goto out;
	}
	/* read_swap_header(): last_page 0 is an empty swap file */
	if (nr_pages < 2) {
		rmm_pr_warn("Empty swap-file\n");
		err = -EINVAL;
		goto out;
	}
	maxpages = nr_pages;
	if (maxpages > RMM_SWP_MAX_PAGES) {
		rmm_pr_warn("Truncating oversized swap area, only using %luk out of %lluk\n",
			    K((unsigned long)RMM_SWP_MAX_PAGES),
			    (unsigned long long)K(nr_pages - 1));
		maxpages = RMM_SWP_MAX_PAGES;
	}

	si = swap->info[type];
	if (!si) {
		fresh = rmm_kvzalloc(sizeof(*si));
		if (!fresh) {
			err = -ENOMEM;
			goto out;
		}
		si = fresh;
		rmm_spin_lock_init(&si->lock);
		si->type = type;
	}
	si->max = maxpages;
	si->pages = maxpages - 1;
	si->inuse_pages = 0;
	si->nr_clusters = DIV_ROUND_UP(maxpages, RMM_SWAPFILE_CLUSTER);
	si->swap_map = rmm_kvzalloc(maxpages);
	si->cache = rmm_kvzalloc(maxpages * sizeof(u32));
	si->clusters = rmm_kvzalloc(si->nr_clusters * sizeof(*si->clusters));
	si->percpu_next = rmm_kvzalloc(mm->layout.nr_cpu_ids *
				       sizeof(*si->percpu_next));
	if (mm->layout.kver >= RMM_KVER(6, 12))
		si->zeromap = rmm_kvzalloc(DIV_ROUND_UP(maxpages,
					BITS_PER_ULONG) * sizeof(long));
	if (!si->swap_map || !si->cache || !si->clusters ||
	    !si->percpu_next ||
	    (mm->layout.kver >= RMM_KVER(6, 12) && !si->zeromap)) {
		free_swap_arrays(si);
		rmm_kvfree(fresh);
		err = -ENOMEM;
		goto out;
	}
	si->swap_map[0] = RMM_SWAP_MAP_BAD;
	for (i = 0; i < maxpages; i++)
		si->cache[i] = RMM_NIL;
	setup_clusters(mm, si);
	si->dev_cookie = dev_cookie;
	strscpy(si->name, name ? name : "", sizeof(si->name));

	rmm_spin_lock(&swap->lock);
	if (fresh)
		swap->info[type] = fresh;
	rmm_spin_lock(&si->lock);
	si->flags = RMM_SWP_USED;
	enable_swap_info(swap, si, prio);
	rmm_spin_unlock(&si->lock);
	rmm_spin_unlock(&swap->lock);
	rmm_pr_info("Adding %luk swap on %s.  Priority:%d extents:1 across:%luk SS\n",
		    K(si->pages), si->name, si->prio, K(si->pages + 1));
	err = type;
out:
	rmm_mutex_unlock(&swap->mutex);
	return err;
}
RMM_EXPORT(rmm_swapon);

/*
 * security_vm_enough_memory_mm() for swapoff, regionmm's way: the slots in
 * use must fit in what the instance can give without the device: free
 * pages above the reserves, the file LRU, and anon LRU pages the other
 * devices' free slots could take.  swap->lock held.
 */
static bool swapoff_enough_memory(struct rmm_mm *mm, struct rmm_swap_info *si)
{
	struct rmm_swap_state *swap = mm->swap;
	unsigned long free = rmm_mm_total_free(mm), file = 0, anon = 0;
	long other_swap;
	int nid;

	rmm_assert_held(&swap->lock);
	free = free > mm->totalreserve_pages ? free - mm->totalreserve_pages : 0;
	for (nid = 0; nid < mm->nr_nodes; nid++) {
		struct rmm_node *n = &mm->nodes[nid];

		file += rmm_node_page_state(n, RMM_NR_INACTIVE_FILE) +
			rmm_node_page_state(n, RMM_NR_ACTIVE_FILE);
		anon += rmm_node_page_state(n, RMM_NR_INACTIVE_ANON) +
			rmm_node_page_state(n, RMM_NR_ACTIVE_ANON);
	}
	other_swap = rmm_atomic_long_read(&swap->nr_swap_pages) -
		     (long)(si->pages - READ_ONCE(si->inuse_pages));
	if (other_swap < 0)
		other_swap = 0;
	anon = min_t(unsigned long, anon, other_swap);
	return READ_ONCE(si->inuse_pages) <= free + file + anon;
}

int rmm_swapoff(struct rmm_mm *mm, int type, u64 *dev_cookie)
{
	struct rmm_swap_state *swap = mm->swap;
	struct rmm_swap_info *si;
	int err, i, passes;

	rmm_might_sleep();
	if (!swap || type < 0 || type >= RMM_MAX_SWAPFILES)
		return -EINVAL;
	rmm_mutex_lock(&swap->mutex);
	rmm_spin_lock(&swap->lock);
	si = swap->info[type];
	if (!si || !(si->flags & RMM_SWP_WRITEOK)) {
		rmm_spin_unlock(&swap->lock);
		err = -EINVAL;
		goto out;
	}
	if (!swapoff_enough_memory(mm, si)) {
		rmm_spin_unlock(&swap->lock);
		rmm_pr_warn("swapoff: %s: %lu pages in use do not fit in memory\n",
			    si->name, READ_ONCE(si->inuse_pages));
		err = -ENOMEM;
		goto out;
	}
	rmm_spin_lock(&si->lock);
	del_from_avail_list(swap, si);
	if (si->prio < 0) {
		/* every lower device moves up one (auto priorities only) */
		for (i = prio_find(swap->active, swap->nr_active, si) + 1;
		     i < swap->nr_active; i++)
			swap->active[i]->prio++;
		swap->least_priority++;
	}
	prio_del(swap->active, &swap->nr_active, si);
	rmm_atomic_long_sub(si->pages, &swap->nr_swap_pages);
	swap->total_swap_pages -= si->pages;
	si->flags &= ~RMM_SWP_WRITEOK;
	rmm_spin_unlock(&si->lock);
	rmm_spin_unlock(&swap->lock);

	/*
	 * try_to_unuse(): the kernel retries until nothing is left (swap
	 * may be reinserted behind its walk, a page under writeback holds
	 * its slot through the swap cache until pageout lets go), and stops
	 * on a fatal signal (unuse's -EINTR).  A pass that freed nothing
	 * waits a jiffy (folio_wait_writeback()'s stand-in); after
	 * SWAPOFF_STUCK_PASSES such passes in a row only a bug can be left.
	 */
	err = 0;
	for (passes = 0; READ_ONCE(si->inuse_pages) &&
	     passes < SWAPOFF_STUCK_PASSES; passes++) {
		unsigned long before = READ_ONCE(si->inuse_pages);

		err = rmm_memobj_unuse_swap(mm, type);
		if (err)
			break;
		if (READ_ONCE(si->inuse_pages) < before)
			passes = -1;
		else
			rmm_schedule_timeout_uninterruptible(1);
		rmm_cond_resched();
	}
	if (!err && RMM_WARN_ON(READ_ONCE(si->inuse_pages)))
		err = -EBUSY;
	if (err) {
		/* reinsert_swap_info() */
		rmm_spin_lock(&swap->lock);
		rmm_spin_lock(&si->lock);
		enable_swap_info(swap, si, si->prio);
		rmm_spin_unlock(&si->lock);
		rmm_spin_unlock(&swap->lock);
		goto out;
	}

	rmm_spin_lock(&swap->lock);
	rmm_spin_lock(&si->lock);
	if (dev_cookie)
		*dev_cookie = si->dev_cookie;
	free_swap_arrays(si);
	si->max = 0;
	si->pages = 0;
	si->flags = 0;
	rmm_spin_unlock(&si->lock);
	rmm_spin_unlock(&swap->lock);
out:
	rmm_mutex_unlock(&swap->mutex);
	return err;
}
RMM_EXPORT(rmm_swapoff);

/* ---- validation ---- */
static unsigned long validate_device(struct rmm_mm *mm,
				     struct rmm_swap_info *si,
				     unsigned long *cached)
{
	unsigned long bad = 0, inuse = 0, o, c, frag = 0;
	unsigned long nr_on[4] = { 0 };
	u8 *map = si->swap_map;

	if (map[0] != RMM_SWAP_MAP_BAD) {
		rmm_pr_err("swap %d: header slot %#x, not bad\n", si->type,
			   map[0]);
		bad++;
	}
	for (o = 1; o < si->max; o++) {
		u8 cnt = map[o] & ~RMM_SWAP_HAS_CACHE;

		if (map[o])
			inuse++;
		if (cnt > RMM_SWAP_MAP_MAX) {
			rmm_pr_err("swap %d: slot %lu map %#x\n", si->type, o,
				   map[o]);
			bad++;
		}
		if (rmm_is_shadow(si->cache[o])) {
			if (!map[o]) {
				rmm_pr_err("swap %d: free slot %lu has shadow %08x\n",
					   si->type, o, si->cache[o]);
				bad++;
			}
		} else if (si->cache[o] != RMM_NIL) {
			struct rmm_page *page =
				rmm_mm_idx_to_page(mm, si->cache[o]);
			struct rmm_page_ext *ext = rmm_page_ext(mm, page);

			(*cached)++;
			if (!(map[o] & RMM_SWAP_HAS_CACHE) ||
			    RmmPageBuddy(page) || RmmPagePcp(page) ||
			    !(ext->flags & RMM_EXT_SWAPCACHE) ||
			    ext->swap != rmm_swp_entry(si->type, o)) {
				rmm_pr_err("swap %d: slot %lu cache page %u: map %#x ext flags %#x swap %08x\n",
					   si->type, o, si->cache[o], map[o],
					   ext->flags, ext->swap);
				bad++;
			}
		}
	}
	if (inuse != si->inuse_pages) {
		rmm_pr_err("swap %d: inuse_pages %lu, swap_map says %lu\n",
			   si->type, si->inuse_pages, inuse);
		bad++;
	}
	for (c = 0; c < si->nr_clusters; c++) {
		struct rmm_swap_cluster *ci = &si->clusters[c];
		unsigned long start = c * RMM_SWAPFILE_CLUSTER, n = 0;
		u8 want;

		for (o = start; o < start + RMM_SWAPFILE_CLUSTER; o++)
			if (o >= si->max || map[o])
				n++;
		want = !n ? RMM_CLUSTER_FREE :
		       n == RMM_SWAPFILE_CLUSTER ? RMM_CLUSTER_FULL : 0;
		if (ci->count != n || (want && ci->flags != want) ||
		    (!want && ci->flags != RMM_CLUSTER_NONFULL &&
		     ci->flags != RMM_CLUSTER_FRAG)) {
			rmm_pr_err("swap %d: cluster %lu count %u flags %#x, %lu slots used\n",
				   si->type, c, ci->count, ci->flags, n);
			bad++;
		}
		if (ci->flags == RMM_CLUSTER_FRAG)
			frag++;
		if (ci->flags && ci->flags <= RMM_CLUSTER_FULL)
			nr_on[rmm_fls(ci->flags) - 1]++;
	}
	if (nr_on[0] != si->free_clusters.nr ||
	    nr_on[1] != si->nonfull_clusters.nr ||
	    nr_on[2] != si->frag_clusters.nr ||
	    nr_on[3] != si->full_clusters.nr || frag != si->frag_cluster_nr) {
		rmm_pr_err("swap %d: cluster lists %u/%u/%u/%u (frag_nr %lu), flags say %lu/%lu/%lu/%lu\n",
			   si->type, si->free_clusters.nr,
			   si->nonfull_clusters.nr, si->frag_clusters.nr,
			   si->full_clusters.nr, si->frag_cluster_nr,
			   nr_on[0], nr_on[1], nr_on[2], nr_on[3]);
		bad++;
	}
	return bad;
}

unsigned long rmm_swap_validate(struct rmm_mm *mm)
{
	struct rmm_swap_state *swap = mm->swap;
	unsigned long bad = 0, cached = 0, nr_cache_stat = 0;
	long nr_free = 0, total = 0;
	int type, nid, nr_avail = 0;

	if (!swap)
		return 0;
	rmm_spin_lock(&swap->lock);
	for (type = 0; type < RMM_MAX_SWAPFILES; type++) {
		struct rmm_swap_info *si = swap->info[type];

		if (!si || !(si->flags & RMM_SWP_USED))
			continue;
		rmm_spin_lock(&si->lock);
		bad += validate_device(mm, si, &cached);
		if (si->flags & RMM_SWP_WRITEOK) {
			nr_free += si->pages - si->inuse_pages;
			total += si->pages;
			if (si->inuse_pages < si->pages)
				nr_avail++;
		} else {
			nr_free -= si->inuse_pages;
		}
		rmm_spin_unlock(&si->lock);
	}
	if (nr_free != rmm_atomic_long_read(&swap->nr_swap_pages) ||
	    total != swap->total_swap_pages) {
		rmm_pr_err("swap: nr_swap_pages %ld total %ld, devices say %ld %ld\n",
			   rmm_atomic_long_read(&swap->nr_swap_pages),
			   swap->total_swap_pages, nr_free, total);
		bad++;
	}
	rmm_spin_lock(&swap->avail_lock);
	if (nr_avail != swap->nr_avail) {
		rmm_pr_err("swap: %d devices available, %d on the list\n",
			   nr_avail, swap->nr_avail);
		bad++;
	}
	rmm_spin_unlock(&swap->avail_lock);
	rmm_spin_unlock(&swap->lock);
	for (nid = 0; nid < mm->nr_nodes; nid++)
		nr_cache_stat += rmm_node_page_state(&mm->nodes[nid],
						     RMM_NR_SWAPCACHE);
	if (nr_cache_stat != cached) {
		rmm_pr_err("swap: NR_SWAPCACHE %lu, %lu pages in the caches\n",
			   nr_cache_stat, cached);
		bad++;
	}
	return bad;
}
RMM_EXPORT(rmm_swap_validate);
