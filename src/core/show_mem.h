/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show_mem.h - what the user-visible files report about an instance that
 * is computed rather than read from one counter: MemAvailable
 * (si_mem_available()), regionmm's own event counters, and which kernel's
 * behaviour the instance follows.  The glue prints; show_mem.c computes.
 *
 * No locking: every function reads counters and watermarks with READ_ONCE
 * (a snapshot, like the kernel's /proc readers); none may be called with
 * a zone lock held.
 */
#ifndef _RMM_SHOW_MEM_H
#define _RMM_SHOW_MEM_H

#include "mmzone.h"

/*
 * si_mem_available() of mm/show_mem.c (6.12; mm/page_alloc.c in 6.1, same
 * arithmetic) over the instance, in pages:
 *   wmark_low   = sum over every zone (populated or not) of
 *                 low_wmark_pages(zone) (watermark_boost included)
 *   available   = NR_FREE_PAGES - totalreserve_pages
 *               + pagecache   - min(pagecache / 2, wmark_low)
 *               + reclaimable - min(reclaimable / 2, wmark_low)
 *   pagecache   = NR_ACTIVE_FILE + NR_INACTIVE_FILE
 *   reclaimable = NR_SLAB_RECLAIMABLE_B (in pages) +
 *                 NR_KERNEL_MISC_RECLAIMABLE
 * clamped at 0.  totalreserve_pages is the value computed with the
 * watermarks (calculate_totalreserve_pages()), not recomputed here.
 */
long rmm_mm_si_mem_available(const struct rmm_mm *mm);

/* sum of low_wmark_pages() over every zone of @mm */
unsigned long rmm_mm_wmark_low_sum(const struct rmm_mm *mm);

/*
 * /proc/regionmm/stats: counters regionmm has and the kernel's
 * /proc/vmstat has not.  rmm_stat_names[i] is the name printed for
 * rmm_mm_stat(mm, i).
 */
enum rmm_stat_item {
	RMM_STAT_PGALLOC_FAIL,		/* allocations that returned NULL */
	RMM_STAT_PGSTEAL_FALLBACK,	/* blocks taken from another mt */
	RMM_STAT_DRAIN_ALL,		/* drain_all_pages() calls */
	RMM_STAT_NR_PCP_SPARSE,		/* pages on per-CPU sparse lists now */
	RMM_NR_STAT_ITEMS
};

extern const char * const rmm_stat_names[RMM_NR_STAT_ITEMS];
unsigned long rmm_mm_stat(const struct rmm_mm *mm, enum rmm_stat_item i);

/*
 * Which kernel behaviour the instance follows (from layout.kver), and the
 * Debian kernel package it was verified against.  Strings are static.
 */
struct rmm_behaviour {
	const char *family;		/* "6.12" or "6.1" */
	const char *verified_pkg;	/* Debian package version */
	unsigned int verified_sublevel;	/* its upstream sublevel */
	const char *pcp;
	const char *fallback;
	const char *watermarks;
	const char *min_free_kbytes;	/* which automatic rule */
	const char *lru;
};

void rmm_mm_behaviour(const struct rmm_mm *mm, struct rmm_behaviour *b);

#endif /* _RMM_SHOW_MEM_H */
