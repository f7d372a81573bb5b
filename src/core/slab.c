// SPDX-License-Identifier: GPL-2.0
/*
 * regionmm slab allocator (SLUB-like) over regionmm's buddy allocator.
 *
 * Design (structures and invariants in slab.h):
 *
 *  - Fast path: a per-CPU array of free objects per cache ("magazine",
 *    like SLUB's 6.x sheaves or SLAB's array_cache).  rmm_cache_alloc()
 *    pops, rmm_cache_free() pushes, with preemption disabled and no
 *    atomic instruction, no irq disabling: a per-CPU ->busy flag set for
 *    the few instructions of the operation sends an interrupt handler that
 *    re-enters the allocator on the same CPU down the locked slow path.
 *  - Slow path: refill (cpu_batch objects from the node's partial slabs,
 *    one lock round trip) and flush (cpu_batch oldest objects back to their
 *    slabs); slabs come from rmm_mm_alloc_pages() with the migratetype of
 *    the cache (Unmovable, Reclaimable with RMM_SLAB_RECLAIM_ACCOUNT) and
 *    go back when empty beyond min_partial.  The order is chosen like
 *    SLUB's calculate_order().
 *  - Object -> slab: rmm_mm_virt_to_page(), rmm_compound_head() (tail
 *    pages carry their offset to the head in ->private), then the header
 *    the head page's owner words locate: O(1).
 *  - Debug caches (RED_ZONE, POISON, DEBUG, STORE_USER, or the
 *    instance's rmm_slab_params.debug_flags) skip the per-CPU arrays:
 *    every alloc and free takes the node lock and checks the object (SLUB
 *    does the same with slab_debug).  Bad frees are reported naming the
 *    cache and the object offset in its slab, and refused.
 *
 * Locking order: root->lock -> node->lock -> (buddy locks).
 * No slab is freed to the buddy with a node lock held.
 */
#include "slab.h"
#include "vmscan.h"


/* ---------------------------------------------------------------- lists */

static inline void slist_init(struct rmm_slab_list *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool slist_empty(const struct rmm_slab_list *h)
{
	return h->next == h;
}

static inline void slist_add(struct rmm_slab_list *n, struct rmm_slab_list *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}

static inline void slist_add_tail(struct rmm_slab_list *n,
				  struct rmm_slab_list *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void slist_del(struct rmm_slab_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

#define slab_of_list(l) \
	((struct rmm_slab *)((char *)(l) - offsetof(struct rmm_slab, list)))
#define cache_of_list(l) \
	((struct rmm_cache *)((char *)(l) - offsetof(struct rmm_cache, list)))

/* ------------------------------------------------- page descriptors */

/*
 * Page descriptors.  Slabs of order > 0 and large kmalloc blocks are
 * compound (__GFP_COMP): rmm_compound_head() (memory_model.h) finds the
 * head page.
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
	    rmm_mm_page_address(mm, page) != p)
		return false;
	*order = page->private & 0xff;
	return true;
}

/* ------------------------------------------------------------ reporting */

/*
 * One line per report: "regionmm: slab: <kind><cache>: <what>".  Offsets
 * name the object, never raw addresses (dmesg may add %p, which hashes).
 */
static __printf(4, 5) void slab_report_kind(struct rmm_mm *mm,
					    struct rmm_cache *c,
					    const char *kind,
					    const char *fmt, ...)
{
	struct rmm_slab_root *r = mm->slab;
	char buf[256];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "slab: %s%s: ", kind,
		     c ? c->name : "(no cache)");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (c)
		c->nr_reports++;
	rmm_pr_err("%s\n", buf);
	if (r && r->params.report)
		r->params.report(mm, buf);
}

/* corruption and misuse: "BUG <cache>: ..." */
#define slab_report(c, fmt, ...) \
	slab_report_kind((c)->mm, c, "BUG ", fmt, ##__VA_ARGS__)

/* misuse that names no cache (kfree of a bad pointer) */
#define slab_report_mm(mm, fmt, ...) \
	slab_report_kind(mm, NULL, "BUG ", fmt, ##__VA_ARGS__)

/* refusals that are not corruption: "cache <cache>: ..." */
#define slab_refuse(c, fmt, ...) \
	slab_report_kind((c)->mm, c, "cache ", fmt, ##__VA_ARGS__)

/* --------------------------------------------------------- slab layout */

static inline void *slab_base(const struct rmm_slab *s,
			      const struct rmm_cache *c)
{
	return s->base;
}

static inline char *slab_slot0(const struct rmm_slab *s,
			       const struct rmm_cache *c)
{
	return (char *)slab_base(s, c) + c->first_off;
}

static inline void *slab_obj(const struct rmm_slab *s,
			     const struct rmm_cache *c, unsigned int i)
{
	return slab_slot0(s, c) + (size_t)i * c->size + c->red_left_pad;
}

static inline void **obj_fp(const struct rmm_cache *c, void *obj)
{
	return (void **)((char *)obj + c->fp_off);
}

static inline void *get_fp(const struct rmm_cache *c, void *obj)
{
	return *obj_fp(c, obj);
}

static inline void set_fp(const struct rmm_cache *c, void *obj, void *next)
{
	*obj_fp(c, obj) = next;
}

/* the cache of the slab whose head page is @head */
static inline struct rmm_cache *slab_head_cache(const struct rmm_page *head)
{
	if (head->private == RMM_SLAB_OFFSLAB)
		return ((struct rmm_slab *)slab_page_ptr(head))->cache;
	return slab_page_ptr(head);
}

/*
 * Object -> slab, O(1).  Returns NULL when @p is not inside a live slab of
 * this instance (not regionmm memory, not a slab page, header damaged).
 */
static struct rmm_slab *slab_virt_to_slab(struct rmm_mm *mm, const void *p)
{
	struct rmm_page *page = rmm_mm_virt_to_page(mm, p);
	struct rmm_slab *s;

	if (unlikely(!page))
		return NULL;
	page = rmm_compound_head(page);
	if (unlikely(!RmmPageSlab(page)))
		return NULL;
	/* the head page's owner words locate the header */
	if (page->private == RMM_SLAB_OFFSLAB)
		s = slab_page_ptr(page);
	else
		s = (struct rmm_slab *)((char *)rmm_mm_page_address(mm, page) +
					page->private);
	if (unlikely(s->magic != RMM_SLAB_MAGIC))
		return NULL;
	return s;
}

/* index of @obj in @s, or -1 if it is not an object start */
static long obj_index(const struct rmm_cache *c, const struct rmm_slab *s,
		      const void *obj, unsigned long *offp)
{
	long off = (const char *)obj - slab_slot0(s, c) - c->red_left_pad;

	if (offp)
		*offp = (const char *)obj - (const char *)slab_base(s, c);
	if (off < 0 || off % c->size || off / c->size >= c->objects)
		return -1;
	return off / c->size;
}

static inline unsigned long obj_offset(const struct rmm_cache *c,
				       const struct rmm_slab *s,
				       const void *obj)
{
	return (const char *)obj - (const char *)slab_base(s, c);
}

/* ------------------------------------------------------- debug helpers */

static inline bool cache_debug(const struct rmm_cache *c)
{
	return c->flags & RMM_SLAB_DEBUG_FLAGS;
}

static void init_object(struct rmm_cache *c, void *obj, int val)
{
	char *p = obj;

	if (c->flags & RMM_SLAB_RED_ZONE) {
		memset(p - c->red_left_pad, val, c->red_left_pad);
		memset(p + c->object_size, val, c->inuse - c->object_size);
	}
	if ((c->flags & RMM_SLAB_POISON) && val == RMM_RED_INACTIVE) {
		memset(p, RMM_POISON_FREE, c->object_size - 1);
		p[c->object_size - 1] = (char)RMM_POISON_END;
	}
}

/* first byte in [start, start+len) that is not @val, or -1 */
static long check_bytes(const void *start, int val, size_t len)
{
	const unsigned char *p = start;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)val)
			return i;
	return -1;
}

/*
 * Check red zones (and poison when @val is INACTIVE) of @obj; report and
 * repair what is damaged.  Returns true when everything was intact.
 */
static bool check_object(struct rmm_cache *c, struct rmm_slab *s, void *obj,
			 int val, const char *when)
{
	char *p = obj;
	unsigned long off = obj_offset(c, s, obj);
	long bad;
	bool ok = true;

	if (c->flags & RMM_SLAB_RED_ZONE) {
		bad = check_bytes(p - c->red_left_pad, val, c->red_left_pad);
		if (bad >= 0) {
			slab_report(c, "Left Redzone overwritten %s: object at offset %lu in slab (byte -%lu is 0x%02x, expected 0x%02x)",
				    when, off, c->red_left_pad - bad,
				    (unsigned char)p[bad - (long)c->red_left_pad],
				    val);
			memset(p - c->red_left_pad, val, c->red_left_pad);
			ok = false;
		}
		bad = check_bytes(p + c->object_size, val,
				  c->inuse - c->object_size);
		if (bad >= 0) {
			slab_report(c, "Right Redzone overwritten %s: object at offset %lu in slab, size %u (byte +%ld past the end is 0x%02x, expected 0x%02x)",
				    when, off, c->object_size, bad,
				    (unsigned char)p[c->object_size + bad], val);
			memset(p + c->object_size, val,
			       c->inuse - c->object_size);
			ok = false;
		}
	}
	if ((c->flags & RMM_SLAB_POISON) && val == RMM_RED_INACTIVE) {
		bad = check_bytes(p, RMM_POISON_FREE, c->object_size - 1);
		if (bad < 0 && (unsigned char)p[c->object_size - 1] !=
		    RMM_POISON_END)
			bad = c->object_size - 1;
		if (bad >= 0) {
			slab_report(c, "Poison overwritten %s (use after free): object at offset %lu in slab, byte %ld is 0x%02x",
				    when, off, bad, (unsigned char)p[bad]);
			memset(p, RMM_POISON_FREE, c->object_size - 1);
			p[c->object_size - 1] = (char)RMM_POISON_END;
			ok = false;
		}
	}
	return ok;
}

static bool on_freelist(struct rmm_cache *c, struct rmm_slab *s, void *obj)
{
	unsigned int n = 0;
	void *p;

	for (p = s->freelist; p && n <= c->objects; p = get_fp(c, p), n++)
		if (p == obj)
			return true;
	return false;
}

/* ----------------------------------------------------- slab alloc/free */

static inline struct rmm_cache_node *slab_node(struct rmm_cache *c,
					       struct rmm_slab *s)
{
	return &c->node[s->nid];
}

/*
 * Slab pages in the node's NR_SLAB_{RECLAIMABLE,UNRECLAIMABLE}_B counters,
 * kept in pages (what node_page_state_pages() returns and meminfo's Slab:,
 * SReclaimable:, SUnreclaim: and vmstat's nr_slab_* print).
 */
static void account_slab_pages(struct rmm_mm *mm, struct rmm_page *page,
			       enum rmm_node_stat_item item, long pages)
{
	rmm_mod_node_page_state(&mm->nodes[rmm_mm_page_nid(mm, page)], item,
				pages);
}

/* cache_vmstat_idx() of mm/slab.h: the counter of @c's slab pages */
static inline enum rmm_node_stat_item cache_vmstat_idx(const struct rmm_cache *c)
{
	return (c->gfp & RMM___GFP_RECLAIMABLE) ? RMM_NR_SLAB_RECLAIMABLE_B :
		RMM_NR_SLAB_UNRECLAIMABLE_B;
}

/*
 * Allocate and format a new slab (no lock held; may sleep if @gfp allows).
 * The slab is returned unlisted with every object on its freelist.
 */
static struct rmm_slab *new_slab_slowpath(struct rmm_cache *c, rmm_gfp_t gfp)
{
	struct rmm_page *page;
	struct rmm_slab *s = NULL;
	char *base;
	unsigned int i;
	int nid;

	gfp &= ~(rmm_gfp_t)(RMM___GFP_ZERO | RMM___GFP_MOVABLE |
			    RMM___GFP_RECLAIMABLE);
	gfp |= c->gfp;
	if (c->order)
		gfp |= RMM___GFP_COMP;
	if (c->hdr_cache) {
		s = rmm_cache_alloc(c->hdr_cache, gfp & ~(rmm_gfp_t)
				    (RMM___GFP_COMP | RMM_GFP_MOVABLE_MASK));
		if (!s)
			return NULL;
	}
	page = rmm_mm_alloc_pages(c->mm, RMM_NUMA_NO_NODE, c->order, gfp);
	if (!page) {
		if (c->hdr_cache)
			rmm_cache_free(c->hdr_cache, s);
		return NULL;
	}
	account_slab_pages(c->mm, page, cache_vmstat_idx(c), 1L << c->order);
	base = rmm_mm_page_address(c->mm, page);
	nid = rmm_mm_page_nid(c->mm, page);
	if (nid < 0 || nid >= c->nr_nodes)
		nid = 0;
	if (c->flags & RMM_SLAB_POISON)	/* padding and header gaps */
		memset(base, RMM_POISON_INUSE, (size_t)RMM_PAGE_SIZE << c->order);
	if (c->hdr_cache) {
		slab_pages_mark(page, RMM_SLAB_OFFSLAB, s);
	} else {
		s = (struct rmm_slab *)(base + c->hdr_off);
		slab_pages_mark(page, c->hdr_off, c);
	}
	s->cache = c;
	s->base = base;
	s->inuse = 0;
	s->nid = nid;
	s->on_full = 0;
	s->magic = RMM_SLAB_MAGIC;
	slist_init(&s->list);
	/* build the freelist in address order */
	s->freelist = NULL;
	for (i = c->objects; i-- > 0;) {
		void *obj = slab_obj(s, c, i);

		if (cache_debug(c))
			init_object(c, obj, RMM_RED_INACTIVE);
		if (c->ctor)
			c->ctor(obj);
		set_fp(c, obj, s->freelist);
		s->freelist = obj;
	}
	c->slab_alloc++;
	return s;
}

static void discard_slab(struct rmm_cache *c, struct rmm_slab *s)
{
	struct rmm_page *page = rmm_mm_virt_to_page(c->mm, slab_base(s, c));

	s->magic = 0;
	slab_pages_unmark(page);
	account_slab_pages(c->mm, page, cache_vmstat_idx(c), -(1L << c->order));
	rmm_mm_free_pages(c->mm, page, c->order);
	if (c->hdr_cache)
		rmm_cache_free(c->hdr_cache, s);
	c->slab_free++;
}

/* Put a freshly made slab on its node's partial list.  Lock held. */
static void add_new_slab(struct rmm_cache *c, struct rmm_cache_node *n,
			 struct rmm_slab *s)
{
	rmm_assert_held(&n->lock);
	slist_add(&s->list, &n->partial);
	n->nr_partial++;
	n->nr_slabs++;
	n->nr_free += c->objects;
}

/*
 * Grow the cache by one slab on its node's partial list (no lock held on
 * entry; may sleep if @gfp allows).  False when the buddy has no memory.
 */
static bool grow_slowpath(struct rmm_cache *c, rmm_gfp_t gfp)
{
	struct rmm_slab *s = new_slab_slowpath(c, gfp);
	struct rmm_cache_node *n;
	unsigned long flags;

	if (!s)
		return false;
	n = slab_node(c, s);
	rmm_spin_lock_irqsave(&n->lock, flags);
	add_new_slab(c, n, s);
	rmm_spin_unlock_irqrestore(&n->lock, flags);
	return true;
}

/* Take one object off @s (on @n->partial).  Lock held. */
static inline void *slab_take(struct rmm_cache *c, struct rmm_cache_node *n,
			      struct rmm_slab *s)
{
	void *obj = s->freelist;

	s->freelist = get_fp(c, obj);
	s->inuse++;
	n->nr_free--;
	if (!s->freelist) {
		slist_del(&s->list);
		slist_add(&s->list, &n->full);
		s->on_full = 1;
		n->nr_partial--;
	}
	return obj;
}

/*
 * What giving objects back does with a slab that becomes empty while its
 * node has more than min_partial partial slabs: EMPTY_DISCARD unlinks it
 * for the caller to free after unlocking; EMPTY_KEEP leaves it on the
 * partial list (the IPI flush of rmm_cache_shrink(), whose
 * discard_empty() frees it afterwards).
 */
enum empty_slab {
	EMPTY_DISCARD,
	EMPTY_KEEP,
};

/*
 * Return @obj to @s.  Lock held.  Returns true when the slab became empty
 * and was unlinked for the caller to discard after unlocking.
 */
static inline bool slab_put(struct rmm_cache *c, struct rmm_cache_node *n,
			    struct rmm_slab *s, void *obj, enum empty_slab empty)
{
	set_fp(c, obj, s->freelist);
	s->freelist = obj;
	s->inuse--;
	n->nr_free++;
	if (s->on_full) {
		slist_del(&s->list);
		slist_add(&s->list, &n->partial);
		s->on_full = 0;
		n->nr_partial++;
	}
	if (!s->inuse) {
		if (empty == EMPTY_DISCARD && n->nr_partial > c->min_partial) {
			slist_del(&s->list);
			n->nr_partial--;
			n->nr_slabs--;
			n->nr_free -= c->objects;
			return true;
		}
		/* keep empty slabs last: partly used ones fill first */
		slist_del(&s->list);
		slist_add_tail(&s->list, &n->partial);
	}
	return false;
}

/* ------------------------------------------------------ per-CPU arrays */

static inline struct rmm_slab_cpu *cpu_array(struct rmm_cache *c, int cpu)
{
	return (struct rmm_slab_cpu *)(c->cpu + (size_t)cpu * c->cpu_stride);
}

static int local_nid(struct rmm_cache *c)
{
	int nid = rmm_numa_node_id(c->mm);

	return (nid >= 0 && nid < c->nr_nodes) ? nid : 0;
}

/*
 * Move up to @want objects from the partial lists into @out (local node
 * first, then the others).  Takes and drops the node locks.
 */
static unsigned int get_partial(struct rmm_cache *c, void **out,
				unsigned int want)
{
	unsigned int got = 0;
	int start = local_nid(c), i;

	for (i = 0; i < c->nr_nodes && got < want; i++) {
		struct rmm_cache_node *n = &c->node[(start + i) % c->nr_nodes];
		unsigned long flags;

		if (!READ_ONCE(n->nr_free))
			continue;
		rmm_spin_lock_irqsave(&n->lock, flags);
		while (got < want && !slist_empty(&n->partial)) {
			struct rmm_slab *s = slab_of_list(n->partial.next);

			while (got < want && s->freelist)
				out[got++] = slab_take(c, n, s);
		}
		rmm_spin_unlock_irqrestore(&n->lock, flags);
	}
	return got;
}

/*
 * Give @nr objects back to their slabs; @empty: what to do with emptied
 * slabs beyond min_partial.
 */
static void put_objects(struct rmm_cache *c, void **objs, unsigned int nr,
			enum empty_slab empty)
{
	struct rmm_slab_list discard;
	unsigned int i, left = nr;
	int nid;

	slist_init(&discard);
	/* one lock round trip per node that has objects in the batch */
	for (nid = 0; nid < c->nr_nodes && left; nid++) {
		struct rmm_cache_node *n = &c->node[nid];
		unsigned long flags;

		if (c->nr_nodes > 1) {
			for (i = 0; i < nr; i++)
				if (slab_virt_to_slab(c->mm, objs[i])->nid == nid)
					break;
			if (i == nr)
				continue;
		}
		rmm_spin_lock_irqsave(&n->lock, flags);
		for (i = 0; i < nr; i++) {
			struct rmm_slab *s = slab_virt_to_slab(c->mm, objs[i]);

			if (s->nid != nid)
				continue;
			if (slab_put(c, n, s, objs[i], empty))
				slist_add(&s->list, &discard);
			left--;
		}
		rmm_spin_unlock_irqrestore(&n->lock, flags);
	}
	while (!slist_empty(&discard)) {
		struct rmm_slab *s = slab_of_list(discard.next);

		slist_del(&s->list);
		discard_slab(c, s);
	}
}

/* The array is empty (busy set by the caller): refill it. */
static unsigned int refill_slowpath(struct rmm_cache *c, struct rmm_slab_cpu *a)
{
	unsigned int got = get_partial(c, a->objs, c->cpu_batch);

	a->count = got;
	c->refill++;
	return got;
}

/* The array is full (busy set by the caller): flush its oldest half. */
static void flush_slowpath(struct rmm_cache *c, struct rmm_slab_cpu *a)
{
	unsigned int nr = c->cpu_batch;

	put_objects(c, a->objs, nr, EMPTY_DISCARD);
	memmove(a->objs, a->objs + nr, (a->count - nr) * sizeof(void *));
	a->count -= nr;
	c->flush++;
}

/* Allocate one object under the node lock (debug caches, re-entry). */
static void *alloc_locked_slowpath(struct rmm_cache *c, rmm_gfp_t gfp)
{
	struct rmm_slab *s;
	void *obj;

	for (;;) {
		int start = local_nid(c), i;

		for (i = 0; i < c->nr_nodes; i++) {
			struct rmm_cache_node *n =
				&c->node[(start + i) % c->nr_nodes];
			unsigned long flags;

			rmm_spin_lock_irqsave(&n->lock, flags);
			if (!slist_empty(&n->partial)) {
				s = slab_of_list(n->partial.next);
				obj = slab_take(c, n, s);
				if (cache_debug(c)) {
					check_object(c, s, obj,
						     RMM_RED_INACTIVE,
						     "before allocation");
					init_object(c, obj, RMM_RED_ACTIVE);
				}
				rmm_spin_unlock_irqrestore(&n->lock, flags);
				return obj;
			}
			rmm_spin_unlock_irqrestore(&n->lock, flags);
		}
		if (!grow_slowpath(c, gfp))
			return NULL;
	}
}

static void *cache_alloc_slowpath(struct rmm_cache *c, rmm_gfp_t gfp)
{
	struct rmm_slab_cpu *a;
	void *obj;
	int cpu;

	if (cache_debug(c))
		return alloc_locked_slowpath(c, gfp);
	for (;;) {
		cpu = rmm_get_cpu();
		a = cpu_array(c, cpu);
		if (unlikely(READ_ONCE(a->busy))) {
			/* an interrupt re-entered this CPU's fast path */
			rmm_put_cpu();
			return alloc_locked_slowpath(c, gfp);
		}
		WRITE_ONCE(a->busy, 1);
		barrier();
		if (a->count || refill_slowpath(c, a)) {
			obj = a->objs[--a->count];
			barrier();
			WRITE_ONCE(a->busy, 0);
			rmm_put_cpu();
			return obj;
		}
		barrier();
		WRITE_ONCE(a->busy, 0);
		rmm_put_cpu();

		/* no partial slab anywhere: a new one, outside the CPU section */
		if (!grow_slowpath(c, gfp))
			return NULL;
	}
}

static void *slab_post_alloc(struct rmm_cache *c, void *obj, rmm_gfp_t gfp)
{
	if (obj && (gfp & RMM___GFP_ZERO))
		memset(obj, 0, c->object_size);
	return obj;
}

/**
 * rmm_cache_alloc - allocate an object
 * @c: the cache
 * @gfp: allocation flags (RMM_GFP_KERNEL, RMM_GFP_ATOMIC, | RMM___GFP_ZERO)
 *
 * Fast path: pop from this CPU's array.  Returns NULL when the buddy has
 * no memory for a new slab.
 */
void *rmm_cache_alloc(struct rmm_cache *c, rmm_gfp_t gfp)
{
	struct rmm_slab_cpu *a;
	void *obj;

	if (likely(!cache_debug(c))) {
		a = cpu_array(c, rmm_get_cpu());
		if (likely(!READ_ONCE(a->busy) && a->count)) {
			WRITE_ONCE(a->busy, 1);
			barrier();
			obj = a->objs[--a->count];
			barrier();
			WRITE_ONCE(a->busy, 0);
			rmm_put_cpu();
			if (unlikely(gfp & RMM___GFP_ZERO))
				memset(obj, 0, c->object_size);
			return obj;
		}
		rmm_put_cpu();
	}
	return slab_post_alloc(c, cache_alloc_slowpath(c, gfp), gfp);
}
RMM_EXPORT(rmm_cache_alloc);

/*
 * Free under the node lock: debug caches, whose frees are checked (bad
 * ones refused), and the re-entry path of the others.
 */
static void free_locked_slowpath(struct rmm_cache *c, void *obj)
{
	struct rmm_slab *s;
	struct rmm_cache_node *n;
	unsigned long flags, off;
	bool discard;

	s = slab_virt_to_slab(c->mm, obj);
	if (!s) {
		slab_report(c, "Free of a pointer that is not a slab object of this instance; not freed");
		return;
	}
	if (s->cache != c) {
		off = obj_offset(s->cache, s, obj);
		slab_report(c, "Wrong cache: object at offset %lu in a slab of cache %s freed to cache %s; not freed",
			    off, s->cache->name, c->name);
		return;
	}
	if (obj_index(c, s, obj, &off) < 0) {
		slab_report(c, "Free of a pointer that is not an object start: offset %lu in slab (object size %u, slot size %u); not freed",
			    off, c->object_size, c->size);
		return;
	}
	n = slab_node(c, s);
	rmm_spin_lock_irqsave(&n->lock, flags);
	if (cache_debug(c)) {
		if (on_freelist(c, s, obj)) {
			rmm_spin_unlock_irqrestore(&n->lock, flags);
			slab_report(c, "Double free: object at offset %lu in slab is already free; not freed",
				    off);
			return;
		}
		if (!check_object(c, s, obj, RMM_RED_ACTIVE, "at free")) {
			/* like SLUB: a damaged object is not freed */
			c->nr_quarantined++;
			rmm_spin_unlock_irqrestore(&n->lock, flags);
			slab_report(c, "Object at offset %lu not freed (quarantined)",
				    off);
			return;
		}
		init_object(c, obj, RMM_RED_INACTIVE);
	}
	discard = slab_put(c, n, s, obj, EMPTY_DISCARD);
	rmm_spin_unlock_irqrestore(&n->lock, flags);
	if (discard)
		discard_slab(c, s);
}

static void cache_free_slowpath(struct rmm_cache *c, void *obj)
{
	struct rmm_slab_cpu *a;

	if (cache_debug(c)) {
		free_locked_slowpath(c, obj);
		return;
	}
	a = cpu_array(c, rmm_get_cpu());
	if (unlikely(READ_ONCE(a->busy))) {
		rmm_put_cpu();
		free_locked_slowpath(c, obj);
		return;
	}
	WRITE_ONCE(a->busy, 1);
	barrier();
	if (a->count >= c->cpu_limit)
		flush_slowpath(c, a);
	a->objs[a->count++] = obj;
	barrier();
	WRITE_ONCE(a->busy, 0);
	rmm_put_cpu();
}

/**
 * rmm_cache_free - free an object
 * @c: the cache it came from
 * @obj: the object (NULL is ignored)
 */
void rmm_cache_free(struct rmm_cache *c, void *obj)
{
	struct rmm_slab_cpu *a;

	if (unlikely(!obj))
		return;
	if (likely(!cache_debug(c))) {
		a = cpu_array(c, rmm_get_cpu());
		if (likely(!READ_ONCE(a->busy) && a->count < c->cpu_limit)) {
			WRITE_ONCE(a->busy, 1);
			barrier();
			a->objs[a->count++] = obj;
			barrier();
			WRITE_ONCE(a->busy, 0);
			rmm_put_cpu();
			return;
		}
		rmm_put_cpu();
	}
	cache_free_slowpath(c, obj);
}
RMM_EXPORT(rmm_cache_free);

/* --------------------------------------------------- create and layout */

static unsigned int slab_order_objects(const struct rmm_cache *c,
				       unsigned int order, unsigned int size,
				       unsigned int *hdr_off,
				       unsigned int *first_off)
{
	unsigned int slab_size = RMM_PAGE_SIZE << order;
	unsigned int hdr = sizeof(struct rmm_slab);
	unsigned int nr = slab_size / size;
	unsigned int end_hdr = (slab_size - hdr) & ~7U;

	if (c->hdr_cache) {
		*hdr_off = 0;
		*first_off = 0;
		return nr;
	}
	/* header in the leftover at the end when it fits there */
	if (slab_size - nr * size >= hdr) {
		*hdr_off = end_hdr;
		*first_off = 0;
		return nr;
	}
	*hdr_off = 0;
	*first_off = ALIGN(hdr, c->align);
	if (*first_off >= slab_size)
		return 0;
	return (slab_size - *first_off) / size;
}

/* SLUB's calc_slab_order(), counting the header as leftover space */
static unsigned int calc_slab_order(const struct rmm_cache *c,
				    unsigned int size, unsigned int min_order,
				    unsigned int max_order, unsigned int fract)
{
	unsigned int order, h, f;

	for (order = min_order; order <= max_order; order++) {
		unsigned int slab_size = RMM_PAGE_SIZE << order;
		unsigned int nr = slab_order_objects(c, order, size, &h, &f);

		if (nr && slab_size - nr * size <= slab_size / fract)
			break;
	}
	return order;
}

static unsigned int get_order_size(unsigned long size)
{
	unsigned int order = 0;

	while (((unsigned long)RMM_PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* SLUB's calculate_order() */
static int calculate_order(const struct rmm_cache *c, unsigned int size)
{
	unsigned int min_objects, max_objects, min_order, order, fract, h, f;
	unsigned int nr_cpus = c->nr_cpus;

	min_objects = 4 * (rmm_fls(nr_cpus) + 1);
	max_objects = slab_order_objects(c, RMM_SLAB_MAX_ORDER, size, &h, &f);
	if (!max_objects)
		max_objects = 1;
	if (min_objects > max_objects)
		min_objects = max_objects;
	min_order = get_order_size((unsigned long)min_objects * size);
	for (fract = 16; fract > 1; fract /= 2) {
		order = calc_slab_order(c, size, min_order, RMM_SLAB_MAX_ORDER,
					fract);
		if (order <= RMM_SLAB_MAX_ORDER)
			return order;
	}
	for (order = get_order_size(size); order <= RMM_MAX_ORDER; order++)
		if (slab_order_objects(c, order, size, &h, &f))
			return order;
	return -E2BIG;
}

/* SLAB's enable_cpucache() limits: fewer cached objects when larger */
static void set_cpu_limit(struct rmm_cache *c)
{
	unsigned int lim;

	if (c->size > 131072)
		lim = 1;
	else if (c->size > RMM_PAGE_SIZE)
		lim = 8;
	else if (c->size > 1024)
		lim = 24;
	else if (c->size > 256)
		lim = 54;
	else
		lim = RMM_SLAB_CPU_MAX;
	c->cpu_limit = lim;
	c->cpu_batch = (lim + 1) / 2;
	c->cpu_stride = ALIGN(sizeof(struct rmm_slab_cpu) +
			      lim * sizeof(void *), RMM_L1_CACHE_BYTES);
}

static unsigned int calculate_alignment(unsigned long flags,
					unsigned int align, unsigned int size)
{
	if (flags & RMM_SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = RMM_L1_CACHE_BYTES;

		while (size <= ralign / 2)
			ralign /= 2;
		if (ralign > align)
			align = ralign;
	}
	if (align < sizeof(unsigned long long))
		align = sizeof(unsigned long long);
	return ALIGN(align, sizeof(void *));
}

/* Slab order, objects per slab for slots of @size (c->hdr_cache as set) */
static int calculate_slab(struct rmm_cache *c, unsigned int size)
{
	int order = calculate_order(c, size);

	if (order < 0)
		return -EINVAL;
	c->order = order;
	c->objects = slab_order_objects(c, order, size, &c->hdr_off,
					&c->first_off);
	return 0;
}

static int calculate_sizes(struct rmm_cache *c, struct rmm_cache *hdr_cache)
{
	unsigned int size = c->object_size;

	size = ALIGN(size, sizeof(void *));
	c->red_left_pad = 0;
	if (c->flags & RMM_SLAB_RED_ZONE) {
		/* right red zone: at least one word past the object */
		if (size == c->object_size)
			size += sizeof(void *);
		c->red_left_pad = ALIGN(sizeof(void *), c->align);
	}
	c->inuse = size;
	/* free pointer outside the object when its bytes must survive */
	if (c->ctor || (c->flags & (RMM_SLAB_POISON | RMM_SLAB_RED_ZONE))) {
		c->fp_off = size;
		size += sizeof(void *);
	} else {
		c->fp_off = 0;
	}
	size = ALIGN(c->red_left_pad + size, c->align);
	c->size = size;
	if (calculate_slab(c, size))
		return -EINVAL;
	/* an on-slab header that costs a slot of a large object: go off-slab */
	if (hdr_cache && size >= 256 && c->first_off) {
		c->hdr_cache = hdr_cache;
		if (calculate_slab(c, size))
			return -EINVAL;
	}
	if (!c->objects || c->objects > RMM_SLAB_MAX_OBJS)
		return -EINVAL;
	if (c->fp_off && c->flags & RMM_SLAB_RED_ZONE)
		c->inuse = c->fp_off;
	return 0;
}

static bool valid_name(const char *name)
{
	size_t i;

	if (!name || !name[0])
		return false;
	for (i = 0; name[i]; i++) {
		if (i >= RMM_SLAB_NAME_LEN - 1)
			return false;
		/* slabinfo is whitespace separated */
		if (name[i] <= ' ' || name[i] > '~')
			return false;
	}
	return true;
}

static void cache_free_meta(struct rmm_cache *c)
{
	rmm_kvfree(c->cpu);
	rmm_kvfree(c);
}

/* Allocate and lay out a cache (no lock held: may sleep).  Not listed. */
static struct rmm_cache *cache_new(struct rmm_slab_root *r, const char *name,
				   unsigned int size, unsigned int align,
				   unsigned long flags, void (*ctor)(void *))
{
	struct rmm_cache *c;
	int nr_nodes = r->mm->nr_nodes, i;

	c = rmm_kvzalloc(sizeof(*c) + nr_nodes * sizeof(c->node[0]));
	if (!c)
		return NULL;
	flags |= r->params.debug_flags;
	if (flags & RMM_SLAB_STORE_USER)
		flags |= RMM_SLAB_DEBUG;
	if (ctor)
		flags &= ~RMM_SLAB_POISON;	/* like SLUB: ctor state kept */
	c->flags = flags;
	c->object_size = size;
	c->align = calculate_alignment(flags, align, size);
	c->ctor = ctor;
	c->mm = r->mm;
	c->nr_nodes = nr_nodes;
	c->nr_cpus = (unsigned int)rmm_port_nr_cpu_ids;
	c->gfp = (flags & RMM_SLAB_RECLAIM_ACCOUNT) ? RMM___GFP_RECLAIMABLE : 0;
	strscpy(c->name, name, sizeof(c->name));
	if (calculate_sizes(c, r->kmalloc[RMM_KMALLOC_HDR_INDEX]))
		goto fail;
	/* SLUB: min_partial = clamp(ilog2(size) / 2, MIN_PARTIAL, MAX_PARTIAL) */
	c->min_partial = (rmm_fls(c->size) - 1) / 2;
	if (c->min_partial < RMM_SLAB_MIN_PARTIAL)
		c->min_partial = RMM_SLAB_MIN_PARTIAL;
	if (c->min_partial > RMM_SLAB_MAX_PARTIAL)
		c->min_partial = RMM_SLAB_MAX_PARTIAL;
	set_cpu_limit(c);
	c->cpu = rmm_kvzalloc((size_t)c->nr_cpus * c->cpu_stride);
	if (!c->cpu)
		goto fail;
	for (i = 0; i < nr_nodes; i++) {
		rmm_spin_lock_init(&c->node[i].lock);
		slist_init(&c->node[i].partial);
		slist_init(&c->node[i].full);
	}
	slist_init(&c->list);
	return c;
fail:
	cache_free_meta(c);
	return NULL;
}

static void cache_publish(struct rmm_slab_root *r, struct rmm_cache *c)
{
	rmm_spin_lock(&r->lock);
	slist_add(&c->list, &r->caches);
	r->nr_caches++;
	rmm_spin_unlock(&r->lock);
}

/**
 * rmm_mm_cache_create - create an object cache on an instance
 * @mm: the regionmm instance (its slab state set up by rmm_slab_init())
 * @name: slabinfo name, printable, no spaces, < 32 bytes
 * @size: object size, 1 .. 32 MiB (within the largest buddy order)
 * @align: 0 or a power of two up to the page size
 * @flags: RMM_SLAB_* (others: -EINVAL)
 * @ctor: called on each object when its slab is made, or NULL
 *
 * Returns the cache or NULL (bad argument: reported with pr_err).
 */
struct rmm_cache *rmm_mm_cache_create(struct rmm_mm *mm, const char *name,
				      unsigned int size, unsigned int align,
				      unsigned long flags,
				      void (*ctor)(void *))
{
	struct rmm_slab_root *r = mm->slab;
	struct rmm_cache *c;

	if (!r) {
		rmm_pr_err("slab: cache_create: instance has no slab state (rmm_slab_init not called)\n");
		return NULL;
	}
	if (!valid_name(name)) {
		rmm_pr_err("slab: cache_create: name: empty, too long or not printable without spaces\n");
		return NULL;
	}
	if (!size || size > (RMM_PAGE_SIZE << (RMM_MAX_ORDER - 1)) / 2) {
		rmm_pr_err("slab: cache_create %s: size %u out of range\n",
			    name, size);
		return NULL;
	}
	if (align & (align - 1) || align > RMM_PAGE_SIZE) {
		rmm_pr_err("slab: cache_create %s: align %u not a power of two <= page size\n",
			    name, align);
		return NULL;
	}
	if (flags & ~RMM_SLAB_VALID_FLAGS) {
		rmm_pr_err("slab: cache_create %s: unknown flags 0x%lx\n",
			    name, flags & ~RMM_SLAB_VALID_FLAGS);
		return NULL;
	}
	c = cache_new(r, name, size, align, flags, ctor);
	if (c)
		cache_publish(r, c);
	else
		rmm_pr_err("slab: cache_create %s: size %u cannot be laid out or no memory\n",
			    name, size);
	return c;
}
RMM_EXPORT(rmm_mm_cache_create);

/* ------------------------------------------------- shrink and destroy */

/*
 * Empty every per-CPU array of @c into the slabs.  The caller guarantees
 * no other CPU uses the cache's arrays concurrently (destroy), or runs
 * this on the owning CPU (shrink, through rmm_on_each_cpu()).
 */
static void flush_cpu_array(struct rmm_cache *c, int cpu,
			    enum empty_slab empty)
{
	struct rmm_slab_cpu *a = cpu_array(c, cpu);

	if (a->count) {
		put_objects(c, a->objs, a->count, empty);
		a->count = 0;
	}
}

static void flush_this_cpu(void *arg)
{
	struct rmm_cache *c = arg;
	int cpu = rmm_get_cpu();
	struct rmm_slab_cpu *a = cpu_array(c, cpu);

	if (!READ_ONCE(a->busy)) {
		WRITE_ONCE(a->busy, 1);
		barrier();
		flush_cpu_array(c, cpu, EMPTY_KEEP);
		barrier();
		WRITE_ONCE(a->busy, 0);
	}
	rmm_put_cpu();
}

/* Free the empty slabs of every node (min_partial ignored). */
static unsigned long discard_empty(struct rmm_cache *c)
{
	unsigned long pages = 0;
	int i;

	for (i = 0; i < c->nr_nodes; i++) {
		struct rmm_cache_node *n = &c->node[i];
		struct rmm_slab_list empty, *l, *next;
		unsigned long flags;

		slist_init(&empty);
		rmm_spin_lock_irqsave(&n->lock, flags);
		for (l = n->partial.next; l != &n->partial; l = next) {
			struct rmm_slab *s = slab_of_list(l);

			next = l->next;
			if (s->inuse)
				continue;
			slist_del(&s->list);
			slist_add(&s->list, &empty);
			n->nr_partial--;
			n->nr_slabs--;
			n->nr_free -= c->objects;
		}
		rmm_spin_unlock_irqrestore(&n->lock, flags);
		while (!slist_empty(&empty)) {
			struct rmm_slab *s = slab_of_list(empty.next);

			slist_del(&s->list);
			discard_slab(c, s);
			pages += 1UL << c->order;
		}
	}
	return pages;
}

static unsigned long cache_shrink_locked(struct rmm_cache *c)
{
	if (!cache_debug(c))
		rmm_on_each_cpu(flush_this_cpu, c);
	return discard_empty(c);
}

/**
 * rmm_cache_shrink - return the cache's free memory to the buddy
 * @c: the cache
 *
 * Flushes the per-CPU arrays and frees every empty slab.  Returns the
 * number of pages given back.
 */
int rmm_cache_shrink(struct rmm_cache *c)
{
	struct rmm_slab_root *r = c->mm->slab;
	unsigned long pages;

	rmm_spin_lock(&r->lock);
	pages = cache_shrink_locked(c);
	rmm_spin_unlock(&r->lock);
	return pages > 0x7fffffff ? 0x7fffffff : (int)pages;
}
RMM_EXPORT(rmm_cache_shrink);

/**
 * rmm_slab_shrink_all - shrink every cache of an instance
 * @mm: the instance
 *
 * The entry point for reclaim (phase 2).  Process context.  Returns the
 * number of pages given back to the buddy.
 */
unsigned long rmm_slab_shrink_all(struct rmm_mm *mm)
{
	struct rmm_slab_root *r = mm->slab;
	struct rmm_slab_list *l;
	unsigned long pages = 0;

	if (!r)
		return 0;
	rmm_spin_lock(&r->lock);
	for (l = r->caches.next; l != &r->caches; l = l->next)
		pages += cache_shrink_locked(cache_of_list(l));
	rmm_spin_unlock(&r->lock);
	return pages;
}
RMM_EXPORT(rmm_slab_shrink_all);

/*
 * Reclaim's shrinker for the slab (registered by rmm_reclaim_init()).
 * The allocator keeps up to min_partial empty slabs per node and cache
 * (and free objects in the per-CPU arrays) instead of giving them back
 * at once, as SLUB does; under memory pressure this shrinker gives them
 * back.  Objects are pages: count = pages of empty slabs on the partial
 * lists, scan = rmm_slab_shrink_all() (per-CPU arrays flushed, every
 * empty slab freed), whatever nr_to_scan says.  The kernel's SLUB has no
 * such shrinker (its empty slabs beyond min_partial are freed at once,
 * as here; the rest waits for kmem_cache_shrink()).
 */
static unsigned long slab_count_empty(struct rmm_shrinker *sh,
				      struct rmm_shrink_control *sc)
{
	struct rmm_slab_root *r = rmm_slab_root_of(sh->private_data);
	struct rmm_slab_list *l, *sl;
	unsigned long pages = 0;
	int i;

	if (!r)
		return 0;
	rmm_spin_lock(&r->lock);
	for (l = r->caches.next; l != &r->caches; l = l->next) {
		struct rmm_cache *c = cache_of_list(l);

		for (i = 0; i < c->nr_nodes; i++) {
			struct rmm_cache_node *n = &c->node[i];
			unsigned long flags;

			rmm_spin_lock_irqsave(&n->lock, flags);
			for (sl = n->partial.next; sl != &n->partial;
			     sl = sl->next)
				if (!slab_of_list(sl)->inuse)
					pages += 1UL << c->order;
			rmm_spin_unlock_irqrestore(&n->lock, flags);
		}
	}
	rmm_spin_unlock(&r->lock);
	return pages;
}

static unsigned long slab_scan_empty(struct rmm_shrinker *sh,
				     struct rmm_shrink_control *sc)
{
	return rmm_slab_shrink_all(sh->private_data);
}

void rmm_slab_shrinker_init(struct rmm_mm *mm, struct rmm_shrinker *sh)
{
	sh->count_objects = slab_count_empty;
	sh->scan_objects = slab_scan_empty;
	sh->seeks = RMM_DEFAULT_SEEKS;
	sh->batch = 0;
	sh->private_data = mm;
}

/**
 * rmm_slab_cpu_dead - flush the per-CPU arrays of a CPU that went offline
 * @mm: the instance
 * @cpu: the dead CPU (nothing runs on it any more)
 *
 * Called from the glue's CPU-hotplug "dead" callback.
 */
void rmm_slab_cpu_dead(struct rmm_mm *mm, int cpu)
{
	struct rmm_slab_root *r = mm->slab;
	struct rmm_slab_list *l;

	if (!r)
		return;
	rmm_spin_lock(&r->lock);
	for (l = r->caches.next; l != &r->caches; l = l->next) {
		struct rmm_cache *c = cache_of_list(l);

		if (cpu >= 0 && cpu < (int)c->nr_cpus)
			flush_cpu_array(c, cpu, EMPTY_DISCARD);
	}
	rmm_spin_unlock(&r->lock);
}
RMM_EXPORT(rmm_slab_cpu_dead);

static unsigned long cache_live_objects(struct rmm_cache *c)
{
	unsigned long objs = 0, fr = 0;
	int i;

	for (i = 0; i < c->nr_nodes; i++) {
		objs += READ_ONCE(c->node[i].nr_slabs) * c->objects;
		fr += READ_ONCE(c->node[i].nr_free);
	}
	return objs - fr;
}

/* Free all slabs (the cache has no live objects but quarantined ones). */
static void cache_free_all_slabs(struct rmm_cache *c)
{
	int i;

	for (i = 0; i < c->nr_nodes; i++) {
		struct rmm_cache_node *n = &c->node[i];
		struct rmm_slab_list *lists[2] = { &n->partial, &n->full };
		int j;

		for (j = 0; j < 2; j++) {
			while (!slist_empty(lists[j])) {
				struct rmm_slab *s = slab_of_list(lists[j]->next);

				slist_del(&s->list);
				discard_slab(c, s);
			}
		}
		n->nr_partial = 0;
		n->nr_slabs = 0;
		n->nr_free = 0;
	}
}

static void cache_unlink(struct rmm_slab_root *r, struct rmm_cache *c)
{
	rmm_spin_lock(&r->lock);
	slist_del(&c->list);
	r->nr_caches--;
	rmm_spin_unlock(&r->lock);
}

/*
 * Empty the per-CPU arrays of an unlisted cache nobody uses any more and
 * report it when objects are still allocated.  0 or -EBUSY.
 */
static int cache_drain_check(struct rmm_cache *c, const char *when)
{
	unsigned long live;
	int cpu;

	for (cpu = 0; cpu < (int)c->nr_cpus; cpu++)
		flush_cpu_array(c, cpu, EMPTY_DISCARD);
	live = cache_live_objects(c);
	if (live > c->nr_quarantined) {
		slab_refuse(c, "%s refused (-EBUSY): %lu objects still allocated",
			    when, live - c->nr_quarantined);
		return -EBUSY;
	}
	return 0;
}

/* Give every slab back and free the cache (drained, unlisted). */
static void cache_release(struct rmm_cache *c)
{
	if (c->nr_quarantined)
		slab_refuse(c, "releasing %lu objects quarantined after corruption reports",
			    c->nr_quarantined);
	cache_free_all_slabs(c);
	cache_free_meta(c);
}

/**
 * rmm_cache_destroy - destroy a cache
 * @c: the cache (no other user may touch it during or after the call)
 *
 * Returns 0, or -EBUSY (cache kept, report naming cache and count) while
 * objects are allocated.  Process context.
 */
int rmm_cache_destroy(struct rmm_cache *c)
{
	struct rmm_slab_root *r;

	if (!c)
		return 0;
	r = c->mm->slab;
	/* unlisted first: shrink_all and slabinfo no longer see it */
	cache_unlink(r, c);
	if (cache_drain_check(c, "destroy")) {
		cache_publish(r, c);
		return -EBUSY;
	}
	cache_release(c);
	return 0;
}
RMM_EXPORT(rmm_cache_destroy);

/* ---------------------------------------------------------- validation */

/* @s was found on @list of node @nid (@n): its partial or its full list */
static int validate_slab(struct rmm_cache *c, struct rmm_cache_node *n,
			 int nid, struct rmm_slab *s,
			 const struct rmm_slab_list *list,
			 unsigned char *seen, unsigned long *nfree)
{
	bool full = list == &n->full;
	unsigned int cnt = 0;
	unsigned long off;
	void *p;
	long idx;

	if (s->magic != RMM_SLAB_MAGIC || s->cache != c) {
		slab_report(c, "validate: slab header damaged or foreign");
		return -EFAULT;
	}
	if (s->nid != nid || s->on_full != full) {
		slab_report(c, "validate: slab on the wrong list (nid %u/%d, full %u/%d)",
			    s->nid, nid, s->on_full, full);
		return -EFAULT;
	}
	if (slab_virt_to_slab(c->mm, slab_obj(s, c, 0)) != s) {
		slab_report(c, "validate: object -> slab lookup does not find the slab");
		return -EFAULT;
	}
	memset(seen, 0, c->objects);
	for (p = s->freelist; p; p = get_fp(c, p)) {
		idx = obj_index(c, s, p, &off);
		if (idx < 0) {
			slab_report(c, "validate: freelist entry at offset %lu is not an object of the slab",
				    off);
			return -EFAULT;
		}
		if (seen[idx]) {
			slab_report(c, "validate: object %ld twice on a freelist",
				    idx);
			return -EFAULT;
		}
		seen[idx] = 1;
		cnt++;
		if (cache_debug(c) &&
		    !check_object(c, s, p, RMM_RED_INACTIVE, "while free"))
			return -EFAULT;
	}
	if (cnt + s->inuse != c->objects) {
		slab_report(c, "validate: slab has %u free + %u inuse != %u objects",
			    cnt, s->inuse, c->objects);
		return -EFAULT;
	}
	if (full != !s->freelist) {
		slab_report(c, "validate: full list membership does not match the freelist");
		return -EFAULT;
	}
	*nfree += cnt;
	return 0;
}

/*
 * What cache_validate() checks besides slabs, freelists and counters:
 * VALIDATE_CPU_ARRAYS - the per-CPU arrays; only when no other CPU uses
 *	the cache (tests).  Without it the check is safe at any time: the
 *	rest is read under the node locks.
 */
#define VALIDATE_CPU_ARRAYS	(1U << 0)

/* see rmm_cache_validate(); @seen holds c->objects bytes */
static int cache_validate(struct rmm_cache *c, unsigned char *seen,
			  unsigned int flags)
{
	unsigned long cached = 0;
	int i, ret = 0, cpu;

	for (i = 0; i < c->nr_nodes && !ret; i++) {
		struct rmm_cache_node *n = &c->node[i];
		unsigned long nslabs = 0, npartial = 0, nfree = 0, flags;
		struct rmm_slab_list *l;

		rmm_spin_lock_irqsave(&n->lock, flags);
		for (l = n->partial.next; l != &n->partial && !ret; l = l->next) {
			ret = validate_slab(c, n, i, slab_of_list(l),
					    &n->partial, seen, &nfree);
			nslabs++;
			npartial++;
		}
		for (l = n->full.next; l != &n->full && !ret; l = l->next) {
			ret = validate_slab(c, n, i, slab_of_list(l),
					    &n->full, seen, &nfree);
			nslabs++;
		}
		if (!ret && (nslabs != n->nr_slabs ||
			     npartial != n->nr_partial ||
			     nfree != n->nr_free)) {
			slab_report(c, "validate: node %d counters slabs %lu/%lu partial %lu/%lu free %lu/%lu",
				    i, n->nr_slabs, nslabs, n->nr_partial,
				    npartial, n->nr_free, nfree);
			ret = -EFAULT;
		}
		rmm_spin_unlock_irqrestore(&n->lock, flags);
	}
	/* objects cached per CPU: in a slab of this cache, not free there */
	for (cpu = 0; (flags & VALIDATE_CPU_ARRAYS) &&
	     cpu < (int)c->nr_cpus && !ret; cpu++) {
		struct rmm_slab_cpu *a = cpu_array(c, cpu);
		unsigned int k, j;

		if (a->count > c->cpu_limit) {
			slab_report(c, "validate: cpu %d array count %u > limit %u",
				    cpu, a->count, c->cpu_limit);
			ret = -EFAULT;
			break;
		}
		for (k = 0; k < a->count && !ret; k++) {
			struct rmm_slab *s = slab_virt_to_slab(c->mm, a->objs[k]);

			if (!s || s->cache != c ||
			    obj_index(c, s, a->objs[k], NULL) < 0) {
				slab_report(c, "validate: cpu %d array entry %u is not an object of this cache",
					    cpu, k);
				ret = -EFAULT;
			} else if (on_freelist(c, s, a->objs[k])) {
				slab_report(c, "validate: cpu %d array entry %u is also on its slab's freelist",
					    cpu, k);
				ret = -EFAULT;
			}
			for (j = 0; j < k && !ret; j++)
				if (a->objs[j] == a->objs[k]) {
					slab_report(c, "validate: cpu %d array holds an object twice",
						    cpu);
					ret = -EFAULT;
				}
		}
		cached += a->count;
	}
	if (!ret && cached > cache_live_objects(c)) {
		slab_report(c, "validate: %lu objects cached per CPU but only %lu in use in slabs",
			    cached, cache_live_objects(c));
		ret = -EFAULT;
	}
	return ret;
}

/**
 * rmm_cache_validate - check every invariant of a cache
 * @c: the cache; other CPUs must not use it meanwhile (test helper)
 *
 * Returns 0, or -EFAULT after reporting the first broken invariant.
 */
int rmm_cache_validate(struct rmm_cache *c)
{
	unsigned char *seen = rmm_kvzalloc(c->objects);
	int ret;

	if (!seen)
		return -ENOMEM;
	ret = cache_validate(c, seen, VALIDATE_CPU_ARRAYS);
	rmm_kvfree(seen);
	return ret;
}
RMM_EXPORT(rmm_cache_validate);

/* every cache of @mm; @flags: VALIDATE_* */
static int validate_all_caches(struct rmm_mm *mm, unsigned int flags)
{
	struct rmm_slab_root *r = mm->slab;
	struct rmm_slab_list *l;
	unsigned char *seen;
	int ret = 0;

	if (!r)
		return 0;
	seen = rmm_kvzalloc(RMM_SLAB_MAX_OBJS + 1);
	if (!seen)
		return -ENOMEM;
	rmm_spin_lock(&r->lock);
	for (l = r->caches.next; l != &r->caches && !ret; l = l->next)
		ret = cache_validate(cache_of_list(l), seen, flags);
	rmm_spin_unlock(&r->lock);
	rmm_kvfree(seen);
	return ret;
}

/**
 * rmm_slab_validate_all - validate every cache of an instance
 * @mm: the instance
 *
 * Safe at any time: slabs, freelists and counters are read under the node
 * locks.  rmm_mm_slab_validate() also checks the per-CPU arrays, when no
 * other CPU uses the caches (tests).
 */
int rmm_slab_validate_all(struct rmm_mm *mm)
{
	return validate_all_caches(mm, 0);
}
RMM_EXPORT(rmm_slab_validate_all);

/* everything, the per-CPU arrays included (tests) */
int rmm_mm_slab_validate(struct rmm_mm *mm)
{
	return validate_all_caches(mm, VALIDATE_CPU_ARRAYS);
}
RMM_EXPORT(rmm_mm_slab_validate);

/* ------------------------------------------------------------ slabinfo */

/* mm/slub.c get_slabinfo(): cpu-cached objects count as active */
void rmm_cache_get_slabinfo(struct rmm_cache *c, struct rmm_slabinfo *si)
{
	unsigned long slabs = 0, fr = 0;
	int i;

	for (i = 0; i < c->nr_nodes; i++) {
		slabs += READ_ONCE(c->node[i].nr_slabs);
		fr += READ_ONCE(c->node[i].nr_free);
	}
	si->num_objs = slabs * c->objects;
	si->active_objs = si->num_objs - (fr > si->num_objs ? si->num_objs : fr);
	si->active_slabs = slabs;
	si->num_slabs = slabs;
	si->objects_per_slab = c->objects;
	si->cache_order = c->order;
	si->limit = cache_debug(c) ? 0 : c->cpu_limit;
	si->batchcount = cache_debug(c) ? 0 : c->cpu_batch;
}

unsigned int rmm_cache_object_size(const struct rmm_cache *c)
{
	return c->object_size;
}
RMM_EXPORT(rmm_cache_object_size);

const char *rmm_cache_name(const struct rmm_cache *c)
{
	return c->name;
}
RMM_EXPORT(rmm_cache_name);

unsigned long rmm_cache_flags(const struct rmm_cache *c)
{
	return c->flags;
}
RMM_EXPORT(rmm_cache_flags);

/* ------------------------------------------------------------- kmalloc */

/* kmalloc-N names, index = kmalloc_index(N) as in the kernel */
static const struct {
	const char *name;
	unsigned int size;
} rmm_kmalloc_info[RMM_KMALLOC_NR] = {
	{ NULL, 0 }, { "kmalloc-96", 96 }, { "kmalloc-192", 192 },
	{ "kmalloc-8", 8 }, { "kmalloc-16", 16 }, { "kmalloc-32", 32 },
	{ "kmalloc-64", 64 }, { "kmalloc-128", 128 },
	{ "kmalloc-256", 256 }, { "kmalloc-512", 512 },
	{ "kmalloc-1k", 1024 }, { "kmalloc-2k", 2048 },
	{ "kmalloc-4k", 4096 }, { "kmalloc-8k", 8192 },
};

/* the kernel's size_index[] for sizes <= 192: index by (size - 1) / 8 */
static const unsigned char rmm_kmalloc_size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1, 7, 7, 7, 7,
	2, 2, 2, 2, 2, 2, 2, 2,
};

static inline unsigned int rmm_kmalloc_index(size_t size)
{
	if (size <= 192)
		return rmm_kmalloc_size_index[(size - 1) / 8];
	return rmm_fls((unsigned int)(size - 1));
}

static void *kmalloc_large_slowpath(struct rmm_mm *mm, size_t size,
				    rmm_gfp_t gfp)
{
	unsigned int order = get_order_size(size);
	struct rmm_slab_root *r = mm->slab;
	struct rmm_page *page;
	void *p;

	if (order > RMM_MAX_ORDER)	/* MAX_PAGE_ORDER: 4 MiB */
		return NULL;
	gfp &= ~(rmm_gfp_t)(RMM___GFP_MOVABLE | RMM___GFP_RECLAIMABLE);
	page = rmm_mm_alloc_pages(mm, RMM_NUMA_NO_NODE, order,
				  gfp | (order ? RMM___GFP_COMP : 0));
	if (!page)
		return NULL;
	slab_large_mark(page, order);
	/* like kmalloc_large(): counted as unreclaimable slab */
	account_slab_pages(mm, page, RMM_NR_SLAB_UNRECLAIMABLE_B, 1L << order);
	p = rmm_mm_page_address(mm, page);
	if (r)
		rmm_atomic_long_add(1L << order, &r->large_pages);
	return p;
}

/**
 * rmm_mm_kmalloc - allocate @size bytes
 * @mm: the instance
 * @size: bytes; 0 returns NULL (the kernel returns ZERO_SIZE_PTR)
 * @gfp: allocation flags
 *
 * Sizes up to 8192 come from the kmalloc-N caches (power-of-two objects
 * are naturally aligned up to the page size); larger ones are whole buddy
 * blocks (compound when order > 0).
 */
void *rmm_mm_kmalloc(struct rmm_mm *mm, size_t size, rmm_gfp_t gfp)
{
	struct rmm_slab_root *r;

	if (unlikely(!size))
		return NULL;
	if (unlikely(size > RMM_KMALLOC_MAX_CACHE)) {
		void *p = kmalloc_large_slowpath(mm, size, gfp);

		if (p && (gfp & RMM___GFP_ZERO))
			memset(p, 0, size);
		return p;
	}
	r = mm->slab;
	if (unlikely(!r))
		return NULL;
	return rmm_cache_alloc(r->kmalloc[rmm_kmalloc_index(size)], gfp);
}
RMM_EXPORT(rmm_mm_kmalloc);

/**
 * rmm_mm_kfree - free memory from rmm_mm_kmalloc
 * @mm: the instance
 * @p: the pointer rmm_mm_kmalloc() returned (NULL is ignored)
 *
 * A pointer that kmalloc did not return is reported and not freed.
 */
void rmm_mm_kfree(struct rmm_mm *mm, const void *p)
{
	struct rmm_page *page;

	if (unlikely(!p))
		return;
	page = rmm_mm_virt_to_page(mm, p);
	if (unlikely(!page)) {
		slab_report_mm(mm, "kfree of a pointer outside regionmm; not freed");
		return;
	}
	page = rmm_compound_head(page);
	if (unlikely(!RmmPageSlab(page))) {
		unsigned int order;
		struct rmm_slab_root *r = mm->slab;

		if (!slab_large_check(mm, page, p, &order)) {
			slab_report_mm(mm, "kfree of a pointer that kmalloc did not return; not freed");
			return;
		}
		slab_large_unmark(page, order);
		account_slab_pages(mm, page, RMM_NR_SLAB_UNRECLAIMABLE_B,
				   -(1L << order));
		rmm_mm_free_pages(mm, page, order);
		if (r)
			rmm_atomic_long_sub(1L << order, &r->large_pages);
		return;
	}
	rmm_cache_free(slab_head_cache(page), (void *)p);
}
RMM_EXPORT(rmm_mm_kfree);

/* bytes usable at @p (ksize()) */
size_t rmm_ksize(struct rmm_mm *mm, const void *p)
{
	struct rmm_page *page;
	struct rmm_slab *s;
	unsigned int order;

	if (!p)
		return 0;
	page = rmm_mm_virt_to_page(mm, p);
	if (!page)
		return 0;
	if (!RmmPageSlab(rmm_compound_head(page)))
		return slab_large_check(mm, page, p, &order) ?
			(size_t)RMM_PAGE_SIZE << order : 0;
	s = slab_virt_to_slab(mm, p);
	return s ? s->cache->object_size : 0;
}
RMM_EXPORT(rmm_ksize);

/* ------------------------------------------------ instance setup/teardown */

/**
 * rmm_slab_init - set up the slab state of an instance
 * @mm: an initialised instance
 * @p: the instance's slab settings (copied), or NULL for none
 *
 * Creates the kmalloc caches.  0, -EEXIST (already done) or -ENOMEM.
 */
int rmm_slab_init(struct rmm_mm *mm, const struct rmm_slab_params *p)
{
	struct rmm_slab_root *r;
	int i;

	if (mm->slab)
		return -EEXIST;
	r = rmm_kvzalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->mm = mm;
	if (p)
		r->params = *p;
	rmm_spin_lock_init(&r->lock);
	slist_init(&r->caches);
	for (i = 0; i < RMM_KMALLOC_NR; i++) {
		unsigned int sz = rmm_kmalloc_info[i].size;

		if (!sz)
			continue;
		/* power-of-two kmalloc objects are naturally aligned */
		r->kmalloc[i] = cache_new(r, rmm_kmalloc_info[i].name, sz,
					  (sz & (sz - 1)) ? 0 :
					  min_t(unsigned int, sz, RMM_PAGE_SIZE),
					  0, NULL);
		if (!r->kmalloc[i])
			goto fail;
		cache_publish(r, r->kmalloc[i]);
	}
	WRITE_ONCE(mm->slab, r);
	return 0;
fail:
	for (i = RMM_KMALLOC_NR - 1; i > 0; i--) {
		if (r->kmalloc[i]) {
			cache_unlink(r, r->kmalloc[i]);
			cache_release(r->kmalloc[i]);
		}
	}
	rmm_kvfree(r);
	return -ENOMEM;
}
RMM_EXPORT(rmm_slab_init);

/**
 * rmm_slab_fini - tear down the slab state of an instance
 * @mm: the instance
 *
 * Destroys the kmalloc caches.  -EBUSY (state kept, each busy cache
 * reported) while any cache still exists besides them or objects live.
 */
int rmm_slab_fini(struct rmm_mm *mm)
{
	struct rmm_slab_root *r = mm->slab;
	struct rmm_slab_list *l;
	int i, pass, busy = 0;

	if (!r)
		return 0;
	rmm_spin_lock(&r->lock);
	for (l = r->caches.next; l != &r->caches; l = l->next) {
		struct rmm_cache *c = cache_of_list(l);
		bool km = false;

		for (i = 0; i < RMM_KMALLOC_NR; i++)
			km |= r->kmalloc[i] == c;
		if (!km) {
			slab_refuse(c, "still exists at teardown");
			busy = 1;
		}
	}
	rmm_spin_unlock(&r->lock);
	/*
	 * No user is left: drain the kmalloc caches here.  Off-slab ones
	 * first and their slabs freed at once: their headers are objects of
	 * kmalloc-64, which must be empty when its turn comes.
	 */
	for (pass = 0; pass < 2; pass++) {
		for (i = RMM_KMALLOC_NR - 1; i > 0; i--) {
			struct rmm_cache *c = r->kmalloc[i];

			if (!c || !c->hdr_cache != !!pass)
				continue;
			if (cache_drain_check(c, "teardown"))
				busy = 1;
			else if (!pass)
				cache_free_all_slabs(c);
		}
	}
	if (rmm_atomic_long_read(&r->large_pages)) {
		rmm_pr_err("slab: %ld pages of large kmalloc blocks still allocated at teardown\n",
			    rmm_atomic_long_read(&r->large_pages));
		busy = 1;
	}
	if (busy)
		return -EBUSY;
	WRITE_ONCE(mm->slab, NULL);
	for (i = RMM_KMALLOC_NR - 1; i > 0; i--) {
		if (r->kmalloc[i]) {
			cache_unlink(r, r->kmalloc[i]);
			cache_release(r->kmalloc[i]);
		}
	}
	rmm_kvfree(r);
	return 0;
}
RMM_EXPORT(rmm_slab_fini);

/* ------------------------------------------------------- slab_debug= */

/**
 * rmm_slab_parse_debug - parse a slab_debug= value like the kernel's
 * @str: "" or "1" (all checks: F Z P), "-" or "0" (none), or letters
 *       F (consistency: double/wrong-cache/bad-pointer frees),
 *       Z (red zones), P (poisoning), U (store user: treated as F)
 * @flags: out, RMM_SLAB_* flags
 *
 * Returns 0 or -EINVAL (unknown letter; @flags untouched).
 */
int rmm_slab_parse_debug(const char *str, unsigned long *flags)
{
	unsigned long f = 0;
	const char *p;

	if (!str || !*str || !strcmp(str, "1") || !strcmp(str, "\n")) {
		*flags = RMM_SLAB_DEBUG | RMM_SLAB_RED_ZONE | RMM_SLAB_POISON;
		return 0;
	}
	if (!strcmp(str, "-") || !strcmp(str, "0") || !strcmp(str, "-\n") ||
	    !strcmp(str, "0\n")) {
		*flags = 0;
		return 0;
	}
	for (p = str; *p && *p != '\n'; p++) {
		switch (*p) {
		case 'f': case 'F':
			f |= RMM_SLAB_DEBUG;
			break;
		case 'z': case 'Z':
			f |= RMM_SLAB_RED_ZONE;
			break;
		case 'p': case 'P':
			f |= RMM_SLAB_POISON;
			break;
		case 'u': case 'U':
			f |= RMM_SLAB_STORE_USER;
			break;
		default:
			return -EINVAL;
		}
	}
	*flags = f;
	return 0;
}
RMM_EXPORT(rmm_slab_parse_debug);
