/* SPDX-License-Identifier: GPL-2.0 */
/*
 * regionmm slab caches: public in-kernel API (EXPORT_SYMBOL_GPL).
 *
 * Object caches and kmalloc-style size classes whose memory comes from
 * regionmm's own buddy allocator.  The rmm_* calls act on the module's
 * global instance (rmm_mm_global); the rmm_mm_* variants take an instance
 * (host tests, several instances).  Semantics follow the kernel's
 * kmem_cache_* / kmalloc:
 *
 *   - rmm_cache_alloc and rmm_kmalloc follow the page allocator's context
 *     rules (include/regionmm/regionmm.h): a gfp with
 *     RMM___GFP_DIRECT_RECLAIM (RMM_GFP_KERNEL ...) may sleep, process
 *     context only; RMM_GFP_ATOMIC / RMM_GFP_NOWAIT never sleep and may be
 *     used from any context but NMI (spinlocks held, interrupts off,
 *     softirq, hardirq).  The gfp, __GFP_NOFAIL included, is passed on to
 *     the page allocator when a new slab is needed.
 *   - rmm_cache_free and rmm_kfree never sleep, any context but NMI.
 *   - rmm_cache_create/destroy/shrink sleep (process context only).
 *   - rmm_cache_destroy() refuses with -EBUSY, reporting the cache and the
 *     count of live objects, while objects are allocated.
 *   - Freeing NULL is a no-op; with debugging on (flags or slab_debug=) a
 *     double free, a free into the wrong cache or of a pointer that is not
 *     an object start is reported and refused (the object is leaked
 *     rather than the cache corrupted).
 */
#ifndef _REGIONMM_SLAB_H
#define _REGIONMM_SLAB_H

struct rmm_mm;
struct rmm_cache;
#include <regionmm/gfp.h>

/* cache flags (values of the kernel's SLAB_* where one exists) */
#define RMM_SLAB_DEBUG		0x00000100UL	/* SLAB_CONSISTENCY_CHECKS */
#define RMM_SLAB_RED_ZONE	0x00000400UL	/* SLAB_RED_ZONE */
#define RMM_SLAB_POISON		0x00000800UL	/* SLAB_POISON */
#define RMM_SLAB_HWCACHE_ALIGN	0x00002000UL	/* SLAB_HWCACHE_ALIGN */
#define RMM_SLAB_STORE_USER	0x00010000UL	/* accepted, treated as DEBUG */
#define RMM_SLAB_RECLAIM_ACCOUNT 0x00020000UL	/* slabs Reclaimable */
#define RMM_SLAB_VALID_FLAGS	(RMM_SLAB_DEBUG | RMM_SLAB_RED_ZONE | \
				 RMM_SLAB_POISON | RMM_SLAB_HWCACHE_ALIGN | \
				 RMM_SLAB_STORE_USER | RMM_SLAB_RECLAIM_ACCOUNT)

/*
 * Settings of one instance's slab state, given to rmm_slab_init() (NULL:
 * all zero); they belong to the instance, not to the module.
 * @debug_flags: RMM_SLAB_* debug flags OR-ed into every cache of the
 *	instance, the kmalloc caches included.  The glue's slab_debug=
 *	module parameter sets them through rmm_slab_parse_debug().
 * @report: called with each debug report line after it is logged (tests
 *	capture them), or NULL.  Any context the report comes from: must not
 *	sleep.
 */
struct rmm_slab_params {
	unsigned long debug_flags;
	void (*report)(struct rmm_mm *mm, const char *msg);
};
int rmm_slab_parse_debug(const char *str, unsigned long *flags);

/* per-instance setup: after rmm_mm_init(), before rmm_mm_fini() */
int rmm_slab_init(struct rmm_mm *mm, const struct rmm_slab_params *p);
int rmm_slab_fini(struct rmm_mm *mm);	/* -EBUSY while objects live */

/* instance variants */
struct rmm_cache *rmm_mm_cache_create(struct rmm_mm *mm, const char *name,
				      unsigned int size, unsigned int align,
				      unsigned long flags,
				      void (*ctor)(void *));
void *rmm_mm_kmalloc(struct rmm_mm *mm, size_t size, rmm_gfp_t gfp);
void rmm_mm_kfree(struct rmm_mm *mm, const void *p);
unsigned long rmm_slab_shrink_all(struct rmm_mm *mm);	/* pages freed */
void rmm_slab_cpu_dead(struct rmm_mm *mm, int cpu);	/* cpuhp dead */
int rmm_mm_slab_validate(struct rmm_mm *mm);	/* all caches, quiet CPUs */
int rmm_slab_validate_all(struct rmm_mm *mm);	/* any time, no CPU arrays */

/* on the global instance (rmm_mm_global) */
struct rmm_cache *rmm_cache_create(const char *name, unsigned int size,
				   unsigned int align, unsigned long flags,
				   void (*ctor)(void *));
void *rmm_kmalloc(size_t size, rmm_gfp_t gfp);
void rmm_kfree(const void *p);

/* on a cache (it knows its instance) */
void *rmm_cache_alloc(struct rmm_cache *c, rmm_gfp_t gfp);
void rmm_cache_free(struct rmm_cache *c, void *obj);
int rmm_cache_destroy(struct rmm_cache *c);
int rmm_cache_shrink(struct rmm_cache *c);	/* pages returned */
int rmm_cache_validate(struct rmm_cache *c);	/* 0 or -EFAULT + report */
unsigned int rmm_cache_object_size(const struct rmm_cache *c);
const char *rmm_cache_name(const struct rmm_cache *c);
unsigned long rmm_cache_flags(const struct rmm_cache *c);
size_t rmm_ksize(struct rmm_mm *mm, const void *p);

#endif /* _REGIONMM_SLAB_H */
