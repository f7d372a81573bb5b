/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * regionmm user-space interface: ioctls of /dev/regionmm (root's; a group
 * with the user_group= parameter or a udev rule).  Without CAP_SYS_ADMIN
 * only RMM_IOC_INFO, RMM_IOC_CALC_WMARKS, RMM_IOC_MEMFD and RMM_IOC_MADVISE
 * are allowed (-EPERM otherwise).
 *
 * Every structure is fixed size with explicit padding, so that 32-bit and
 * 64-bit user space see the same layout.  Every `flags` and `pad` field
 * must be 0: anything else is refused with -EINVAL, which leaves room to
 * give those bits a meaning later without breaking old callers.  Every
 * -EINVAL comes with one kernel log line "regionmm: RMM_IOC_<CMD>: <field>
 * <value>: <reason>", rate-limited (printk_ratelimited: at most 10 lines
 * per 5 s from each check).
 *
 * Pages and slab objects allocated through a file descriptor are owned by
 * that open file and are returned to regionmm when it is closed.
 * A handle is an opaque number (never a kernel address).
 *
 * Limits per open file, which bound the kernel memory its bookkeeping can
 * pin (a few tens of bytes per entry); past them the call fails with
 * -ENOSPC and one rate-limited log line, and nothing changes:
 *   RMM_IOC_ALLOC_PAGES: at most ioctl_max_blocks blocks held (module
 *     parameter, 1 .. 2^24, default RMM_IOC_FILE_MAX_BLOCKS);
 *   slab: at most RMM_IOC_FILE_MAX_OBJS object handles, counting handles
 *     of freed debug-cache objects that are kept for double-free checks,
 *     and RMM_IOC_FILE_MAX_CACHES caches.
 *
 * Command numbers: 0x00..0x3f page allocator (glue,
 * src/linux/ioctl_page.c, ioctl_wmark.c), 0x40..0x4f slab
 * (src/linux/ioctl_slab.c), 0x50..0x5f memory objects (src/linux/mmap.c),
 * 0x60..0x6f swap devices (src/linux/swap_dev.c).
 */
#ifndef _UAPI_LINUX_REGIONMM_H
#define _UAPI_LINUX_REGIONMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define RMM_IOC_MAGIC		'R'
#define RMM_IOC_API_VERSION	1

#define RMM_IOC_FILE_MAX_BLOCKS	(1U << 20)	/* default ioctl_max_blocks */
#define RMM_IOC_FILE_MAX_OBJS	(1U << 22)	/* slab object handles */
#define RMM_IOC_FILE_MAX_CACHES	256

/* RMM_IOC_INFO: what regionmm manages right now. */
struct rmm_ioc_info {
	__u32 api_version;	/* RMM_IOC_API_VERSION */
	__u32 nr_nodes;		/* regionmm nodes */
	__u32 nr_zones;		/* zones per node (MAX_NR_ZONES of the kernel) */
	__u32 nr_orders;	/* buddy orders (NR_PAGE_ORDERS) */
	__u32 pb_order;		/* pageblock order (named so as not to clash with the kernel macro) */
	__u32 page_size;
	__u64 managed_pages;	/* sum of zone managed pages */
	__u64 free_pages;	/* sum of zone NR_FREE_PAGES */
	__u32 flags;		/* in: must be 0 */
	__u32 pad;
};

/* gfp_flags of RMM_IOC_ALLOC_PAGES */
#define RMM_IOC_GFP_ATOMIC	(1U << 0) /* GFP_ATOMIC: may dip below min */
#define RMM_IOC_GFP_HIGH	(1U << 1) /* __GFP_HIGH: may dip below min */
#define RMM_IOC_GFP_NOWARN	(1U << 2) /* no allocation-failure report */
#define RMM_IOC_GFP_THISNODE	(1U << 3) /* no fallback to other nodes */
#define RMM_IOC_GFP_ZERO	(1U << 4) /* zero the pages */
#define RMM_IOC_GFP_ALL		0x1fU

/* migratetype of RMM_IOC_ALLOC_PAGES */
#define RMM_IOC_MT_UNMOVABLE	0
#define RMM_IOC_MT_MOVABLE	1
#define RMM_IOC_MT_RECLAIMABLE	2

/*
 * The gfp mask is built as the kernel's callers build theirs: the
 * migratetype gives __GFP_MOVABLE / __GFP_RECLAIMABLE; zone_limit -1 means
 * Normal, or for RMM_IOC_MT_MOVABLE __GFP_HIGHMEM|__GFP_MOVABLE as in
 * GFP_HIGHUSER_MOVABLE (the Movable zone first, when there is one).  An
 * explicit zone_limit is the highest zone (DMA, DMA32, Normal, Movable by
 * the kernel's zone index); Movable needs RMM_IOC_MT_MOVABLE.
 * -ENOSPC: the file holds ioctl_max_blocks blocks already.
 */
struct rmm_ioc_alloc {
	__u32 order;		/* in: 0 .. nr_orders - 1 */
	__u32 migratetype;	/* in: RMM_IOC_MT_* */
	__s32 nid;		/* in: regionmm node, -1: nearest */
	__s32 zone_limit;	/* in: -1: by migratetype, else highest zone index */
	__u32 gfp_flags;	/* in: RMM_IOC_GFP_* */
	__u32 flags;		/* in: must be 0 */
	__u64 handle;		/* out: for FREE_PAGES / pattern helpers */
	__u64 pfn;		/* out: first page frame number */
};

struct rmm_ioc_free {
	__u64 handle;
};

/*
 * RMM_IOC_CALC_WMARKS: what-if.  Given zones (any node/zone set, e.g. the
 * kernel's own from /proc/zoneinfo) and tunables, compute watermarks and
 * protection with the same code regionmm's zones use.
 */
#define RMM_IOC_WM_MAX_ZONES	32	/* zones over all nodes */
#define RMM_IOC_WM_MAX_NR_ZONES	8	/* zones per node */

/* zone kinds */
#define RMM_IOC_ZONE_DMA	0
#define RMM_IOC_ZONE_DMA32	1
#define RMM_IOC_ZONE_NORMAL	2
#define RMM_IOC_ZONE_MOVABLE	3
#define RMM_IOC_ZONE_DEVICE	4
#define RMM_IOC_ZONE_HIGHMEM	5

struct rmm_ioc_wm_zone {
	__u32 nid;		/* in: node 0 .. 7 */
	__u32 zone_idx;		/* in: index of the zone in its node */
	__u32 kind;		/* in: RMM_IOC_ZONE_* */
	__u32 pad;
	__u64 managed;		/* in: managed pages */
	__u64 min, low, high, promo;			/* out */
	__u64 protection[RMM_IOC_WM_MAX_NR_ZONES];	/* out: lowmem_reserve */
};

struct rmm_ioc_wmarks {
	__u32 nr_zones;		/* in: entries used in zone[] */
	__u32 nr_zones_per_node; /* in: like MAX_NR_ZONES, <= 8 */
	__u32 kver;		/* in: 0 = running kernel, else major << 16 | minor (6.1, 6.12) */
	__u32 flags;		/* in: must be 0 */
	__s32 min_free_kbytes;	/* in: -1: computed like calculate_min_free_kbytes */
	__u32 watermark_scale_factor;
	__u32 watermark_boost_factor;
	__u32 pad;
	__u32 lowmem_reserve_ratio[RMM_IOC_WM_MAX_NR_ZONES];
	__u64 min_free_kbytes_out;	/* out: value used */
	struct rmm_ioc_wm_zone zone[RMM_IOC_WM_MAX_ZONES];
};

/* RMM_IOC_WRITE_PATTERN / RMM_IOC_CHECK_PATTERN on a held allocation */
struct rmm_ioc_pattern {
	__u64 handle;
	__u64 seed;		/* word i of the block holds seed ^ (i * 0x9e3779b97f4a7c15) */
	__u32 flags;		/* must be 0 */
	__u32 pad;
	__u64 bad_words;	/* out (CHECK): words that differ */
};

/*
 * RMM_IOC_QUERY_PAGES: where a held allocation is now.  An order-0
 * RMM_IOC_MT_MOVABLE allocation may be moved by compaction (its data
 * copied to another page frame): the handle stays, the pfn changes.
 */
struct rmm_ioc_query {
	__u64 handle;		/* in */
	__u64 pfn;		/* out: first page frame number now */
	__u32 order;		/* out */
	__u32 movable;		/* out: 1 if regionmm may move it */
	__u32 flags;		/* in: must be 0 */
	__u32 pad;
};

/*
 * RMM_IOC_INFO reads `flags` before it writes the answer, so it is _IOWR.
 * It was first declared _IOR; that number (RMM_IOC_INFO_IOR) is still
 * accepted and does the same, so old binaries keep working.
 */
#define RMM_IOC_INFO		_IOWR(RMM_IOC_MAGIC, 0x00, struct rmm_ioc_info)
#define RMM_IOC_INFO_IOR	_IOR(RMM_IOC_MAGIC, 0x00, struct rmm_ioc_info)
#define RMM_IOC_ALLOC_PAGES	_IOWR(RMM_IOC_MAGIC, 0x01, struct rmm_ioc_alloc)
#define RMM_IOC_FREE_PAGES	_IOW(RMM_IOC_MAGIC, 0x02, struct rmm_ioc_free)
#define RMM_IOC_FREE_ALL	_IO(RMM_IOC_MAGIC, 0x03)
#define RMM_IOC_DRAIN		_IO(RMM_IOC_MAGIC, 0x04)
#define RMM_IOC_VALIDATE	_IO(RMM_IOC_MAGIC, 0x05)
#define RMM_IOC_CALC_WMARKS	_IOWR(RMM_IOC_MAGIC, 0x06, struct rmm_ioc_wmarks)
#define RMM_IOC_WRITE_PATTERN	_IOW(RMM_IOC_MAGIC, 0x07, struct rmm_ioc_pattern)
#define RMM_IOC_CHECK_PATTERN	_IOWR(RMM_IOC_MAGIC, 0x08, struct rmm_ioc_pattern)
#define RMM_IOC_QUERY_PAGES	_IOWR(RMM_IOC_MAGIC, 0x09, struct rmm_ioc_query)

/* ---- slab (0x40 .. 0x4f), implemented in src/linux/ioctl_slab.c ---- */

#define RMM_IOC_SLAB_HWCACHE_ALIGN	(1U << 0)
#define RMM_IOC_SLAB_RECLAIM_ACCOUNT	(1U << 1)
#define RMM_IOC_SLAB_RED_ZONE		(1U << 2)
#define RMM_IOC_SLAB_POISON		(1U << 3)
#define RMM_IOC_SLAB_STORE_USER		(1U << 4)
#define RMM_IOC_SLAB_DEBUG		(1U << 5)

struct rmm_ioc_cache_create {
	char name[32];		/* in: NUL-terminated */
	__u32 size, align;	/* in */
	__u32 flags;		/* in: RMM_IOC_SLAB_* */
	__u32 pad;
	__u64 cache_handle;	/* out */
};

struct rmm_ioc_cache {		/* CACHE_DESTROY, CACHE_SHRINK */
	__u64 cache_handle;
};

struct rmm_ioc_cache_alloc {
	__u64 cache_handle;	/* in */
	__u32 count, pad;	/* in */
	__u64 first_obj_handle;	/* out: handles first .. first + count - 1 */
};

struct rmm_ioc_cache_free {
	__u64 cache_handle, obj_handle;
};

struct rmm_ioc_obj_write {
	__u64 cache_handle, obj_handle;
	__u32 offset, len;
	__u64 byte;
};

struct rmm_ioc_kmalloc {
	__u64 size;		/* in */
	__u64 obj_handle;	/* out */
};

struct rmm_ioc_kfree {
	__u64 obj_handle;
};

#define RMM_IOC_CACHE_CREATE	_IOWR(RMM_IOC_MAGIC, 0x40, struct rmm_ioc_cache_create)
#define RMM_IOC_CACHE_DESTROY	_IOW(RMM_IOC_MAGIC, 0x41, struct rmm_ioc_cache)
#define RMM_IOC_CACHE_ALLOC	_IOWR(RMM_IOC_MAGIC, 0x42, struct rmm_ioc_cache_alloc)
#define RMM_IOC_CACHE_FREE	_IOW(RMM_IOC_MAGIC, 0x43, struct rmm_ioc_cache_free)
#define RMM_IOC_OBJ_WRITE	_IOW(RMM_IOC_MAGIC, 0x44, struct rmm_ioc_obj_write)
#define RMM_IOC_CACHE_SHRINK	_IOW(RMM_IOC_MAGIC, 0x45, struct rmm_ioc_cache)
#define RMM_IOC_KMALLOC		_IOWR(RMM_IOC_MAGIC, 0x46, struct rmm_ioc_kmalloc)
#define RMM_IOC_KFREE		_IOW(RMM_IOC_MAGIC, 0x47, struct rmm_ioc_kfree)
/* check every cache and the objects this file holds (aligned, disjoint) */
#define RMM_IOC_SLAB_VALIDATE	_IO(RMM_IOC_MAGIC, 0x48)

#define RMM_IOC_SLAB_FIRST	0x40
#define RMM_IOC_SLAB_LAST	0x4f

/* ---- memory objects (0x50 .. 0x5f), src/linux/mmap.c ---- */

/*
 * RMM_IOC_MEMFD: a new memory object, returned as a new file descriptor
 * (like memfd_create()): a regular file of regionmm's own filesystem that
 * ftruncate() sizes, fstat() reports, fallocate(FALLOC_FL_PUNCH_HOLE |
 * FALLOC_FL_KEEP_SIZE) and ftruncate() down give back, and mmap(MAP_SHARED)
 * maps (zero-filled, demand-paged, Movable pages).  MAP_PRIVATE is refused
 * with -EINVAL: a PFN mapping cannot be copied on write by the kernel.
 *
 * RMM_MEMFD_PRIVATE makes anonymous memory (what rmm-run gives a
 * program's MAP_PRIVATE|MAP_ANONYMOUS and heap): each address space that
 * maps it has its own copy after fork() (regionmm copies on write), and
 * its pages go back when no mapping of that address space covers them.
 */
#define RMM_MEMFD_CLOEXEC	(1U << 0)	/* O_CLOEXEC on the new fd */
#define RMM_MEMFD_PRIVATE	(1U << 1)	/* anonymous memory, see above */
#define RMM_MEMFD_ALL		0x3U

struct rmm_ioc_memfd {
	__u32 flags;		/* in: RMM_MEMFD_* */
	__s32 nid;		/* in: regionmm node, -1: the faulting CPU's */
	__u64 size;		/* in: initial size in bytes (page multiple) */
	__s32 fd;		/* out: the new file descriptor */
	__u32 pad;		/* must be 0 */
};

/*
 * RMM_IOC_MADVISE: madvise() for the calling process's mappings of
 * regionmm memory objects in [start, start + len) (start page aligned,
 * len rounded up to pages): for RMM_MEMFD_PRIVATE objects MADV_DONTNEED,
 * MADV_FREE and MADV_REMOVE give the pages back (the next touch reads
 * zeros), as the kernel's madvise() does for anonymous memory, which
 * refuses PFN mappings; pages still shared with another address space
 * (after fork) stay with it.  For SHARED objects, as the kernel does for
 * shmem: MADV_REMOVE punches the object (needs a writable mapping, else
 * -EACCES), MADV_DONTNEED and MADV_FREE only drop this mapping's entries
 * (the data stays).  freed_pages: pages given back to regionmm.  Parts of
 * the range that are not regionmm mappings are left alone and counted in
 * other_bytes.
 */
struct rmm_ioc_madvise {
	__u64 start;		/* in */
	__u64 len;		/* in */
	__u32 advice;		/* in: MADV_DONTNEED, MADV_FREE, MADV_REMOVE */
	__u32 flags;		/* in: must be 0 */
	__u64 freed_pages;	/* out: pages given back */
	__u64 other_bytes;	/* out: bytes of the range not regionmm's */
};

#define RMM_IOC_MEMFD		_IOWR(RMM_IOC_MAGIC, 0x50, struct rmm_ioc_memfd)
#define RMM_IOC_MADVISE		_IOWR(RMM_IOC_MAGIC, 0x51, struct rmm_ioc_madvise)

#define RMM_IOC_MEM_FIRST	0x50
#define RMM_IOC_MEM_LAST	0x5f

/* ---- swap devices (0x60 .. 0x6f), src/linux/swap_dev.c ---- */

/*
 * RMM_IOC_SWAPON: swapon(2) for regionmm.  @path: a regular file or a
 * block device prepared with mkswap, held exclusively while on (the
 * kernel's swapon refuses it, as it refuses one of its own).  Without
 * RMM_IOC_SWAP_PREFER the device gets the next default priority (-2, -3
 * ..., the kernel's rule); with it, @prio (0..32767, SWAP_FLAG_PRIO_MASK).
 * Errors: -ENOENT (no such path), -EBUSY (mounted, the kernel's swap,
 * regionmm's already, claimed by someone else), -EINVAL (not a regular
 * file or block device, not prepared with mkswap, too small, a file with
 * holes or on a file system that cannot map its blocks), -EPERM (16
 * devices on); each with one kernel log line "regionmm: swapon PATH:
 * reason".  /proc/regionmm/swaps lists the devices that are on.
 */
#define RMM_IOC_SWAP_PREFER	(1U << 0)	/* @prio is given */
#define RMM_IOC_SWAP_PRIO_MAX	32767

struct rmm_ioc_swapon {
	__u64 path;		/* in: user pointer to a NUL-terminated path */
	__s32 prio;		/* in: with RMM_IOC_SWAP_PREFER */
	__u32 flags;		/* in: RMM_IOC_SWAP_PREFER or 0 */
	__u32 pad;		/* must be 0 */
	__u32 pad2;		/* must be 0 */
};

/*
 * RMM_IOC_SWAPOFF: swapoff(2) for regionmm: every page on the device is
 * read back first; -ENOMEM when they cannot all fit in memory (the device
 * stays on and nothing is lost), -EINVAL when @path is not a regionmm
 * swap device.
 */
struct rmm_ioc_swapoff {
	__u64 path;		/* in: user pointer to a NUL-terminated path */
	__u32 flags;		/* must be 0 */
	__u32 pad;		/* must be 0 */
};

#define RMM_IOC_SWAPON		_IOW(RMM_IOC_MAGIC, 0x60, struct rmm_ioc_swapon)
#define RMM_IOC_SWAPOFF		_IOW(RMM_IOC_MAGIC, 0x61, struct rmm_ioc_swapoff)

#define RMM_IOC_SWAP_FIRST	0x60
#define RMM_IOC_SWAP_LAST	0x6f

#endif /* _UAPI_LINUX_REGIONMM_H */
