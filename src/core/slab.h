/* SPDX-License-Identifier: GPL-2.0 */
/*
 * regionmm slab allocator: internal structures (SLUB-like, see slab.c).
 *
 * A cache hands out fixed-size objects carved from "slabs": buddy blocks
 * of 2^order pages taken from the cache's regionmm instance.  Layers:
 *
 *   per-CPU object arrays (magazines)  -> no lock, no atomics
 *   per-node slab lists (partial/full) -> cache_node->lock (irqsave)
 *   the buddy allocator                -> rmm_mm_alloc_pages/free_pages
 *
 * Invariants (all checked by rmm_cache_validate()):
 *   for every slab s:  s->inuse + nr_free_on(s->freelist) == cache->objects
 *   for every node n:  n->nr_slabs == |n->partial| + |n->full|
 *                      n->nr_partial == |n->partial|
 *                      n->nr_free == sum over s in n of (objects - s->inuse)
 *                      s on n->full  <=>  s->freelist == NULL
 *   slab objects in use == sum over cpus c of c->count  (cached, free for
 *                      the cache but "in use" for the slab)
 *                      + objects held by callers + cache->nr_quarantined
 *   every object is in exactly one place: a slab freelist, a CPU array,
 *   the caller, or quarantine (leaked after a corruption report).
 *
 * Slab layout (2^order pages, page aligned, cache->hdr_off):
 *   [slot 0][slot 1]...[slot objects-1][pad][struct rmm_slab]   (header at
 *   the end when the leftover space holds it); for objects >= 256 bytes
 *   whose leftover is too small the header is off-slab (an object of the
 *   instance's kmalloc-64, cache->hdr_cache) so that no slot is lost, as
 *   the kernel's SLAB did with OFF_SLAB; otherwise the header first and the
 *   slots after ALIGN(sizeof(struct rmm_slab), align).
 * Slot layout (cache->size bytes, a multiple of cache->align):
 *   [left red zone: red_left_pad][object: object_size]
 *   [right red zone up to inuse][free pointer if fp_off >= inuse][pad]
 *   The object pointer handed out is slot + red_left_pad.
 *
 * Locking:
 *   rmm_slab_root.lock (spin, process context, never from interrupts;
 *     held across per-CPU flush IPIs): cache list, create,
 *     destroy, shrink, slabinfo iteration.
 *   cache_node.lock (spin, irqsave): the node's lists, counters and the
 *     freelists and inuse of the slabs on them.
 *   per-CPU array: owned by the CPU, used with preemption disabled
 *     (rmm_get_cpu(); the user port takes the CPU slot's lock there); the
 *     ->busy flag makes an interrupt that re-enters the allocator on the
 *     same CPU take the locked slow path instead (no irq disabling on the
 *     fast path).  NMI context is not supported.
 */
#ifndef _RMM_CORE_SLAB_H
#define _RMM_CORE_SLAB_H

#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"
#include <regionmm/slab.h>

#define RMM_SLAB_NAME_LEN	32
#define RMM_SLAB_MAX_ORDER	3	/* PAGE_ALLOC_COSTLY_ORDER, like slub_max_order */
#define RMM_SLAB_MAX_OBJS	32767	/* like SLUB's MAX_OBJS_PER_PAGE */
#define RMM_SLAB_MIN_PARTIAL	5	/* like SLUB's MIN_PARTIAL */
#define RMM_SLAB_MAX_PARTIAL	10	/* like SLUB's MAX_PARTIAL */
#define RMM_SLAB_CPU_MAX	120	/* largest per-CPU array (SLAB's limit) */

/* poison bytes: the kernel's include/linux/poison.h values */
#define RMM_POISON_INUSE	0x5a
#define RMM_POISON_FREE		0x6b
#define RMM_POISON_END		0xa5
#define RMM_RED_INACTIVE	0xbb	/* SLUB_RED_INACTIVE: object free */
#define RMM_RED_ACTIVE		0xcc	/* SLUB_RED_ACTIVE: object allocated */

/* flags that route every alloc/free through the checked slow path */
#define RMM_SLAB_DEBUG_FLAGS	(RMM_SLAB_DEBUG | RMM_SLAB_RED_ZONE | \
				 RMM_SLAB_POISON | RMM_SLAB_STORE_USER)

struct rmm_slab_list {
	struct rmm_slab_list *next, *prev;
};

/* Slab header, inside the slab memory at cache->hdr_off. */
struct rmm_slab {
	struct rmm_slab_list list;	/* node->partial or node->full */
	struct rmm_cache *cache;	/* owner; wrong-cache frees compare it */
	void *base;			/* first byte of the slab's pages */
	void *freelist;			/* first free slot's object, NULL: full */
	unsigned int inuse;		/* objects not on @freelist */
	unsigned short nid;		/* node list it is on */
	unsigned char on_full;		/* 1: on node->full, 0: on partial */
	unsigned char magic;		/* RMM_SLAB_MAGIC while live */
};
#define RMM_SLAB_MAGIC	0x5b
_Static_assert(sizeof(struct rmm_slab) <= 64, "off-slab headers are kmalloc-64 objects");

struct rmm_cache_node {
	rmm_spinlock_t lock;
	struct rmm_slab_list partial;	/* slabs with free objects, empty last */
	struct rmm_slab_list full;	/* slabs without free objects */
	unsigned long nr_partial;
	unsigned long nr_slabs;
	unsigned long nr_free;		/* objects on the freelists of its slabs */
};

/* Per-CPU object array; cache->cpu_stride bytes apart in cache->cpu. */
struct rmm_slab_cpu {
	unsigned int count;		/* objs[0 .. count-1] are free objects */
	unsigned int busy;		/* CPU is inside a fast-path op */
	void *objs[];			/* cache->cpu_limit entries */
};

struct rmm_cache {
	/* hot, read-mostly */
	unsigned long flags;
	unsigned int size;		/* slot stride */
	unsigned int object_size;	/* what the user asked for */
	unsigned int align;
	unsigned int red_left_pad;	/* left red zone, object offset in slot */
	unsigned int inuse;		/* object_size + right red zone */
	unsigned int fp_off;		/* free pointer offset in the object */
	unsigned int objects;		/* per slab */
	unsigned int order;
	unsigned int hdr_off;		/* slab header offset in the slab */
	unsigned int first_off;		/* slot 0 offset in the slab */
	unsigned int cpu_limit;		/* per-CPU array capacity */
	unsigned int cpu_batch;		/* objects moved per refill/flush */
	unsigned int cpu_stride;
	unsigned int nr_cpus;
	unsigned int min_partial;
	rmm_gfp_t gfp;			/* migratetype bits for new slabs */
	void (*ctor)(void *obj);
	struct rmm_mm *mm;
	struct rmm_cache *hdr_cache;	/* off-slab headers from here, or NULL */
	char *cpu;			/* nr_cpus arrays, cpu_stride apart */

	/* cold */
	struct rmm_slab_list list;	/* root->caches */
	unsigned long nr_quarantined;	/* objects leaked after a report */
	unsigned long nr_reports;	/* debug reports on this cache */
	/* statistics, updated without a lock: approximate under concurrency */
	unsigned long refill, flush, slab_alloc, slab_free;
	int nr_nodes;
	char name[RMM_SLAB_NAME_LEN];
	struct rmm_cache_node node[];	/* nr_nodes */
};

/* kmalloc classes: 8..8192 powers of two plus 96 and 192 */
#define RMM_KMALLOC_SHIFT_LOW	3
#define RMM_KMALLOC_SHIFT_HIGH	13	/* 8192: larger goes to the buddy */
#define RMM_KMALLOC_MAX_CACHE	(1U << RMM_KMALLOC_SHIFT_HIGH)
#define RMM_KMALLOC_NR		(RMM_KMALLOC_SHIFT_HIGH + 1)
#define RMM_KMALLOC_HDR_INDEX	6	/* kmalloc-64 holds off-slab headers */

/* Per-instance slab state: mm->slab, from rmm_slab_init() to _fini(). */
struct rmm_slab_root {
	struct rmm_mm *mm;
	rmm_spinlock_t lock;		/* process context only, see above */
	struct rmm_slab_list caches;	/* newest first, like slab_caches */
	unsigned long nr_caches;
	struct rmm_cache *kmalloc[RMM_KMALLOC_NR];	/* index = kmalloc_index */
	rmm_atomic_long_t large_pages;	/* pages in large kmalloc blocks */
	struct rmm_slab_params params;	/* from rmm_slab_init(), constant */
};

/* slabinfo line data, like the kernel's struct slabinfo */
struct rmm_slabinfo {
	unsigned long active_objs, num_objs, active_slabs, num_slabs;
	unsigned int objects_per_slab, cache_order, limit, batchcount;
};

/* the slab state of @mm, NULL outside rmm_slab_init() .. rmm_slab_fini() */
static inline struct rmm_slab_root *rmm_slab_root_of(const struct rmm_mm *mm)
{
	return READ_ONCE(mm->slab);
}

void rmm_cache_get_slabinfo(struct rmm_cache *c, struct rmm_slabinfo *si);

/* vmscan.c: fill @sh with the shrinker of empty slabs of @mm's caches */
struct rmm_shrinker;
void rmm_slab_shrinker_init(struct rmm_mm *mm, struct rmm_shrinker *sh);

#endif /* _RMM_CORE_SLAB_H */
