/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - helpers shared by the core's .c files only (mm/internal.h
 * in spirit).  Not for the glue or the slab.
 */
#ifndef _RMM_INTERNAL_H
#define _RMM_INTERNAL_H

#include "plist.h"

static inline struct rmm_pageblock *rmm_pb_of_idx(const struct rmm_mm *mm,
						  u32 idx)
{
	return &mm->sections[idx >> RMM_SECTION_ORDER]
		.pb[(idx >> RMM_PAGEBLOCK_ORDER) & (RMM_PB_PER_SECTION - 1)];
}

/*
 * @page's pageblock and, in *@idx, its index (rmm_mm_page_idx()), from one
 * section lookup
 */
static inline struct rmm_pageblock *rmm_page_pb(const struct rmm_mm *mm,
						const struct rmm_page *page,
						u32 *idx)
{
	u32 sec = rmm_page_section(page);
	const struct rmm_mem_section *ms = &mm->sections[sec];
	u32 off = page - ms->memmap;

	*idx = (sec << RMM_SECTION_ORDER) | off;
	return &ms->pb[off >> RMM_PAGEBLOCK_ORDER];
}

/* pageblock number (idx >> pageblock_order) -> pageblock */
static inline struct rmm_pageblock *rmm_pb_nr(const struct rmm_mm *mm, u32 n)
{
	return &mm->sections[n >> (RMM_SECTION_ORDER - RMM_PAGEBLOCK_ORDER)]
		.pb[n & (RMM_PB_PER_SECTION - 1)];
}

static inline bool rmm_mt_mergeable(int mt)
{
	return mt < RMM_MIGRATE_PCPTYPES;
}

/* page_alloc.c */
void __rmm_free_one_page(struct rmm_zone *zone, struct rmm_page *page,
			 u32 idx, unsigned int order, int mt);
void rmm_pb_set_mt_locked(struct rmm_zone *zone, u32 pbn, int mt);
void rmm_pcp_init(struct rmm_per_cpu_pages *pcp);

/* wmark.c */
void rmm_recompute_all(struct rmm_mm *mm);	/* wmarks, reserve, pcp */
int rmm_calculate_normal_threshold(const struct rmm_zone *zone);

#endif /* _RMM_INTERNAL_H */
