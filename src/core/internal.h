/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - helpers shared by the core's .c files only (mm/internal.h
 * in spirit).  Not for the glue or the slab.
 */
#ifndef _RMM_INTERNAL_H
#define _RMM_INTERNAL_H

#include "page_alloc.h"
#include "plist.h"
#include "pageblock.h"

static inline bool rmm_mt_mergeable(int mt)
{
	return mt < RMM_MIGRATE_PCPTYPES;
}

/* page_alloc.c: free lists */
/* account_freepages(): isolated pages are not free pages (6.12) */
static inline void account_freepages(struct rmm_zone *zone, long nr, int mt)
{
	rmm_assert_held(&zone->lock);
	if (mt == RMM_MIGRATE_ISOLATE)
		return;
	rmm_atomic_long_set(&zone->vm_stat[RMM_NR_FREE_PAGES],
			    rmm_atomic_long_read(&zone->vm_stat[RMM_NR_FREE_PAGES]) + nr);
	if (mt == RMM_MIGRATE_CMA)
		rmm_atomic_long_set(&zone->vm_stat[RMM_NR_FREE_CMA_PAGES],
				    rmm_atomic_long_read(&zone->vm_stat[RMM_NR_FREE_CMA_PAGES]) + nr);
	else if (mt == RMM_MIGRATE_HIGHATOMIC)
		WRITE_ONCE(zone->nr_free_highatomic,
			   zone->nr_free_highatomic + nr);
}

/* @nr free pages change migratetype from @old_mt to @new_mt */
static inline void account_freepages_move(struct rmm_zone *zone, long nr,
					  int old_mt, int new_mt)
{
	account_freepages(zone, -nr, old_mt);
	account_freepages(zone, nr, new_mt);
}

void add_to_free_list(struct rmm_zone *zone, struct rmm_page *page,
		      u32 idx, unsigned int order, int mt);
void del_from_free_list(struct rmm_zone *zone, struct rmm_page *page,
			u32 idx, unsigned int order, int mt);
int free_pcp_list_locked(struct rmm_zone *zone, struct rmm_plist *list,
			 unsigned int order, int count, struct pb_batch *b);
int free_sparse_list_locked(struct rmm_zone *zone, struct rmm_plist *list,
			    struct pb_batch *b);
void __rmm_free_one_page(struct rmm_zone *zone, struct rmm_page *page,
			 u32 idx, unsigned int order, int mt);

/* page_alloc.c: compaction's side of the buddy (see there) */
unsigned long rmm___isolate_free_page(struct rmm_zone *zone,
				      struct rmm_page *page,
				      unsigned int order);
void rmm_post_alloc_page(struct rmm_mm *mm, struct rmm_page *page,
			 unsigned int order, rmm_gfp_t gfp);
bool rmm_free_pages_prepare(struct rmm_mm *mm, struct rmm_page *page,
			    unsigned int order);

#endif /* _RMM_INTERNAL_H */
