/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wmark.h - watermarks, lowmem reserves, pcp high/batch and the tunables
 * that drive them (wmark.c), and the vmstat threshold.
 *
 * Locking: rmm_set_tunable()/rmm_get_tunable() take mm->tunables_lock and
 * then zone->lock (tunables_lock -> zone->lock); the rmm_calc_*() are pure.
 */
#ifndef _RMM_WMARK_H
#define _RMM_WMARK_H

#include "mmzone.h"

/*
 * Pure what-if: watermarks and lowmem_reserve for the zones in @in with the
 * kernel's __setup_per_zone_wmarks / setup_per_zone_lowmem_reserve /
 * calculate_min_free_kbytes / calculate_totalreserve_pages arithmetic
 * (variant chosen by in->kver).  The instance uses exactly this function.
 */
void rmm_calc_wmarks(const struct rmm_wmark_in *in, struct rmm_wmark_out *out);

/*
 * Pure pcp sizing: zone_batchsize() and zone_highsize() (6.12: high_min
 * from the low watermark, high_max from managed / 8; 6.1: one high) for a
 * zone with @managed pages, low watermark @low_wmark, split over
 * @nr_split_cpus CPUs of its node, percpu_pagelist_high_fraction @fraction.
 */
void rmm_calc_pcp(unsigned int kver, unsigned long managed,
		  unsigned long low_wmark, int nr_split_cpus, int fraction,
		  int *batch, int *high_min, int *high_max);

/* kernel's default sysctl values (lowmem_reserve_ratio for the layout) */
void rmm_tunables_default(const struct rmm_layout *l, struct rmm_tunables *t);

/*
 * Set a tunable like writing /proc/sys/vm/<name>: validated with the
 * kernel's limits (-EINVAL and nothing changed), then watermarks,
 * protection and pcp high/batch are recomputed at once; the watermark
 * boost is dropped only by min_free_kbytes and watermark_scale_factor
 * writes (__setup_per_zone_wmarks()).
 * min_free_kbytes: 1 value >= 0 (or -1: back to automatic);
 * watermark_scale_factor: 1..3000 (both kernels);
 * watermark_boost_factor: >= 0; lowmem_reserve_ratio: nr_zones values >= 0
 * (the kernel ignores the last zones' values: kept but unused);
 * percpu_pagelist_high_fraction: 0 or >= 8;
 * oom_dump_tasks, oom_kill_allocating_task: any int (proc_dointvec),
 * non-zero is on; they only change what oom_kill.c reads;
 * swappiness: 0..200 (default 60); page-cluster: >= 0 (default 3), at
 * most 31 on 6.12 (page_cluster_max; 6.1: no limit); read by vmscan.c
 * and swapfile.c, nothing is recomputed.
 */
int rmm_set_tunable(struct rmm_mm *mm, enum rmm_tunable t, const long *vals,
		    int n);
int rmm_get_tunable(struct rmm_mm *mm, enum rmm_tunable t, long *vals, int n);

/*
 * @cpu came up (the glue's CPU-prepare stage) or died (after its lists were
 * drained): pcp high/batch and stat thresholds over the online CPUs again.
 */
void rmm_mm_cpu_online(struct rmm_mm *mm, int cpu);
void rmm_mm_cpu_dead(struct rmm_mm *mm, int cpu);

/* zoneinfo's "vm stats threshold" (calculate_normal_threshold) */
int rmm_zone_stat_threshold(const struct rmm_zone *z);

/* ---- core only ---- */
void rmm_recompute_all(struct rmm_mm *mm);	/* wmarks, reserve, pcp */
int rmm_calculate_normal_threshold(const struct rmm_zone *zone);

#endif /* _RMM_WMARK_H */
