/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmstat.h - counters of an instance (vmstat.c): zone/node page state,
 * vm and NUMA events, instance totals.
 *
 * Locking: none needed by callers (atomics and racy per-CPU sums).
 */
#ifndef _RMM_VMSTAT_H
#define _RMM_VMSTAT_H

#include "mmzone.h"

void rmm_mod_zone_page_state(struct rmm_zone *z, enum rmm_zone_stat_item i,
			     long delta);
void rmm_mod_node_page_state(struct rmm_node *n, enum rmm_node_stat_item i,
			     long delta);
static inline long rmm_node_page_state(const struct rmm_node *n,
				       enum rmm_node_stat_item i)
{
	long x = rmm_atomic_long_read(&n->vm_stat[i]);

	return x < 0 ? 0 : x;
}
/* sums over CPUs */
unsigned long rmm_zone_numa_event_state(const struct rmm_zone *z,
					enum rmm_numa_stat_item i);
unsigned long rmm_vm_event_state(const struct rmm_mm *mm,
				 enum rmm_vm_event_item i);
void rmm_count_vm_events(struct rmm_mm *mm, enum rmm_vm_event_item i,
			 unsigned long delta);	/* any context */
unsigned long rmm_mm_total_managed(const struct rmm_mm *mm);
unsigned long rmm_mm_total_free(const struct rmm_mm *mm);	/* NR_FREE_PAGES */
unsigned long rmm_mm_total_pcp(const struct rmm_mm *mm);	/* on pcp lists */
unsigned long rmm_mm_sum_over_zones(const struct rmm_mm *mm,
				    unsigned long (*val)(const struct rmm_zone *z));
/* of those, on the sparse lists (not in zoneinfo's count:) */
unsigned long rmm_mm_total_pcp_sparse(const struct rmm_mm *mm);
/* free blocks of >= pageblock size, in pageblocks (frag metric) */
unsigned long rmm_zone_free_pageblocks(const struct rmm_zone *z);

#endif /* _RMM_VMSTAT_H */
