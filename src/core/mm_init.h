/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm_init.h - lifetime of an instance (mm_init.c): the default layout,
 * building the sections, memmap, nodes, zones and zonelists over the given
 * ranges, and tearing them down.
 *
 * Locking: rmm_mm_init()/rmm_mm_fini() run in process context with nothing
 * else using the instance.
 */
#ifndef _RMM_MM_INIT_H
#define _RMM_MM_INIT_H

#include "mmzone.h"

/*
 * Fill @l with the x86_64 defaults: zones DMA, DMA32, Normal, Movable,
 * Device; @nr_nodes nodes with distance 10 local / 20 remote; @nr_cpus CPUs
 * spread round-robin over the nodes; kver 6.12; no CMA; the default pcp
 * sparse threshold (pcp.h).  For tests and as
 * the glue's starting point.
 */
void rmm_layout_default(struct rmm_layout *l, int nr_nodes, int nr_cpus);

/*
 * Build an instance over @nr_ranges ranges: sections, descriptors (carved
 * from the ranges, counted reserved), nodes, zones, zonelists, pcp sets,
 * watermarks; then frees every managed page into the buddy.
 * mm->ops (the caller's services, may be NULL) is kept: set it before.
 * Returns 0, -EINVAL (bad layout/ranges, with one pr_err) or -ENOMEM; on
 * error nothing is left allocated and @mm is zeroed.
 */
int rmm_mm_init(struct rmm_mm *mm, const struct rmm_layout *l,
		const struct rmm_range *r, int nr_ranges);

/*
 * Drain pcps, refuse with -EBUSY (and a report) if pages are still
 * allocated, else free all metadata.  0 on success.
 */
int rmm_mm_fini(struct rmm_mm *mm);

#endif /* _RMM_MM_INIT_H */
