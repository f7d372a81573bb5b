/* SPDX-License-Identifier: GPL-2.0 */
/*
 * regionmm.h - public in-kernel API of regionmm (EXPORT_SYMBOL_GPL).
 *
 * Pages are described by struct rmm_page (16 bytes, regionmm's own page
 * frame descriptor, opaque here, RMM_PAGE_DESC_BYTES), not by the host's
 * struct page.
 * All calls below act on the module's global instance rmm_mm_global and
 * fail (NULL) while it is not set up.  The gfp flags follow the kernel's
 * (RMM_GFP_KERNEL, RMM_GFP_ATOMIC, zone bits, __GFP_ZERO/COMP/NOWARN/
 * THISNODE ...); the core variants taking an explicit instance
 * (rmm_mm_alloc_pages() ...) are in src/core/page_alloc.h.
 *
 * Context, as for the kernel's alloc_pages():
 *   - a gfp with RMM___GFP_DIRECT_RECLAIM (RMM_GFP_KERNEL, _NOFS, _NOIO,
 *     _USER ...) may sleep: when the free lists cannot serve the request
 *     the allocation drains every CPU's per-CPU lists with an IPI and
 *     waits for the other CPUs, and with __GFP_NOFAIL (below) it waits
 *     for memory to be freed.  Process context only, no spinlock held,
 *     interrupts and preemption enabled.
 *   - a gfp without it (RMM_GFP_ATOMIC, RMM_GFP_NOWAIT) never sleeps and
 *     may be used from any context but NMI: under spinlocks, with
 *     interrupts off, in softirq and hard interrupt handlers.  It only
 *     gives back this CPU's per-CPU pages before failing.  RMM_GFP_ATOMIC
 *     (__GFP_HIGH) may also dip below the min watermark (ALLOC_MIN_RESERVE);
 *     RMM_GFP_NOWAIT stops at it.
 *   - freeing (rmm_free_page(s), rmm_free_pages_addr) never sleeps and
 *     works in any context but NMI.
 * __GFP_NOFAIL, as in the kernel: the allocation may use the
 * ALLOC_MIN_RESERVE reserve; with __GFP_DIRECT_RECLAIM it does not fail
 * on a full region but retries, sleeping briefly between tries, until
 * memory is freed (a caller that never frees waits forever; orders above
 * 1 warn once, as the kernel's); without __GFP_DIRECT_RECLAIM it warns
 * once and may return NULL like any atomic allocation.
 * Failures are reported (rate-limited "page allocation failure" line)
 * unless __GFP_NOWARN.
 */
#ifndef _REGIONMM_REGIONMM_H
#define _REGIONMM_REGIONMM_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif
#include <regionmm/gfp.h>

struct rmm_page;
struct rmm_zone;
struct rmm_mm;

#define RMM_API_VERSION	1

/* bytes of regionmm's page descriptor (struct rmm_page, opaque here) */
#define RMM_PAGE_DESC_BYTES	16

/* the instance the glue set up (NULL before init / after teardown) */
extern struct rmm_mm *rmm_mm_global;

struct rmm_page *rmm_alloc_pages(int nid, unsigned int order, rmm_gfp_t gfp);
void rmm_free_pages(struct rmm_page *page, unsigned int order);
struct rmm_page *rmm_alloc_page(rmm_gfp_t gfp);
void rmm_free_page(struct rmm_page *page);
/* like __get_free_pages()/free_pages(): kernel virtual addresses */
void *rmm_get_free_pages(rmm_gfp_t gfp, unsigned int order);
void rmm_free_pages_addr(const void *addr, unsigned int order);

unsigned long rmm_page_to_pfn(const struct rmm_page *page);
struct rmm_page *rmm_pfn_to_page(unsigned long pfn);	/* NULL: not ours */
void *rmm_page_address(const struct rmm_page *page);
struct rmm_page *rmm_virt_to_page(const void *addr);	/* NULL: not ours */
u64 rmm_page_to_phys(const struct rmm_page *page);
struct rmm_zone *rmm_page_zone(const struct rmm_page *page);
int rmm_page_nid(const struct rmm_page *page);

/*
 * Migratable allocations (the kernel's movable_operations, mm/migrate.c).
 * A module that allocates pages with RMM___GFP_MOVABLE and can move their
 * contents (it holds no pointer to the page it cannot update) marks each
 * page with rmm_set_page_movable(); compaction may then move it:
 *   isolate_page: the page is about to be moved; false refuses (busy).
 *       Called in process context, no regionmm lock held; may not sleep.
 *   migrate_page: copy @src to @dst (same order 0 page, allocated and
 *       already marked movable with the same ops and private value) and
 *       make every user of @src use @dst; 0, or a negative errno
 *       (-EAGAIN: try again later; @dst must then not be in use).  On 0
 *       regionmm frees @src.  May sleep unless @mode is RMM_MIGRATE_ASYNC.
 *   putback_page: the move did not happen; the page stays the owner's.
 * Freeing a marked page: call rmm_clear_page_movable() first; false
 * means a migration holds the page isolated right now and frees it
 * itself when done (the caller must not free it, and the page's
 * contents are no longer the caller's).  Every call acts on
 * rmm_mm_global (an instance without the LRU state refuses: -EOPNOTSUPP).
 */
enum rmm_migrate_mode {
	RMM_MIGRATE_ASYNC,	/* never block */
	RMM_MIGRATE_SYNC_LIGHT,	/* block on most things, not on writeback */
	RMM_MIGRATE_SYNC,	/* block */
};

struct rmm_movable_operations {
	bool (*isolate_page)(struct rmm_mm *mm, struct rmm_page *page);
	int (*migrate_page)(struct rmm_mm *mm, struct rmm_page *dst,
			    struct rmm_page *src, enum rmm_migrate_mode mode);
	void (*putback_page)(struct rmm_mm *mm, struct rmm_page *page);
};

int rmm_set_page_movable(struct rmm_page *page,
			 const struct rmm_movable_operations *ops,
			 unsigned long private);
bool rmm_clear_page_movable(struct rmm_page *page);
/* the private value rmm_set_page_movable() gave the page */
unsigned long rmm_page_movable_private(const struct rmm_page *page);

#include <regionmm/slab.h>

#endif /* _REGIONMM_REGIONMM_H */
