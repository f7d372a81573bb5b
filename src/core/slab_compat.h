/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slab_compat.h - the slab allocator's view of the port and of the core:
 * every primitive slab.c uses that is not its own, in one place.
 *
 * Per-CPU section (slab_get_cpu/slab_put_cpu):
 *   kernel: get_cpu()/put_cpu() (preemption off).  Interrupts stay on; the
 *           per-CPU array's ->busy flag sends a re-entering interrupt down
 *           the locked slow path (like local_trylock() of SLUB's sheaves).
 *   user:   the slot lock of the user port (rmm_local_irq_save), because
 *           several threads may share a "CPU" slot there and user threads
 *           are preempted; this models preemption-off exactly.
 */
#ifndef _RMM_SLAB_COMPAT_H
#define _RMM_SLAB_COMPAT_H

#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"

#ifndef barrier
#define barrier()	__asm__ __volatile__("" : : : "memory")
#endif
#ifndef __printf
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#endif
#ifndef __KERNEL__
#include <stdarg.h>
static inline size_t slab_strscpy(char *d, const char *s, size_t n)
{
	size_t l = strnlen(s, n - 1);

	memcpy(d, s, l);
	d[l] = 0;
	return l;
}
#define strscpy(d, s, n)	slab_strscpy(d, s, n)
#endif

/* locks */
#define slab_lock_init(l)		rmm_spin_lock_init(l)
#define slab_lock_irqsave(l, f)		rmm_spin_lock_irqsave(l, f)
#define slab_unlock_irqrestore(l, f)	rmm_spin_unlock_irqrestore(l, f)
#define slab_assert_held(l)		rmm_assert_held(l)

/* the instance lock: never taken from interrupts, never held to sleep */
#define slab_mutex_init(l)		rmm_spin_lock_init(l)
#define slab_mutex_lock(l)		rmm_spin_lock(l)
#define slab_mutex_unlock(l)		rmm_spin_unlock(l)
#define slab_mutex_assert_held(l)	rmm_assert_held(l)

/* per-CPU section */
#ifdef __KERNEL__
#define slab_get_cpu()			rmm_get_cpu()
#define slab_put_cpu()			rmm_put_cpu()
#else
/*
 * rmm_slab_user_slot_owned: set by single-threaded benchmarks (each slot
 * used by one thread only), where no other thread can "preempt" a slot's
 * fast path; the slot lock is then skipped so that the native numbers
 * show the kernel's get_cpu() fast path, not pthread spinlocks.
 */
extern bool rmm_slab_user_slot_owned;

static inline int slab_get_cpu(void)
{
	unsigned long f __maybe_unused;

	if (!rmm_slab_user_slot_owned)
		rmm_local_irq_save(f);
	return rmm_smp_processor_id();
}

static inline void slab_put_cpu(void)
{
	unsigned long f = 0;

	if (!rmm_slab_user_slot_owned)
		rmm_local_irq_restore(f);
}
#endif
#define slab_nr_cpu_ids()		((unsigned int)rmm_port_nr_cpu_ids)
#define slab_on_each_cpu(fn, arg)	rmm_on_each_cpu(fn, arg)

#define slab_pr_err(fmt, ...)		rmm_pr_err(fmt, ##__VA_ARGS__)
#define slab_meta_zalloc(sz)		rmm_kvzalloc(sz)
#define slab_meta_free(p)		rmm_kvfree(p)
#define RMM_SLAB_CACHELINE		64U

/*
 * Page descriptors.  Slabs of order > 0 and large kmalloc blocks are
 * compound (__GFP_COMP): the core keeps PG_rmm_tail and private = offset to
 * the head in tail pages.  Blocks of order <= 10 never straddle a 1024-page
 * section, so the head is page - private without a pfn round trip.
 * Owner words of the head page while allocated:
 *   slab:          PG_rmm_slab, private = header offset in the slab,
 *                  next/prev = the owning struct rmm_cache * (low/high
 *                  32 bits), so kfree finds the cache without touching
 *                  the slab header's cache line;
 *                  off-slab header: private = RMM_SLAB_OFFSLAB,
 *                  next/prev = the struct rmm_slab *
 *   large kmalloc: PG_rmm_owner_priv, private = RMM_KMALLOC_LARGE | order
 */
#define RMM_KMALLOC_LARGE	0x4b4d0000U	/* "KM" */

#define slab_virt_to_page(mm, p)	rmm_mm_virt_to_page(mm, p)
#define slab_page_address(mm, pg)	rmm_mm_page_address(mm, pg)

static inline struct rmm_page *slab_page_head(struct rmm_page *page)
{
	return RmmPageTail(page) ? page - page->private : page;
}

struct rmm_cache;
#define RMM_SLAB_OFFSLAB	0x80000000U

static inline void slab_page_set_ptr(struct rmm_page *page, const void *p)
{
	u64 v = (u64)(uintptr_t)p;

	page->next = (u32)v;
	page->prev = (u32)(v >> 32);
}

static inline void *slab_page_ptr(const struct rmm_page *page)
{
	return (void *)(uintptr_t)((u64)page->prev << 32 | page->next);
}

/* @ptr: the cache (on-slab header at @hdr_off) or the off-slab header */
static inline void slab_pages_mark(struct rmm_page *page, u32 hdr_off,
				   const void *ptr)
{
	page->private = hdr_off;
	slab_page_set_ptr(page, ptr);
	RmmSetPageSlab(page);
}

static inline void slab_pages_unmark(struct rmm_page *page)
{
	RmmClearPageSlab(page);
	page->private = 0;
	page->next = 0;
	page->prev = 0;
}

static inline void slab_large_mark(struct rmm_page *page, unsigned int order)
{
	rmm_page_set(page, PG_rmm_owner_priv);
	page->private = RMM_KMALLOC_LARGE | order;
}

static inline void slab_large_unmark(struct rmm_page *page,
				     unsigned int order)
{
	rmm_page_clear(page, PG_rmm_owner_priv);
	page->private = 0;
}

/* is @p the start of a live large kmalloc block whose first page is @page */
static inline bool slab_large_check(struct rmm_mm *mm, struct rmm_page *page,
				    const void *p, unsigned int *order)
{
	if (RmmPageTail(page) || !rmm_page_test(page, PG_rmm_owner_priv) ||
	    (page->private & 0xffff0000U) != RMM_KMALLOC_LARGE ||
	    slab_page_address(mm, page) != p)
		return false;
	*order = page->private & 0xff;
	return true;
}

#endif /* _RMM_SLAB_COMPAT_H */
