/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memory_model.h - O(1) conversions between page descriptors, page indices,
 * pfns, addresses and zones of one instance (include/asm-generic/
 * memory_model.h and include/linux/mm.h in spirit), and the zone
 * iterators.  Depends on the types of mmzone.h only, so that low-level
 * headers (plist.h, pageblock.h) need nothing of the allocator.
 *
 * Locking: none; the section table, memmap and zones are fixed between
 * rmm_mm_init() and rmm_mm_fini().
 */
#ifndef _RMM_MEMORY_MODEL_H
#define _RMM_MEMORY_MODEL_H

#include "mmzone.h"

/* ---- conversions (O(1)) ---- */
static inline struct rmm_page *rmm_mm_idx_to_page(const struct rmm_mm *mm,
						  u32 idx)
{
	return mm->sections[idx >> RMM_SECTION_ORDER].memmap +
		(idx & (RMM_PAGES_PER_SECTION - 1));
}

static inline u32 rmm_mm_page_idx(const struct rmm_mm *mm,
				  const struct rmm_page *page)
{
	u32 sec = rmm_page_section(page);

	return (sec << RMM_SECTION_ORDER) |
		(u32)(page - mm->sections[sec].memmap);
}

static inline unsigned long rmm_mm_page_to_pfn(const struct rmm_mm *mm,
					       const struct rmm_page *page)
{
	return mm->base_pfn + rmm_mm_page_idx(mm, page);
}

/* NULL if @pfn is not a present page of this instance */
static inline struct rmm_page *rmm_mm_pfn_to_page(const struct rmm_mm *mm,
						  unsigned long pfn)
{
	const struct rmm_mem_section *ms;
	struct rmm_page *page;
	unsigned long idx;

	if (unlikely(pfn < mm->base_pfn || pfn >= mm->end_pfn))
		return NULL;
	idx = pfn - mm->base_pfn;
	ms = &mm->sections[idx >> RMM_SECTION_ORDER];
	if (unlikely(!ms->memmap))
		return NULL;
	page = ms->memmap + (idx & (RMM_PAGES_PER_SECTION - 1));
	return RmmPageHole(page) ? NULL : page;
}

static inline struct rmm_zone *rmm_mm_page_zone(const struct rmm_mm *mm,
						const struct rmm_page *page)
{
	return mm->sections[rmm_page_section(page)].zone;
}

static inline int rmm_mm_page_nid(const struct rmm_mm *mm,
				  const struct rmm_page *page)
{
	return rmm_mm_page_zone(mm, page)->nid;
}

static inline void *rmm_mm_page_address(const struct rmm_mm *mm,
					const struct rmm_page *page)
{
	const struct rmm_mem_section *ms = &mm->sections[rmm_page_section(page)];

	return (void *)(ms->vbase +
			((uintptr_t)(page - ms->memmap) << RMM_PAGE_SHIFT));
}

static inline u64 rmm_mm_page_to_phys(const struct rmm_mm *mm,
				      const struct rmm_page *page)
{
	return (u64)rmm_mm_page_to_pfn(mm, page) << RMM_PAGE_SHIFT;
}

struct rmm_page *rmm_mm_virt_to_page_slow(const struct rmm_mm *mm,
					  const void *addr);

/* NULL if @addr is not inside a present page of the instance */
static inline struct rmm_page *rmm_mm_virt_to_page(const struct rmm_mm *mm,
						   const void *addr)
{
	if (likely(mm->virt_linear))
		return rmm_mm_pfn_to_page(mm, ((uintptr_t)addr - mm->virt_bias)
					  >> RMM_PAGE_SHIFT);
	return rmm_mm_virt_to_page_slow(mm, addr);
}

/*
 * compound_head(): the head page of @page's compound page (__GFP_COMP), or
 * @page itself if it is not a tail.  A buddy block (order <= MAX_ORDER ==
 * SECTION_ORDER, naturally aligned) never straddles a section, so the head
 * is in the same memmap, private (the tail's offset) pages before it.
 */
_Static_assert(RMM_MAX_ORDER <= RMM_SECTION_ORDER,
	       "a buddy block must lie inside one section");

static inline struct rmm_page *rmm_compound_head(struct rmm_page *page)
{
	return RmmPageTail(page) ? page - page->private : page;
}

/* compound_order(): the order of the compound page @head, 0 if not a head */
static inline unsigned int rmm_compound_order(const struct rmm_page *head)
{
	return RmmPageHead(head) ? head[1].next : 0;
}

/* ---- iteration ---- */
/* next zone of the instance in (node, zone index) order, NULL at the end */
static inline struct rmm_zone *rmm_next_zone(const struct rmm_mm *mm,
					     const struct rmm_zone *z)
{
	if (z->idx + 1 < mm->nr_zones)
		return (struct rmm_zone *)&mm->nodes[z->nid].node_zones[z->idx + 1];
	if (z->nid + 1 < mm->nr_nodes)
		return (struct rmm_zone *)&mm->nodes[z->nid + 1].node_zones[0];
	return NULL;
}

static inline struct rmm_zone *rmm_skip_unpopulated(const struct rmm_mm *mm,
						    struct rmm_zone *z)
{
	while (z && !rmm_populated_zone(z))
		z = rmm_next_zone(mm, z);
	return z;
}

#define rmm_for_each_zone(mm, z)					\
	for ((z) = (struct rmm_zone *)(mm)->nodes[0].node_zones; (z);	\
	     (z) = rmm_next_zone(mm, z))

#define rmm_for_each_populated_zone(mm, z)				\
	for ((z) = rmm_skip_unpopulated(mm,				\
			(struct rmm_zone *)(mm)->nodes[0].node_zones);	\
	     (z); (z) = rmm_skip_unpopulated(mm, rmm_next_zone(mm, z)))

#endif /* _RMM_MEMORY_MODEL_H */
