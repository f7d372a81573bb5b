/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapfile.h - swap devices, slot allocation, swap counts and the swap
 * cache (swapfile.c).  The kernel's counterparts: mm/swapfile.c
 * (swap_info_struct, clusters, swap_map, swapon/swapoff, /proc/swaps) and
 * mm/swap_state.c (the swap cache).  The device I/O itself is the glue's
 * (mm->ops->swap_io, src/linux/swap_dev.c).
 *
 * Swap entries
 * ------------
 * A swap entry is a u32 that fits in a memory object's index slot next to
 * page indices (< 2^28) and RMM_NIL:
 *   val = RMM_SWP_BIT | type << RMM_SWP_TYPE_SHIFT | offset
 * type < RMM_MAX_SWAPFILES (16), offset < 2^27 - 1 (page 0 of a device
 * is its header and never allocated, as in the kernel).  A device holds
 * at most 2^27 - 1 pages (512 GiB).
 *
 * Counts (swap_map[offset], one byte per slot as the kernel's):
 *   swap_map = number of index entries that hold the entry (<= 0x3e; more
 *   is -ENOMEM for the duplicate, the kernel's continuation pages are not
 *   implemented) | RMM_SWAP_HAS_CACHE while a page is in the swap cache
 *   for the slot.  A slot is free when swap_map == 0; inuse_pages counts
 *   the others.  RMM_SWAP_MAP_BAD marks the header slot.
 *
 * Swap cache: per device, an array slot -> page index (RMM_NIL: none),
 * or a shadow entry (workingset.h) where reclaim took the page out after
 * its write; the shadow goes when the slot is freed or a page is added.
 * A page in it has RMM_EXT_SWAPCACHE and ext->swap = its entry and counts
 * in NR_SWAPCACHE and NR_FILE_PAGES of its node (add_to_swap_cache();
 * meminfo's Cached: is NR_FILE_PAGES less SwapCached).
 *
 * Slot allocation follows 6.12's clusters of 512 slots (SWAPFILE_CLUSTER):
 * free clusters on a free list, a per-CPU current cluster filled in order
 * (percpu_cluster->next), nonfull/full lists, devices taken in priority
 * order (highest first; equal priorities round robin, as swap_avail_heads
 * does).  Default priorities are -2, -3 ... in swapon order (the kernel's
 * least_priority).
 *
 * Locking: swap->mutex (swapon/swapoff) -> swap->lock (spinlock: the
 * device list and priorities) -> each device's lock (si->lock, spinlock:
 * its clusters, swap_map and swap cache array) -> swap->avail_lock
 * (spinlock, leaf: the list of devices with free slots) and lru_lock (the
 * swap cache's ext flags).  The spinlocks may be taken under the memobj
 * view locks and obj->share_lock; swapoff calls rmm_memobj_unuse_swap()
 * under swap->mutex only.  No lock is held across ops->swap_io.
 */
#ifndef _RMM_SWAPFILE_H
#define _RMM_SWAPFILE_H

#include "rmm_port.h"
#include "mmzone.h"

#define RMM_MAX_SWAPFILES	16
#define RMM_SWP_BIT		(1U << 31)
#define RMM_SWP_TYPE_SHIFT	27
#define RMM_SWP_OFFSET_MASK	((1U << RMM_SWP_TYPE_SHIFT) - 1)
#define RMM_SWP_MAX_PAGES	RMM_SWP_OFFSET_MASK	/* slots per device */
#define RMM_SWAPFILE_CLUSTER	512
#define RMM_SWAP_HAS_CACHE	0x40
#define RMM_SWAP_MAP_MAX	0x3e
#define RMM_SWAP_MAP_BAD	0x3f

static inline bool rmm_is_swap_entry(u32 v)
{
	return v != RMM_NIL && (v & RMM_SWP_BIT);
}

static inline u32 rmm_swp_entry(unsigned int type, u32 offset)
{
	return RMM_SWP_BIT | type << RMM_SWP_TYPE_SHIFT | offset;
}

static inline unsigned int rmm_swp_type(u32 e)
{
	return (e & ~RMM_SWP_BIT) >> RMM_SWP_TYPE_SHIFT;
}

static inline u32 rmm_swp_offset(u32 e)
{
	return e & RMM_SWP_OFFSET_MASK;
}

/*
 * The state behind mm->swap (swapfile.c's; tests and the validator read
 * it).  Locks and invariants: the opening comment of swapfile.c.
 */
#define RMM_SWP_USED		BIT(0)	/* the type is taken */
#define RMM_SWP_WRITEOK		BIT(1)	/* on: slots may be allocated */

/* cluster flags: the list the cluster is on */
#define RMM_CLUSTER_FREE	1
#define RMM_CLUSTER_NONFULL	2
#define RMM_CLUSTER_FRAG	4
#define RMM_CLUSTER_FULL	8

#define RMM_SWAP_NAME_LEN	256

struct rmm_swap_cluster {
	u32 next, prev;		/* cluster list links (index, RMM_NIL) */
	u16 count;
	u8 flags;
};

struct rmm_swap_clist {
	u32 first, last;
	u32 nr;
};

struct rmm_swap_info {
	rmm_spinlock_t lock;
	unsigned int flags;		/* RMM_SWP_*: under both locks */
	int type;
	int prio;
	u64 dev_cookie;
	unsigned long max;		/* slots including the header */
	unsigned long pages;		/* usable slots: max - 1 */
	unsigned long inuse_pages;
	u8 *swap_map;
	u32 *cache;			/* page index per slot, RMM_NIL */
	unsigned long *zeromap;		/* 6.12: slot holds a zero page */
	struct rmm_swap_cluster *clusters;
	unsigned long nr_clusters;
	struct rmm_swap_clist free_clusters, nonfull_clusters, frag_clusters,
		full_clusters;
	unsigned long frag_cluster_nr;
	u32 *percpu_next;		/* [nr_cpu_ids]: percpu_cluster->next */
	char name[RMM_SWAP_NAME_LEN];
};

struct rmm_swap_state {
	rmm_mutex_t mutex;
	rmm_spinlock_t lock;
	rmm_spinlock_t avail_lock;
	struct rmm_swap_info *info[RMM_MAX_SWAPFILES];
	struct rmm_swap_info *active[RMM_MAX_SWAPFILES];
	int nr_active;
	struct rmm_swap_info *avail[RMM_MAX_SWAPFILES];
	int nr_avail;
	int least_priority;
	long total_swap_pages;
	rmm_atomic_long_t nr_swap_pages;
};

int rmm_swap_init(struct rmm_mm *mm);
/* every device must be off (swapoff) */
void rmm_swap_fini(struct rmm_mm *mm);

/*
 * swapon: a device of @nr_pages pages (from the header's last_page + 1,
 * the glue checked the header) behind @dev_cookie, priority @prio (< 0
 * and no RMM_SWAP_FLAG_PREFER: the next default, -2, -3 ...; else 0..32767
 * as swapon(2)'s SWAP_FLAG_PRIO_MASK), @name for /proc/regionmm/swaps.
 * More than RMM_SWP_MAX_PAGES pages are truncated (logged), as the kernel
 * truncates to swapfile_maximum_size.  Returns the type (>= 0, the lowest
 * free one), -EINVAL (unknown flags, priority out of range, fewer than 2
 * pages: nothing to use beyond the header), -EPERM (16 devices), -ENOMEM.
 * May sleep.
 */
#define RMM_SWAP_FLAG_PREFER	1
int rmm_swapon(struct rmm_mm *mm, u64 dev_cookie, const char *name,
	       u64 nr_pages, int prio, unsigned int flags);

/*
 * swapoff: stop allocating from @type, bring every page back
 * (rmm_memobj_unuse_swap(), try_to_unuse()), then remove the device.
 * -ENOMEM when the pages cannot all fit in memory (checked first, from
 * inuse_pages against free + reclaimable memory, as the kernel's
 * __vm_enough_memory(); and again if memory runs out midway: the device
 * is then re-enabled and nothing is lost), -EINVAL for no such device.
 * Returns the device's cookie through @dev_cookie.  May sleep.
 */
int rmm_swapoff(struct rmm_mm *mm, int type, u64 *dev_cookie);

/* folio_alloc_swap(): a free slot (count 0 -> HAS_CACHE); 0 if none */
u32 rmm_get_swap_page(struct rmm_mm *mm);
/*
 * swap_duplicate(): one more index entry holds @e; -ENOMEM at the max,
 * -ENOENT for a free slot or a bad entry (logged)
 */
int rmm_swap_duplicate(struct rmm_mm *mm, u32 e);
/*
 * swap_free(): one index entry fewer holds @e; the slot is freed when
 * nothing (no entry, no cache) holds it any more
 */
void rmm_swap_free(struct rmm_mm *mm, u32 e);
/* swap_map count of @e (without HAS_CACHE) */
unsigned int rmm_swap_count(struct rmm_mm *mm, u32 e);

/*
 * The swap cache.  add: @page becomes the cache page of @e (which must
 * have HAS_CACHE and no page), sets RMM_EXT_SWAPCACHE and ext->swap,
 * NR_SWAPCACHE.  lookup: the page or NULL (the caller holds the lock of
 * whatever keeps @e alive: a view lock of an index holding it).  del:
 * @page leaves the cache (and HAS_CACHE is dropped: the slot is freed if
 * no entry holds it).
 */
/*
 * swapcache_prepare(): HAS_CACHE for @e, whose slot index entries hold,
 * before a page read from it is added (rmm_swapcache_add()).  0, -EEXIST
 * (HAS_CACHE already set: another reader or the cache has a page),
 * -ENOENT (a free slot or a bad entry).
 */
int rmm_swapcache_prepare(struct rmm_mm *mm, u32 e);
/*
 * swapcache_clear(): a reader that took HAS_CACHE with swapcache_prepare()
 * and adds no page gives it back; the slot is freed if no entry holds it.
 */
void rmm_swapcache_clear(struct rmm_mm *mm, u32 e);
void rmm_swapcache_add(struct rmm_mm *mm, u32 e, struct rmm_page *page);
struct rmm_page *rmm_swapcache_lookup(struct rmm_mm *mm, u32 e);
void rmm_swapcache_del(struct rmm_mm *mm, u32 e, struct rmm_page *page);
/*
 * __delete_from_swap_cache() with a shadow (workingset_eviction()): as
 * rmm_swapcache_del(), and @shadow (0: none) stays in the slot while
 * index entries hold it
 */
void rmm_swapcache_del_shadow(struct rmm_mm *mm, u32 e, struct rmm_page *page,
			      u32 shadow);
/*
 * Migration (__folio_migrate_mapping()'s swap cache part): @new takes
 * @old's place as the cache page of @e (ext->swap, RMM_EXT_SWAPCACHE and
 * NR_SWAPCACHE/NR_FILE_PAGES move with it; HAS_CACHE stays).  The owner
 * holds whatever keeps the cache page stable (obj->share_lock).
 */
void rmm_swapcache_replace(struct rmm_mm *mm, u32 e, struct rmm_page *old,
			   struct rmm_page *new);
/*
 * get_shadow_from_swap_cache(): the shadow of slot @e, 0 if none (a
 * page, or nothing); the caller keeps @e alive (HAS_CACHE or an entry)
 */
u32 rmm_swapcache_get_shadow(struct rmm_mm *mm, u32 e);

/*
 * Synchronous I/O of @page to/from slot @e through mm->ops->swap_io,
 * counting pswpout/pswpin.  -EIO (or the op's error), -ENODEV without
 * the op.  On 6.12 (layout.kver) a zero-filled page is not written but
 * noted in the device's zeromap, and reading such a slot zeroes the page
 * without I/O (swap_writepage()/swap_read_folio_zeromap()); neither counts
 * pswpout/pswpin.  May sleep; no core lock held.
 */
int rmm_swap_writepage(struct rmm_mm *mm, u32 e, struct rmm_page *page);
int rmm_swap_readpage(struct rmm_mm *mm, u32 e, struct rmm_page *page);

/*
 * Reclaim's write (swap_writepage() with WB_SYNC_NONE): as
 * rmm_swap_writepage(), but through the host's ops->swap_write_async
 * when it has one.  RMM_SWAP_WRITE_STARTED: the write is under way and
 * rmm_swap_end_write() follows (the caller keeps @page in the swap cache
 * with RMM_EXT_WRITEBACK until then); 0 or -errno: done now (a zero page,
 * a host without the op, or a write that could not be started).
 */
#define RMM_SWAP_WRITE_STARTED	1
int rmm_swap_writepage_async(struct rmm_mm *mm, u32 e, struct rmm_page *page);
/*
 * The host's end of a write started by rmm_swap_writepage_async()
 * (folio_end_writeback()): logs an error as the synchronous write does
 * and hands the page to memobj.c (rmm_memobj_end_writeback()).  Process
 * context, no core lock held.
 */
void rmm_swap_end_write(struct rmm_mm *mm, struct rmm_page *page, int err);

/*
 * A batch of reads (swap readahead): @nr pages @page[i] to read from
 * slots @entry[i] (each with HAS_CACHE taken by the caller); the result
 * of each in @err[i] (0, -EIO or the op's error, -EINVAL for a bad
 * entry).  The reads of one device are submitted together
 * (mm->ops->swap_read_batch; without it one swap_io each), then waited
 * for; 6.12 zeromap slots are zeroed without I/O; pswpin counts the
 * pages submitted.  May sleep; no core lock held.  The rest of the
 * struct is scratch.
 */
#define RMM_SWAP_BATCH_MAX	32	/* 1 << SWAP_RA_ORDER_CEILING */
struct rmm_swap_batch {
	int nr;
	u32 entry[RMM_SWAP_BATCH_MAX];
	struct rmm_page *page[RMM_SWAP_BATCH_MAX];
	int err[RMM_SWAP_BATCH_MAX];
	/* rmm_swap_read_batch()'s */
	u64 cookie[RMM_SWAP_BATCH_MAX];
	bool todo[RMM_SWAP_BATCH_MAX];
	u8 map[RMM_SWAP_BATCH_MAX];
	u64 offset[RMM_SWAP_BATCH_MAX];
	void *addr[RMM_SWAP_BATCH_MAX];
	int ioerr[RMM_SWAP_BATCH_MAX];
};
void rmm_swap_read_batch(struct rmm_mm *mm, struct rmm_swap_batch *b);

/*
 * __swapin_nr_pages(): the swap readahead window (pages, 1..@max_pages)
 * for a fault at @offset after one at @prev_offset whose window was
 * @prev_win, with @hits readahead hits since (memobj.c keeps the state
 * per view, as the kernel per VMA)
 */
unsigned int rmm_swapin_nr_pages(unsigned long prev_offset,
				 unsigned long offset, int hits,
				 int max_pages, int prev_win);

/* get_nr_swap_pages() > 0: anonymous pages can be reclaimed */
bool rmm_can_swap(const struct rmm_mm *mm);
/*
 * vm_swap_full(): more than half of the swap space in use; a page read
 * back then gives its slot up at once instead of staying in the cache
 */
bool rmm_swap_full(const struct rmm_mm *mm);

/* meminfo: SwapTotal and SwapFree in pages (devices that are on) */
void rmm_swap_totals(const struct rmm_mm *mm, unsigned long *total,
		     unsigned long *free);

/*
 * /proc/swaps: device @i in type order (swap_start()/swap_next(); a
 * device being swapped off is listed too; i = 0..): fills the line's
 * fields; false past the end.  l->name stays readable until
 * rmm_swap_fini() (a per-type buffer; a later swapon of the type
 * rewrites it).  Takes swap->lock.
 */
struct rmm_swap_line {
	const char *name;
	int type;
	int prio;
	unsigned long size_pages;	/* usable pages (without the header) */
	unsigned long used_pages;
	u64 dev_cookie;
};
bool rmm_swap_info(const struct rmm_mm *mm, int i, struct rmm_swap_line *l);

/* check swap_map against the counts of cluster and device (logged) */
unsigned long rmm_swap_validate(struct rmm_mm *mm);

#endif /* _RMM_SWAPFILE_H */
