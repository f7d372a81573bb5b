/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmzone.h - regionmm's memory model: page descriptors, sparse sections,
 * pageblocks, zones, nodes and the instance (struct rmm_mm, with its
 * layout, tunables and struct rmm_mm_ops).  It mirrors
 * include/linux/mmzone.h and the classic SPARSEMEM memory model, sized for
 * a region handed over by a backend; the gfp flags are in
 * include/regionmm/gfp.h, the conversions in memory_model.h.
 *
 * Memory model
 * ------------
 *   pfn space of an instance: [mm->base_pfn, mm->base_pfn + mm->nr_sections
 *   * RMM_PAGES_PER_SECTION), base_pfn aligned to a section (4 MiB).
 *   idx(pfn) = pfn - mm->base_pfn           ("page index", fits in u32)
 *   section(idx) = idx >> RMM_SECTION_ORDER
 *   A section is present iff mm->sections[s].memmap != NULL; its memmap holds
 *   the descriptors of all 1024 pfns of the section (pfns that are not in
 *   any range are marked PG_hole and are never handed out).
 *   page(idx) = mm->sections[idx >> 10].memmap + (idx & 1023)      O(1)
 *   idx(page) = section(page->flags) << 10 | (page - that memmap)    O(1)
 *   The memmaps are carved from the region itself (node-local, from the top
 *   of the node's largest range) and the pages holding them are PG_reserved:
 *   zone->present_pages - zone->managed_pages == reserved pages of the zone.
 *
 * Descriptor (16 bytes, see struct rmm_page)
 *   flags   [31:14] section number, [13:0] PG_* bits
 *   private owner's word; core: buddy order while PG_buddy
 *   next    list link (page index, RMM_NIL terminates)
 *   prev    list link
 *
 * Zone invariants (checked by rmm_validate_mm())
 *   zone->vm_stat[NR_FREE_PAGES] == sum over o of free_area[o].nr_free << o
 *   zone->nr_free_highatomic == sum over o of
 *                  free_area[o].nr_free_mt[MIGRATE_HIGHATOMIC] << o
 *   free_area[o].nr_free == sum over mt of free_area[o].nr_free_mt[mt]
 *   nr_free_mt[o][mt] == number of PG_buddy blocks of order o in pageblocks
 *                        of migratetype mt (lists below)
 *   pb->nr_free == pages of buddy blocks inside pageblock pb
 *   pb->nr_free == pageblock_nr_pages  <=>  pb is covered by one free block
 *                  of order >= pageblock_order on free_area[o].free_list[mt]
 *   0 < pb->nr_free < pageblock_nr_pages <=> pb is on
 *                  zone->partial[pb->mt] list key(pb) and its free blocks are
 *                  on pb->free[o] (o < pageblock_order)
 *                  (the key may lag while pb->dirty, inside one batch of
 *                  frees under zone->lock; it is exact whenever the lock
 *                  is dropped)
 *   every block on a list is PG_buddy with private == its order and its
 *   buddy (pfn ^ 1 << order) is not a free block of the same order that it
 *   could merge with (eager merging)
 *   pcp->count == sum over lists of pages (order-weighted) on pcp lists
 *   a page is on at most one list: PG_buddy xor PG_pcp xor allocated.
 *
 * Locking
 *   zone->lock protects free_area, partial lists, pageblock data, nr_free
 *   counters, nr_reserved_highatomic and nr_free_highatomic.
 *   Per-CPU pagesets are touched only
 *   by their CPU with interrupts disabled (rmm_local_irq_save), or via
 *   rmm_on_each_cpu (IPI) / rmm_remote_call (async IPI) for drains, which
 *   run on the owning CPU with its interrupts disabled.
 *   Lock order: irq-off -> zone->lock (the module's whole tree is in
 *   Documentation/core.rst, "Lock order").
 *   Watermarks/lowmem_reserve/pcp high+batch are rewritten under
 *   mm->tunables_lock and each zone->lock; readers use READ_ONCE.
 */
#ifndef _RMM_MMZONE_H
#define _RMM_MMZONE_H

#include "rmm_port.h"
#include <regionmm/gfp.h>

#define RMM_KVER(a, b)		(((a) << 16) | (b))

/* ------------------------------------------------------------------ */
/* Geometry                                                           */
/* ------------------------------------------------------------------ */
#define RMM_PAGE_SHIFT		12
#define RMM_PAGE_SIZE		(1UL << RMM_PAGE_SHIFT)
#define RMM_NR_ORDERS		11	/* NR_PAGE_ORDERS (6.12), MAX_ORDER (6.1) */
#define RMM_MAX_ORDER		(RMM_NR_ORDERS - 1)	/* MAX_PAGE_ORDER */
#define RMM_PAGEBLOCK_ORDER	9
#define RMM_PAGEBLOCK_NR_PAGES	(1UL << RMM_PAGEBLOCK_ORDER)
#define RMM_COSTLY_ORDER	3	/* PAGE_ALLOC_COSTLY_ORDER */
#define RMM_SECTION_ORDER	10	/* 4 MiB sections: a hole costs nothing */
#define RMM_PAGES_PER_SECTION	(1UL << RMM_SECTION_ORDER)
#define RMM_PB_PER_SECTION	(1 << (RMM_SECTION_ORDER - RMM_PAGEBLOCK_ORDER))
#define RMM_SECTION_BITS	18	/* => an instance spans at most 1 TiB */
#define RMM_MAX_SECTIONS	(1UL << RMM_SECTION_BITS)
#define RMM_NIL			0xffffffffU

#define RMM_MAX_NUMNODES	8
#define RMM_MAX_NR_ZONES	5	/* DMA, DMA32, Normal, Movable, Device */
#define RMM_MAX_ZONELIST	(RMM_MAX_NUMNODES * RMM_MAX_NR_ZONES)
#define RMM_LAYOUT_MAX_CPUS	512

/* ------------------------------------------------------------------ */
/* Page descriptor                                                    */
/* ------------------------------------------------------------------ */
enum rmm_pageflags {
	/* core-owned */
	PG_rmm_buddy,		/* free, in the buddy; private = order */
	PG_rmm_pcp,		/* free, on a per-CPU list */
	PG_rmm_reserved,	/* present but never allocatable (memmap) */
	PG_rmm_hole,		/* not present: pfn_to_page() returns NULL */
	PG_rmm_head,		/* compound head (__GFP_COMP) */
	PG_rmm_tail,		/* compound tail: private = pages to head */
	/* owner-owned while allocated (cleared by the core on free) */
	PG_rmm_slab,
	PG_rmm_lru,
	PG_rmm_active,
	PG_rmm_referenced,
	PG_rmm_dirty,
	PG_rmm_locked,
	PG_rmm_swapbacked,
	PG_rmm_owner_priv,	/* free for the owner's use */
	RMM_NR_PAGEFLAGS
};

#define RMM_PG_SECTION_SHIFT	14
#define RMM_PG_FLAGS_MASK	((1U << RMM_PG_SECTION_SHIFT) - 1)
/* bits that must be clear on a page handed back to the allocator */
#define RMM_PG_CHECK_AT_FREE	(BIT(PG_rmm_buddy) | BIT(PG_rmm_pcp) | \
				 BIT(PG_rmm_reserved) | BIT(PG_rmm_hole) | \
				 BIT(PG_rmm_tail) | BIT(PG_rmm_lru))

/*
 * struct rmm_page - regionmm's page frame descriptor, 16 bytes.
 *
 * While a page is allocated, next/prev and private belong to the owner
 * (slab partial lists, later LRU lists and mapping/swap state), as do the
 * owner PG_* bits.  Exceptions for compound pages (__GFP_COMP): tail pages
 * carry PG_rmm_tail and private = offset to the head; the first tail page's
 * `next` holds the compound order.  The core never reads a page's memory.
 */
struct rmm_page {
	u32 flags;
	u32 private;
	u32 next;
	u32 prev;
};

_Static_assert(sizeof(struct rmm_page) == 16, "rmm_page must be 16 bytes");
/* include/regionmm/regionmm.h publishes the size as RMM_PAGE_DESC_BYTES */
_Static_assert(RMM_SECTION_BITS + RMM_PG_SECTION_SHIFT <= 32, "flags");
_Static_assert(RMM_NR_PAGEFLAGS <= RMM_PG_SECTION_SHIFT, "pageflags");

static inline bool rmm_page_test(const struct rmm_page *p, int bit)
{
	return p->flags & (1U << bit);
}

static inline void rmm_page_set(struct rmm_page *p, int bit)
{
	p->flags |= 1U << bit;
}

static inline void rmm_page_clear(struct rmm_page *p, int bit)
{
	p->flags &= ~(1U << bit);
}

#define RMM_PAGE_FLAG_FNS(name)						\
static inline bool RmmPage##name(const struct rmm_page *p)		\
{ return rmm_page_test(p, PG_rmm_##name); }				\
static inline void RmmSetPage##name(struct rmm_page *p)		\
{ rmm_page_set(p, PG_rmm_##name); }					\
static inline void RmmClearPage##name(struct rmm_page *p)		\
{ rmm_page_clear(p, PG_rmm_##name); }
#define PG_rmm_Buddy PG_rmm_buddy
#define PG_rmm_Pcp PG_rmm_pcp
#define PG_rmm_Reserved PG_rmm_reserved
#define PG_rmm_Hole PG_rmm_hole
#define PG_rmm_Head PG_rmm_head
#define PG_rmm_Tail PG_rmm_tail
#define PG_rmm_Slab PG_rmm_slab
#define PG_rmm_Lru PG_rmm_lru
#define PG_rmm_Active PG_rmm_active
#define PG_rmm_Referenced PG_rmm_referenced
#define PG_rmm_Dirty PG_rmm_dirty
#define PG_rmm_Locked PG_rmm_locked
#define PG_rmm_Swapbacked PG_rmm_swapbacked
RMM_PAGE_FLAG_FNS(Buddy)
RMM_PAGE_FLAG_FNS(Pcp)
RMM_PAGE_FLAG_FNS(Reserved)
RMM_PAGE_FLAG_FNS(Hole)
RMM_PAGE_FLAG_FNS(Head)
RMM_PAGE_FLAG_FNS(Tail)
RMM_PAGE_FLAG_FNS(Slab)
RMM_PAGE_FLAG_FNS(Lru)
RMM_PAGE_FLAG_FNS(Active)
RMM_PAGE_FLAG_FNS(Referenced)
RMM_PAGE_FLAG_FNS(Dirty)
RMM_PAGE_FLAG_FNS(Locked)
RMM_PAGE_FLAG_FNS(Swapbacked)

static inline u32 rmm_page_section(const struct rmm_page *p)
{
	return p->flags >> RMM_PG_SECTION_SHIFT;
}

/*
 * A list of pages linked through next/prev (page indices).  The head holds
 * real pointers so that the common operations need no index decoding for
 * the ends; `nr` counts entries.  Invariant: first == NULL <=> nr == 0.
 */
struct rmm_plist {
	struct rmm_page *first;
	struct rmm_page *last;
	unsigned long nr;
};

/* ------------------------------------------------------------------ */
/* Migratetypes, pageblocks                                           */
/* ------------------------------------------------------------------ */
enum rmm_migratetype {
	RMM_MIGRATE_UNMOVABLE,
	RMM_MIGRATE_MOVABLE,
	RMM_MIGRATE_RECLAIMABLE,
	RMM_MIGRATE_PCPTYPES,			/* number of types on pcp lists */
	RMM_MIGRATE_HIGHATOMIC = RMM_MIGRATE_PCPTYPES,
	RMM_MIGRATE_CMA,	/* exists always; printed only if layout->config_cma */
	RMM_MIGRATE_ISOLATE,	/* can't allocate from here */
	RMM_MIGRATE_TYPES
};

/* names as in the kernel's migratetype_names[] */
extern const char * const rmm_migratetype_names[RMM_MIGRATE_TYPES];

/*
 * Anti-fragmentation index of partially free pageblocks: key =
 * fullness bucket (fewest free pages first) x largest free order inside.
 */
#define RMM_PB_BUCKETS		7
#define RMM_PB_ORDERS		RMM_PAGEBLOCK_ORDER	/* orders 0..8 inside */
#define RMM_PB_KEYS		(RMM_PB_BUCKETS * RMM_PB_ORDERS)	/* 63 */

/*
 * struct rmm_pageblock - per-pageblock state (mm/pageblock-flags.h bits plus
 * the anti-fragmentation index).  Kept in a per-section array allocated
 * with the section table, not in the region.
 *   free[o]   first free block of order o inside this pageblock (page idx)
 *   nr_free   pages of free buddy blocks inside the block
 *   mask      bit o set <=> free[o] non-empty
 *   key       position on zone->partial[mt] (RMM_PB_NOKEY if not listed)
 */
#define RMM_PB_NOKEY		0xff
struct rmm_pageblock {
	u32 free[RMM_PB_ORDERS];
	u32 next, prev;		/* partial list links: pageblock numbers */
	u16 nr_free;
	u16 mask;
	u8 mt;
	u8 key;
	u8 skip;		/* PB_migrate_skip (compaction.h), a hint */
	u8 dirty;		/* index key pending (pageblock.h pb_batch) */
};

struct rmm_partial {
	u64 bitmap;		/* bit k set <=> head[k] != RMM_NIL */
	u32 head[RMM_PB_KEYS];
};

/* ------------------------------------------------------------------ */
/* Sections                                                           */
/* ------------------------------------------------------------------ */
struct rmm_zone;
struct rmm_mem_section {
	struct rmm_page *memmap;	/* NULL: section absent */
	struct rmm_zone *zone;		/* one zone per section */
	struct rmm_pageblock *pb;	/* RMM_PB_PER_SECTION entries */
	uintptr_t vbase;		/* vaddr of the section's first pfn */
	/* lru.c: per-page owner/reclaim state, NULL before rmm_lru_init() */
	struct rmm_page_ext *ext;
};

/* ------------------------------------------------------------------ */
/* Counters (names and order of the kernel's; the glue prints them)   */
/* ------------------------------------------------------------------ */
enum rmm_zone_stat_item {
	RMM_NR_FREE_PAGES,
	RMM_NR_ZONE_INACTIVE_ANON,
	RMM_NR_ZONE_ACTIVE_ANON,
	RMM_NR_ZONE_INACTIVE_FILE,
	RMM_NR_ZONE_ACTIVE_FILE,
	RMM_NR_ZONE_UNEVICTABLE,
	RMM_NR_ZONE_WRITE_PENDING,
	RMM_NR_MLOCK,
	RMM_NR_BOUNCE,
	RMM_NR_ZSPAGES,
	RMM_NR_FREE_CMA_PAGES,
	RMM_NR_VM_ZONE_STAT_ITEMS
};

enum rmm_node_stat_item {
	RMM_NR_INACTIVE_ANON,
	RMM_NR_ACTIVE_ANON,
	RMM_NR_INACTIVE_FILE,
	RMM_NR_ACTIVE_FILE,
	RMM_NR_UNEVICTABLE,
	RMM_NR_SLAB_RECLAIMABLE_B,
	RMM_NR_SLAB_UNRECLAIMABLE_B,
	RMM_NR_ISOLATED_ANON,
	RMM_NR_ISOLATED_FILE,
	RMM_WORKINGSET_NODES,
	RMM_WORKINGSET_REFAULT_ANON,
	RMM_WORKINGSET_REFAULT_FILE,
	RMM_WORKINGSET_ACTIVATE_ANON,
	RMM_WORKINGSET_ACTIVATE_FILE,
	RMM_WORKINGSET_RESTORE_ANON,
	RMM_WORKINGSET_RESTORE_FILE,
	RMM_WORKINGSET_NODERECLAIM,
	RMM_NR_ANON_MAPPED,
	RMM_NR_FILE_MAPPED,
	RMM_NR_FILE_PAGES,
	RMM_NR_FILE_DIRTY,
	RMM_NR_WRITEBACK,
	RMM_NR_SHMEM,
	RMM_NR_VMSCAN_WRITE,
	RMM_NR_VMSCAN_IMMEDIATE,
	RMM_NR_DIRTIED,
	RMM_NR_WRITTEN,
	RMM_NR_KERNEL_MISC_RECLAIMABLE,
	RMM_NR_SWAPCACHE,
	RMM_NR_VM_NODE_STAT_ITEMS
};

/* per-zone NUMA events (zone numa_event[] in 6.12) */
enum rmm_numa_stat_item {
	RMM_NUMA_HIT,
	RMM_NUMA_MISS,
	RMM_NUMA_FOREIGN,
	RMM_NUMA_INTERLEAVE_HIT,
	RMM_NUMA_LOCAL,
	RMM_NUMA_OTHER,
	RMM_NR_VM_NUMA_EVENT_ITEMS
};

/* global events (vm_event_item); PGALLOC is per zone index */
enum rmm_vm_event_item {
	RMM_PGALLOC,			/* + zone index, RMM_MAX_NR_ZONES slots */
	RMM_PGFREE = RMM_PGALLOC + RMM_MAX_NR_ZONES,
	RMM_PGALLOC_FAIL,		/* regionmm-only: failed allocations */
	/* direct reclaim entries, + zone index (highest_zoneidx), as PGALLOC */
	RMM_ALLOCSTALL,
	RMM_PGSCAN_KSWAPD = RMM_ALLOCSTALL + RMM_MAX_NR_ZONES,
	RMM_PGSCAN_DIRECT,
	RMM_PGSTEAL_KSWAPD,
	RMM_PGSTEAL_DIRECT,
	RMM_PGSCAN_ANON,
	RMM_PGSCAN_FILE,
	RMM_PGSTEAL_ANON,
	RMM_PGSTEAL_FILE,
	RMM_PGREFILL,
	RMM_PGACTIVATE,
	RMM_PGDEACTIVATE,
	RMM_PGROTATED,
	RMM_PSWPIN,
	RMM_PSWPOUT,
	RMM_SLABS_SCANNED,
	RMM_KSWAPD_LOW_WMARK_HIT_QUICKLY,
	RMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	RMM_OOM_KILL,
	RMM_PGMAJFAULT,			/* faults that read from swap */
	RMM_SWAP_RA,			/* pages read by swap readahead */
	RMM_SWAP_RA_HIT,		/* ... that a fault then found */
	RMM_PGMIGRATE_SUCCESS,		/* pages migrate.c moved */
	RMM_PGMIGRATE_FAIL,		/* ... and could not move */
	/* compaction, vm_event_item's order (compaction.c counts them) */
	RMM_COMPACTMIGRATE_SCANNED,
	RMM_COMPACTFREE_SCANNED,
	RMM_COMPACTISOLATED,
	RMM_COMPACTSTALL,
	RMM_COMPACTFAIL,
	RMM_COMPACTSUCCESS,
	RMM_KCOMPACTD_WAKE,
	RMM_KCOMPACTD_MIGRATE_SCANNED,
	RMM_KCOMPACTD_FREE_SCANNED,
	RMM_PAGEOUTRUN,
	RMM_DRAIN_ALL,			/* regionmm-only: drain_all_pages calls */
	RMM_PGSTEAL_FALLBACK,		/* regionmm-only: fallback steals */
	RMM_NR_VM_EVENT_ITEMS
};

/* gfp: include/regionmm/gfp.h (public: other modules pass these) */

/* ------------------------------------------------------------------ */
/* Watermarks, alloc flags                                            */
/* ------------------------------------------------------------------ */
enum rmm_zone_watermarks {
	RMM_WMARK_MIN,
	RMM_WMARK_LOW,
	RMM_WMARK_HIGH,
	RMM_WMARK_PROMO,
	RMM_NR_WMARK
};

/* mm/internal.h ALLOC_* (6.12 names and values) */
#define RMM_ALLOC_WMARK_MIN	RMM_WMARK_MIN
#define RMM_ALLOC_WMARK_LOW	RMM_WMARK_LOW
#define RMM_ALLOC_WMARK_HIGH	RMM_WMARK_HIGH
#define RMM_ALLOC_NO_WATERMARKS	0x04
#define RMM_ALLOC_WMARK_MASK	(RMM_ALLOC_NO_WATERMARKS - 1)
#define RMM_ALLOC_OOM		0x08
#define RMM_ALLOC_NON_BLOCK	0x10	/* 6.1: ALLOC_HARDER */
#define RMM_ALLOC_MIN_RESERVE	0x20	/* 6.1: ALLOC_HIGH */
#define RMM_ALLOC_CPUSET	0x40
#define RMM_ALLOC_CMA		0x80
#define RMM_ALLOC_NOFRAGMENT	0x100
#define RMM_ALLOC_HIGHATOMIC	0x200
#define RMM_ALLOC_KSWAPD	0x800
#define RMM_ALLOC_RESERVES	(RMM_ALLOC_NON_BLOCK | RMM_ALLOC_MIN_RESERVE | \
				 RMM_ALLOC_HIGHATOMIC | RMM_ALLOC_OOM)

/* ------------------------------------------------------------------ */
/* Per-CPU pagesets                                                   */
/* ------------------------------------------------------------------ */
/* lists: MIGRATE_PCPTYPES per order 0..COSTLY_ORDER, plus THP lists */
#define RMM_NR_LOWORDER_PCP_LISTS (RMM_MIGRATE_PCPTYPES * (RMM_COSTLY_ORDER + 1))
#define RMM_NR_PCP_THP		2	/* order-9: unmovable / movable (6.12) */
#define RMM_NR_PCP_LISTS	(RMM_NR_LOWORDER_PCP_LISTS + RMM_NR_PCP_THP)
#define RMM_PCP_BATCH_SCALE_MAX	5	/* CONFIG_PCP_BATCH_SCALE_MAX default */

/* pcp->flags */
#define RMM_PCPF_PREV_FREE_HIGH_ORDER	BIT(0)
#define RMM_PCPF_FREE_HIGH_BATCH	BIT(1)
/*
 * regionmm only: the instance follows 6.1's pcp dynamics (layout.kver is
 * 6.1).  Set on every pcp at init, never changed: a copy of the kver in
 * the cache line the alloc/free paths touch anyway, so choosing between
 * 6.1 and 6.12 costs one predictable branch and no extra load.
 */
#define RMM_PCPF_V61			BIT(7)

/*
 * struct rmm_per_cpu_pages - per_cpu_pages of one CPU for one zone, plus
 * that CPU's share of the zone's NUMA events and stat diffs.
 *   count == sum over lists l of pages on l (an order-o entry counts 1 << o)
 *   (the sparse list is separate: it is not counted in count)
 *   batch, high_min <= high <= high_max (6.12; on 6.1 high == high_max)
 */
struct rmm_per_cpu_pages {
	int count;
	int high;
	int high_min;
	int high_max;
	int batch;
	u8 flags;
	u8 alloc_factor;		/* 6.12 only */
	union {
		short free_count;	/* 6.12 */
		/*
		 * 6.1: batch scaling of frees, halved on each allocation as
		 * 6.12's free_count, so the allocation paths need no branch
		 */
		short free_factor;
	};
	struct rmm_plist lists[RMM_NR_PCP_LISTS];
	/*
	 * regionmm only: pages freed into partly free pageblocks wait here
	 * (never allocated from; private = order) and go to the buddy in
	 * batches: sparse_count == sum over sparse of 1 << order.
	 */
	struct rmm_plist sparse;
	int sparse_count;
	/*
	 * regionmm only: giving back the lists of a CPU that stopped using
	 * the zone (see drain_idle_pcp() in pcp.c).  Written under
	 * zone->lock by other CPUs, never by the owner: idle_stamp is the
	 * owner's alloc+free event count at the last look; drain_zone is set
	 * (and drain_call initialised) once, before the first remote call.
	 */
	unsigned long idle_stamp;
	struct rmm_zone *drain_zone;
	rmm_remote_call_t drain_call;
	unsigned long numa_events[RMM_NR_VM_NUMA_EVENT_ITEMS];
	unsigned long events[RMM_NR_VM_EVENT_ITEMS];	/* this CPU's events */
	s8 stat_threshold;	/* as printed in zoneinfo (vm stats threshold) */
} ____cacheline_aligned;

/* ------------------------------------------------------------------ */
/* Zone                                                               */
/* ------------------------------------------------------------------ */
struct rmm_free_area {
	/* blocks of order >= pageblock_order only; see rmm_pageblock */
	struct rmm_plist free_list[RMM_MIGRATE_TYPES];
	unsigned long nr_free;
	unsigned long nr_free_mt[RMM_MIGRATE_TYPES];
};

struct rmm_node;
struct rmm_mm;

struct rmm_zone {
	/* read-mostly */
	unsigned long _watermark[RMM_NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;	/* pages in highatomic blocks */
	unsigned long nr_free_highatomic;	/* of those, free in the buddy */
	long lowmem_reserve[RMM_MAX_NR_ZONES];	/* "protection" */
	struct rmm_node *zone_pgdat;
	struct rmm_mm *mm;
	struct rmm_per_cpu_pages *pcp;		/* [nr_cpu_ids] */
	const char *name;
	int idx;				/* zone index in node_zones[] */
	int nid;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long cma_pages;
	rmm_atomic_long_t managed_pages;
	int pageset_high_min, pageset_high_max, pageset_batch;
	/* zone->flags of the kernel, one byte each so they need no atomics */
	u8 flag_boosted_watermark;	/* ZONE_BOOSTED_WATERMARK */
	u8 flag_below_high;		/* ZONE_BELOW_HIGH */
	u8 flag_reclaim_active;		/* ZONE_RECLAIM_ACTIVE (phase 2) */
	/*
	 * Compaction state (compaction.c; struct zone's CONFIG_COMPACTION
	 * fields, same names and types).  Hints, read and written without
	 * a lock as in the kernel; all 0 after
	 * rmm_mm_init(), as in a new kernel zone: a scanner position
	 * outside the zone means "start from the zone's end".
	 *   compact_considered/compact_defer_shift/compact_order_failed:
	 *     deferral (defer_compaction(), compaction_deferred());
	 *     compact_defer_shift <= COMPACT_MAX_DEFER_SHIFT (6),
	 *     compact_considered <= 1 << compact_defer_shift
	 *   compact_cached_*: where the free scanner (from the end) and the
	 *     migrate scanners ([0] async, [1] sync) resume
	 *   compact_init_*: the positions __reset_isolation_suitable() chose
	 *   compact_blockskip_flush: a full pass finished; the skip bits
	 *     (rmm_pageblock.skip) are cleared at the next reset
	 */
	unsigned int compact_considered;
	unsigned int compact_defer_shift;
	int compact_order_failed;
	bool compact_blockskip_flush;
	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn[2];
	unsigned long compact_init_migrate_pfn;
	unsigned long compact_init_free_pfn;

	/* write-intensive, under lock */
	rmm_spinlock_t lock ____cacheline_aligned;
	struct rmm_free_area free_area[RMM_NR_ORDERS];
	struct rmm_partial partial[RMM_MIGRATE_TYPES];
	unsigned long nr_pageblocks_mt[RMM_MIGRATE_TYPES];	/* pagetypeinfo */
	bool contiguous;
	/*
	 * bumped by every change to the free lists or a pageblock's type:
	 * validate.c checks zone-wide sums only over a walk that saw none
	 */
	unsigned long free_seq;
	/* idle pcp detection: refills of pcp lists, next CPU to look at */
	unsigned int pcp_refills;
	int pcp_idle_cursor;

	rmm_atomic_long_t vm_stat[RMM_NR_VM_ZONE_STAT_ITEMS] ____cacheline_aligned;
};

static inline unsigned long rmm_zone_managed_pages(const struct rmm_zone *z)
{
	return (unsigned long)rmm_atomic_long_read(&z->managed_pages);
}

static inline bool rmm_populated_zone(const struct rmm_zone *z)
{
	return z->present_pages != 0;
}

static inline bool rmm_managed_zone(const struct rmm_zone *z)
{
	return rmm_zone_managed_pages(z) != 0;
}

static inline unsigned long rmm_zone_end_pfn(const struct rmm_zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline unsigned long rmm_wmark_pages(const struct rmm_zone *z, int i)
{
	return READ_ONCE(z->_watermark[i]) + READ_ONCE(z->watermark_boost);
}
#define rmm_min_wmark_pages(z)	rmm_wmark_pages(z, RMM_WMARK_MIN)
#define rmm_low_wmark_pages(z)	rmm_wmark_pages(z, RMM_WMARK_LOW)
#define rmm_high_wmark_pages(z)	rmm_wmark_pages(z, RMM_WMARK_HIGH)
#define rmm_promo_wmark_pages(z) rmm_wmark_pages(z, RMM_WMARK_PROMO)

static inline long rmm_zone_page_state(const struct rmm_zone *z,
				       enum rmm_zone_stat_item i)
{
	long x = rmm_atomic_long_read(&z->vm_stat[i]);

	return x < 0 ? 0 : x;
}

/* ------------------------------------------------------------------ */
/* Node                                                               */
/* ------------------------------------------------------------------ */
struct rmm_zoneref {
	struct rmm_zone *zone;
	int zone_idx;
};

/* node_zonelists[]: ZONELIST_FALLBACK (all nodes), ZONELIST_NOFALLBACK */
enum { RMM_ZONELIST_FALLBACK, RMM_ZONELIST_NOFALLBACK, RMM_MAX_ZONELISTS };

struct rmm_zonelist {
	/* NULL-terminated, nearest node first, higher zone before lower */
	struct rmm_zoneref _zonerefs[RMM_MAX_ZONELIST + 1];
};

struct rmm_node {
	struct rmm_zone node_zones[RMM_MAX_NR_ZONES];
	struct rmm_zonelist node_zonelists[RMM_MAX_ZONELISTS];
	int nr_zones;			/* highest populated zone index + 1 */
	int node_id;
	int real_nid;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	unsigned long totalreserve_pages;
	unsigned long movable_start_pfn;	/* ~0UL: no Movable zone */
	/*
	 * kswapd (vmscan.c; the glue's thread runs rmm_kswapd_run()):
	 * kswapd_order/kswapd_highest_zoneidx are raised by wakeups
	 * (wakeup_kswapd()) and consumed by the worker, under
	 * reclaim->wait_lock; kswapd_failures counts balance_pgdat() runs
	 * without progress (MAX_RECLAIM_RETRIES = 16: node_unreclaimable),
	 * reset to 0 when any reclaim of the node makes progress (kswapd or
	 * direct, as shrink_node() does).
	 */
	int kswapd_order;
	int kswapd_highest_zoneidx;		/* RMM_MAX_NR_ZONES: none */
	int kswapd_failures;
	rmm_atomic_long_t vm_stat[RMM_NR_VM_NODE_STAT_ITEMS];
};

/* ------------------------------------------------------------------ */
/* Instance                                                           */
/* ------------------------------------------------------------------ */
struct rmm_range {	/* one physically contiguous chunk from a backend */
	u64 start_pfn;
	u64 nr_pages;
	int nid;		/* regionmm node id, 0..nr_nodes-1 (dense) */
	void *vaddr;		/* kernel virtual address of start_pfn */
};

struct rmm_layout {	/* from the RUNNING kernel (glue) or by hand (tests) */
	int nr_nodes;
	int node_distance[RMM_MAX_NUMNODES][RMM_MAX_NUMNODES];
	int real_nid[RMM_MAX_NUMNODES];
	int nr_zones;				/* MAX_NR_ZONES of the kernel */
	const char *zone_name[RMM_MAX_NR_ZONES];
	int zone_dma, zone_dma32, zone_normal, zone_movable, zone_device;
	u64 movable_pages;			/* movablecore= (0: none) */
	int nr_cpu_ids;
	/* regionmm node nearest each CPU (CPUs beyond: node 0) */
	int cpu_to_node[RMM_LAYOUT_MAX_CPUS];
	/*
	 * CPUs not online (0 = online, the default): pcp high and the stat
	 * thresholds are sized over online CPUs, as the kernel's; the core's
	 * copy in mm->layout follows rmm_mm_cpu_online()/rmm_mm_cpu_dead()
	 */
	u8 cpu_offline[RMM_LAYOUT_MAX_CPUS];
	/*
	 * 6.12: each CPU's share of its last-level cache in bytes
	 * (cacheinfo's per_cpu_data_slice_size, taken at load; 0 = unknown):
	 * above 3 * batch pages, the CPU's pagesets get PCPF_FREE_HIGH_BATCH
	 */
	unsigned int cpu_data_slice_size[RMM_LAYOUT_MAX_CPUS];
	/*
	 * regionmm only, per instance (pcp.h): an order <= 3 page freed into
	 * a pageblock with at least this many free pages goes to the CPU's
	 * sparse list; 0..pageblock_nr_pages + 1 (that one: off); default
	 * pageblock_nr_pages / 4 (rmm_layout_default()).  The core reads its
	 * copy in mm->layout; tests may change that copy while nothing runs.
	 */
	unsigned int pcp_sparse_threshold;
	unsigned int kver;			/* RMM_KVER(6,1) / RMM_KVER(6,12) */
	bool config_cma;			/* running kernel has CONFIG_CMA */
	bool config_numa;			/* running kernel has CONFIG_NUMA */
	/*
	 * automatic min_free_kbytes gets khugepaged's raise for THP
	 * (set_recommended_min_free_kbytes()), as on a kernel with THP
	 */
	bool thp_min_free_kbytes;
	/*
	 * false: regionmm behaves as a kernel built without CONFIG_COMPACTION
	 * (no direct compaction, no kcompactd, compact_memory refused); the
	 * core reads its copy in mm->layout, see rmm_compaction_enabled()
	 */
	bool compaction;
};

enum rmm_tunable {
	RMM_TUNE_MIN_FREE_KBYTES,	/* 1 value; -1 = automatic */
	RMM_TUNE_WATERMARK_SCALE_FACTOR,
	RMM_TUNE_WATERMARK_BOOST_FACTOR,
	RMM_TUNE_LOWMEM_RESERVE_RATIO,	/* nr_zones values */
	RMM_TUNE_PERCPU_PAGELIST_HIGH_FRACTION,
	RMM_TUNE_OOM_DUMP_TASKS,		/* any int, non-zero: on */
	RMM_TUNE_OOM_KILL_ALLOCATING_TASK,	/* any int, non-zero: on */
	RMM_TUNE_SWAPPINESS,			/* 0..200, default 60 */
	RMM_TUNE_PAGE_CLUSTER,			/* 0.., default 3 */
	RMM_TUNE_COMPACTION_PROACTIVENESS,	/* 0..100, default 20 */
	RMM_TUNE_EXTFRAG_THRESHOLD,		/* 0..1000, default 500 */
	RMM_TUNE_COMPACT_UNEVICTABLE_ALLOWED,	/* 0..1, default 1 */
	RMM_NR_TUNABLES
};

struct rmm_tunables {
	int min_free_kbytes;		/* effective value */
	int user_min_free_kbytes;	/* -1: never set (auto) */
	int watermark_scale_factor;	/* default 10, 1..3000 (6.1: 1..1000) */
	int watermark_boost_factor;	/* default 15000, >= 0 */
	int lowmem_reserve_ratio[RMM_MAX_NR_ZONES];	/* 256,256,32,0,0 */
	int percpu_pagelist_high_fraction;	/* 0 or >= 8 */
	int oom_dump_tasks;			/* default 1 (proc_dointvec) */
	int oom_kill_allocating_task;		/* default 0 (proc_dointvec) */
	int swappiness;				/* vm.swappiness: 60, 0..200 */
	int page_cluster;			/* vm.page-cluster: 3, 0..31 (6.1: >= 0) */
	/* compaction (compaction.c reads them; vm.* of mm/compaction.c) */
	int compaction_proactiveness;		/* 20, 0..100 */
	int extfrag_threshold;			/* 500, 0..1000 */
	int compact_unevictable_allowed;	/* 1 (not PREEMPT_RT), 0..1 */
};

/* what-if input/output of rmm_calc_wmarks() */
struct rmm_wmark_in {
	unsigned int kver;
	int nr_nodes;				/* 0 is taken as 1 */
	int nr_zones;				/* per node, kernel zone count */
	int zone_movable;			/* index or -1 */
	int zone_normal;			/* gfp_zone(GFP_USER) */
	bool thp_min_free_kbytes;		/* khugepaged's raise */
	unsigned long managed[RMM_MAX_NUMNODES][RMM_MAX_NR_ZONES];
	int min_free_kbytes;			/* < 0: automatic */
	int watermark_scale_factor;
	int lowmem_reserve_ratio[RMM_MAX_NR_ZONES];
};

struct rmm_wmark_out {
	int min_free_kbytes;			/* value used */
	unsigned long wmark[RMM_MAX_NUMNODES][RMM_MAX_NR_ZONES][RMM_NR_WMARK];
	long lowmem_reserve[RMM_MAX_NUMNODES][RMM_MAX_NR_ZONES][RMM_MAX_NR_ZONES];
	unsigned long totalreserve_pages;
};

/*
 * Services the core asks of its host: the glue (src/linux/module.c) in the
 * module, a test's own table (selftests/host/rmm_test.h) on the host.
 * mm->ops is set by the host after rmm_mm_init() (which zeroes the
 * instance) and before the instance is used; it is constant afterwards.
 * mm->ops may be NULL (host tests that need no service) and so may any
 * member: the core calls them only through the helpers of mm_ops.h, which
 * check, and works without them.
 */
struct rmm_mm_ops {
	/*
	 * Wake the reclaim worker of node @nid (kswapd): a zone of it fell
	 * below its low watermark or had its watermark boosted.  Called with
	 * no core lock held, possibly with interrupts off; must not sleep.
	 * vmscan.c's rmm_wakeup_kswapd() decides whether to call it (the
	 * kernel's wakeup_kswapd() rules); the glue's thread then runs
	 * rmm_kswapd_run() (src/linux/kswapd.c).  An instance without
	 * rmm_reclaim_init() drops a boost itself instead.
	 */
	void (*wake_kswapd)(struct rmm_mm *mm, int nid);
	/*
	 * Monotonic clock in nanoseconds (kernel: ktime_get_ns()), any
	 * context; for phase 2's PSI stall accounting and reclaim policy.
	 */
	u64 (*now_ns)(struct rmm_mm *mm);
	/*
	 * OOM (oom_kill.c policy, the host's tasks): __alloc_pages_may_oom()
	 * for an allocation of @order with @gfp that reclaim could not
	 * serve: describe the host's tasks (struct rmm_oom_task), choose with
	 * rmm_oom_select(), kill the victim, give back its memory, print the
	 * report and count RMM_OOM_KILL.  true: a victim was killed or one
	 * is still exiting (the allocator waits a jiffy and retries); false:
	 * nothing to kill (the allocation fails).  Process context, no core
	 * lock held; may sleep.  Without it the allocation fails.
	 */
	bool (*out_of_memory)(struct rmm_mm *mm, unsigned int order,
			      rmm_gfp_t gfp);
	/*
	 * Phase 2, reclaim (vmscan.c through memobj.c): remove every user
	 * page-table entry of pages [@pgoff, @pgoff + @nr) of the memory
	 * object whose host cookie is @obj_cookie (rmm_memobj_set_host()),
	 * in every address space (unmap_mapping_range()).  Called with the
	 * object's view lock(s) held; may sleep.  Without it nothing is ever
	 * mapped, so there is nothing to remove.
	 */
	void (*unmap_obj)(struct rmm_mm *mm, u64 obj_cookie, u64 pgoff,
			  u64 nr);
	/*
	 * Phase 2, swap (swapfile.c): read or write page @offset of swap
	 * device @dev_cookie (the cookie the host gave rmm_swapon()) from or
	 * to the kernel address @addr, synchronously.  0 or -errno (-EIO).
	 * Process or kthread context, no core spinlock held; may sleep.
	 */
	int (*swap_io)(struct rmm_mm *mm, u64 dev_cookie, u64 offset,
		       void *addr, bool write);
	/*
	 * Phase 2, reclaim's writeout (swapfile.c's rmm_swap_writepage_async()):
	 * start writing @addr to page @offset of swap device @dev_cookie and
	 * return 0 without waiting (swap_writepage() under WB_SYNC_NONE), or
	 * -errno when no write was started.  After a 0, the host calls
	 * rmm_swap_end_write(@mm, @page, err) once the write ended, from
	 * process context with no core lock held (never from inside this
	 * call), and keeps the device until it returned.  Writes started
	 * together may be merged (a block plug).  Same context as swap_io.
	 * Without it reclaim writes synchronously through swap_io.
	 */
	int (*swap_write_async)(struct rmm_mm *mm, u64 dev_cookie, u64 offset,
				void *addr, struct rmm_page *page);
	/*
	 * Phase 2, swap readahead (swapfile.c): read pages @offsets[i] of
	 * swap device @dev_cookie into @addrs[i], i < @nr, all submitted
	 * before waiting for any (the kernel's reads under one blk_plug);
	 * @errs[i]: 0 or -errno of each.  Same contexts as swap_io.
	 * Without it the core calls swap_io once per page.
	 */
	void (*swap_read_batch)(struct rmm_mm *mm, u64 dev_cookie,
				const u64 *offsets, void *const *addrs,
				int nr, int *errs);
};

/* per-subsystem state behind struct rmm_mm (each owned by its file) */
struct rmm_slab_root;		/* slab.c: caches, kmalloc, slab knobs */
struct rmm_lru_state;		/* lru.c: per-node LRU lists, page exts */
struct rmm_reclaim_state;	/* vmscan.c: kswapd state, shrinkers */
struct rmm_psi_group;		/* phase 2, psi.c: stall accounting */
struct rmm_swap_state;		/* swapfile.c: swap devices, slots, cache */

struct rmm_mm {
	struct rmm_node nodes[RMM_MAX_NUMNODES];
	int nr_nodes;
	int nr_zones;
	struct rmm_layout layout;
	struct rmm_tunables tunables;
	rmm_spinlock_t tunables_lock;	/* serialises recomputation */

	/* sparse memory model */
	unsigned long base_pfn;		/* section aligned */
	unsigned long end_pfn;		/* exclusive */
	unsigned long nr_sections;
	struct rmm_mem_section *sections;
	struct rmm_pageblock *pageblocks;	/* all present sections' */
	uintptr_t virt_bias;		/* vaddr = pfn * 4096 + bias, if linear */
	bool virt_linear;
	struct rmm_range *ranges;	/* copy, sorted by vaddr */
	int nr_ranges;

	unsigned long totalreserve_pages;
	unsigned long memmap_pages;	/* pages of descriptors carved */
	struct rmm_wmark_in *wm_in;	/* scratch for recomputation, */
	struct rmm_wmark_out *wm_out;	/* under tunables_lock */
	bool initialized;

	/* services of the host; see struct rmm_mm_ops */
	const struct rmm_mm_ops *ops;
	/*
	 * One slot per subsystem.  Each is NULL until its init
	 * (rmm_slab_init() ...) after rmm_mm_init(), set before the instance
	 * is published to users and cleared by its fini after the last
	 * user; readers use it without a lock.
	 */
	struct rmm_slab_root *slab;	/* slab.c */
	struct rmm_lru_state *lru;	/* lru.c */
	struct rmm_reclaim_state *reclaim;	/* vmscan.c */
	struct rmm_psi_group *psi;	/* phase 2: psi.c */
	struct rmm_swap_state *swap;	/* swapfile.c */
	/*
	 * memobj.c: bytes of rmm_kvzalloc() metadata of every memory object
	 * (objects, views, index nodes), for meminfo's Metadata:
	 */
	rmm_atomic_long_t memobj_meta_bytes;
	/*
	 * memobj.c: every memory object of the instance (swapoff's
	 * rmm_memobj_unuse_swap() walks them), linked through the objects,
	 * under memobj_list_lock (above obj->lock; below swap->mutex)
	 */
	rmm_mutex_t memobj_list_lock;
	struct rmm_memobj *memobj_list;
};

#endif /* _RMM_MMZONE_H */
