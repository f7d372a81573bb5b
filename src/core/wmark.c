// SPDX-License-Identifier: GPL-2.0
/*
 * wmark.c - watermarks, lowmem reserves ("protection"), totalreserve_pages,
 * min_free_kbytes, per-CPU pageset high/batch and the tunables that drive
 * them, with the kernel's integer arithmetic (mm/page_alloc.c:
 * calculate_min_free_kbytes, __setup_per_zone_wmarks,
 * setup_per_zone_lowmem_reserve, calculate_totalreserve_pages,
 * zone_batchsize, zone_highsize, zone_set_pageset_high_and_batch;
 * mm/khugepaged.c: set_recommended_min_free_kbytes; mm/vmstat.c:
 * calculate_normal_threshold), recomputed over the online CPUs on CPU
 * hotplug (rmm_mm_cpu_online()/rmm_mm_cpu_dead()).
 *
 * 6.1 vs 6.12 (selected by layout.kver / wmark_in.kver):
 *   - lowmem_pages: 6.12 leaves ZONE_MOVABLE out and caps its min
 *     watermark like highmem (managed/1024 clamped to 32..128); 6.1 treats
 *     Movable as lowmem on 64-bit.
 *   - pcp: 6.12 has high_min/high_max (auto-tuned high between them);
 *     6.1 has a single high (we set high_min = high_max = high).
 *   setup_per_zone_lowmem_reserve() and calculate_min_free_kbytes() are the
 *   same in both trees Debian ships.
 *
 * rmm_calc_wmarks() is pure; the instance feeds it its own zones so the
 * what-if ioctl and the zones can never disagree.
 *
 * Locking: mm->tunables_lock serialises recomputation; each zone's values
 * are written under zone->lock; pcp high/batch with WRITE_ONCE (readers are
 * the owning CPUs, like pageset_update()).
 */
#include "internal.h"

#define SWAP_CLUSTER_MAX	32UL
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION 8
#define SWAPPINESS_MAX		200	/* SYSCTL_TWO_HUNDRED */
#define PAGE_CLUSTER_MAX_6_12	31	/* 6.12's page_cluster_max */

static inline u64 mult_frac_u64(u64 x, u64 n, u64 d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

static inline unsigned long rounddown_pow_of_two_ul(unsigned long n)
{
	return n ? 1UL << (rmm_fls64(n) - 1) : 0;
}

void rmm_tunables_default(const struct rmm_layout *l, struct rmm_tunables *t)
{
	memset(t, 0, sizeof(*t));
	t->min_free_kbytes = 1024;	/* replaced by calculate_min_free_kbytes */
	t->user_min_free_kbytes = -1;
	t->watermark_scale_factor = 10;
	t->watermark_boost_factor = 15000;
	if (l->zone_dma >= 0)
		t->lowmem_reserve_ratio[l->zone_dma] = 256;
	if (l->zone_dma32 >= 0)
		t->lowmem_reserve_ratio[l->zone_dma32] = 256;
	t->lowmem_reserve_ratio[l->zone_normal] = 32;
	t->percpu_pagelist_high_fraction = 0;
	t->oom_dump_tasks = 1;
	t->oom_kill_allocating_task = 0;
	t->swappiness = 60;		/* vm_swappiness */
	/*
	 * swap_setup(): 3, or 2 on machines with less than 16 MiB of RAM;
	 * the running kernel has far more, and so does any region worth
	 * swapping, so regionmm takes 3 whatever its size
	 */
	t->page_cluster = 3;
	t->compaction_proactiveness = 20;
	t->extfrag_threshold = 500;
	/* CONFIG_COMPACT_UNEVICTABLE_DEFAULT: 1 unless PREEMPT_RT */
	t->compact_unevictable_allowed = 1;
}
RMM_EXPORT(rmm_tunables_default);

static inline bool wm_is_movable(const struct rmm_wmark_in *in, int z)
{
	return in->zone_movable >= 0 && z == in->zone_movable;
}

/* calculate_min_free_kbytes(): from nr_free_buffer_pages() at boot */
static int calculate_min_free_kbytes(const struct rmm_wmark_in *in,
				     int nr_nodes, int nr_zones)
{
	unsigned long buffer_pages = 0, lowmem_kbytes;
	long new_mfk;
	int n, i;

	for (n = 0; n < nr_nodes; n++)
		for (i = 0; i < nr_zones; i++)
			if (i < (in->zone_movable >= 0 ?
				 in->zone_movable : nr_zones))
				buffer_pages += in->managed[n][i];
	lowmem_kbytes = buffer_pages * (RMM_PAGE_SIZE >> 10);
	new_mfk = rmm_int_sqrt(lowmem_kbytes * 16);
	return clamp(new_mfk, 128L, 262144L);
}

/* __setup_per_zone_wmarks() for min_free_kbytes = @mfk */
static void setup_per_zone_wmarks(const struct rmm_wmark_in *in,
				  struct rmm_wmark_out *out, int mfk,
				  int nr_nodes, int nr_zones)
{
	bool v612 = in->kver >= RMM_KVER(6, 12);
	unsigned long lowmem_pages = 0, pages_min;
	int n, i;

	pages_min = (unsigned long)mfk >> (RMM_PAGE_SHIFT - 10);
	for (n = 0; n < nr_nodes; n++)
		for (i = 0; i < nr_zones; i++)
			if (!v612 || !wm_is_movable(in, i))
				lowmem_pages += in->managed[n][i];

	for (n = 0; n < nr_nodes; n++)
		for (i = 0; i < nr_zones; i++) {
			unsigned long managed = in->managed[n][i];
			unsigned long *wm = out->wmark[n][i];
			u64 tmp;

			tmp = (u64)pages_min * managed;
			tmp = lowmem_pages ? tmp / lowmem_pages : 0;
			if (v612 && wm_is_movable(in, i)) {
				unsigned long min_pages = managed / 1024;

				min_pages = clamp(min_pages, SWAP_CLUSTER_MAX,
						  128UL);
				wm[RMM_WMARK_MIN] = min_pages;
			} else {
				wm[RMM_WMARK_MIN] = tmp;
			}
			tmp = max_t(u64, tmp >> 2,
				    mult_frac_u64(managed,
						  in->watermark_scale_factor,
						  10000));
			wm[RMM_WMARK_LOW] = wm[RMM_WMARK_MIN] + tmp;
			wm[RMM_WMARK_HIGH] = wm[RMM_WMARK_LOW] + tmp;
			wm[RMM_WMARK_PROMO] = wm[RMM_WMARK_HIGH] + tmp;
		}
}

/*
 * set_recommended_min_free_kbytes() of mm/khugepaged.c, which the running
 * kernel applies when khugepaged starts (THP enabled, as on Debian):
 * pageblock_nr_pages * nr_zones * (2 + MIGRATE_PCPTYPES^2), counting the
 * populated zones up to gfp_zone(GFP_USER) (Normal), at most 5 % of
 * nr_free_buffer_pages() (managed - high of those zones, with the
 * watermarks of the plain rule); it only ever raises the value.
 */
static int recommended_min_free_kbytes(const struct rmm_wmark_in *in,
				       const struct rmm_wmark_out *out,
				       int mfk, int nr_nodes, int nr_zones)
{
	unsigned long recommended, buffer_pages = 0;
	int n, i, zones = 0;

	for (n = 0; n < nr_nodes; n++)
		for (i = 0; i < nr_zones && i <= in->zone_normal; i++) {
			unsigned long managed = in->managed[n][i];
			unsigned long high = out->wmark[n][i][RMM_WMARK_HIGH];

			if (!managed)
				continue;
			zones++;
			if (managed > high)
				buffer_pages += managed - high;
		}
	recommended = RMM_PAGEBLOCK_NR_PAGES * zones * 2;
	recommended += RMM_PAGEBLOCK_NR_PAGES * zones *
		RMM_MIGRATE_PCPTYPES * RMM_MIGRATE_PCPTYPES;
	recommended = min(recommended, buffer_pages / 20);
	recommended <<= RMM_PAGE_SHIFT - 10;
	return recommended > (unsigned long)mfk ? (int)recommended : mfk;
}

void rmm_calc_wmarks(const struct rmm_wmark_in *in, struct rmm_wmark_out *out)
{
	int nr_nodes = in->nr_nodes > 0 ? min(in->nr_nodes, RMM_MAX_NUMNODES) : 1;
	int nr_zones = clamp(in->nr_zones, 1, RMM_MAX_NR_ZONES);
	int n, i, j, mfk;

	memset(out, 0, sizeof(*out));

	mfk = in->min_free_kbytes;
	if (mfk < 0) {
		mfk = calculate_min_free_kbytes(in, nr_nodes, nr_zones);
		if (in->thp_min_free_kbytes) {
			setup_per_zone_wmarks(in, out, mfk, nr_nodes, nr_zones);
			mfk = recommended_min_free_kbytes(in, out, mfk,
							  nr_nodes, nr_zones);
		}
	}
	out->min_free_kbytes = mfk;
	setup_per_zone_wmarks(in, out, mfk, nr_nodes, nr_zones);

	/* setup_per_zone_lowmem_reserve() */
	for (n = 0; n < nr_nodes; n++)
		for (i = 0; i < nr_zones - 1; i++) {
			int ratio = in->lowmem_reserve_ratio[i];
			bool clear = !ratio || !in->managed[n][i];
			unsigned long managed_pages = 0;

			for (j = i + 1; j < nr_zones; j++) {
				managed_pages += in->managed[n][j];
				out->lowmem_reserve[n][i][j] = clear ? 0 :
					(long)(managed_pages / ratio);
			}
		}

	/* calculate_totalreserve_pages() */
	for (n = 0; n < nr_nodes; n++)
		for (i = 0; i < nr_zones; i++) {
			long max = 0;

			for (j = i; j < nr_zones; j++)
				if (out->lowmem_reserve[n][i][j] > max)
					max = out->lowmem_reserve[n][i][j];
			max += out->wmark[n][i][RMM_WMARK_HIGH];
			if (max > (long)in->managed[n][i])
				max = in->managed[n][i];
			out->totalreserve_pages += max;
		}
}
RMM_EXPORT(rmm_calc_wmarks);

/* zone_batchsize() */
static int batchsize(unsigned long managed)
{
	int batch;

	batch = min_t(unsigned long, managed >> 10, (1UL << 20) / RMM_PAGE_SIZE);
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = rounddown_pow_of_two_ul(batch + batch / 2) - 1;
	return batch;
}

/* zone_highsize(), cpu_online = 0 */
static int highsize(unsigned long managed, unsigned long low_wmark,
		    int nr_split_cpus, int batch, int high_fraction)
{
	unsigned long total_pages;
	int high;

	if (!high_fraction)
		total_pages = low_wmark;
	else
		total_pages = managed / high_fraction;
	high = total_pages / nr_split_cpus;
	return max(high, batch << 2);
}

void rmm_calc_pcp(unsigned int kver, unsigned long managed,
		  unsigned long low_wmark, int nr_split_cpus, int fraction,
		  int *batch, int *high_min, int *high_max)
{
	int b = max(1, batchsize(managed));

	if (nr_split_cpus < 1)
		nr_split_cpus = 1;
	*batch = b;
	if (fraction) {
		*high_min = highsize(managed, low_wmark, nr_split_cpus, b,
				     fraction);
		*high_max = *high_min;
	} else if (kver >= RMM_KVER(6, 12)) {
		*high_min = highsize(managed, low_wmark, nr_split_cpus, b, 0);
		*high_max = highsize(managed, low_wmark, nr_split_cpus, b,
				     MIN_PERCPU_PAGELIST_HIGH_FRACTION);
	} else {
		*high_min = *high_max = highsize(managed, low_wmark,
						 nr_split_cpus, b, 0);
	}
}
RMM_EXPORT(rmm_calc_pcp);

static int online_cpus(const struct rmm_mm *mm)
{
	int cpu, n = 0;

	for (cpu = 0; cpu < mm->layout.nr_cpu_ids; cpu++)
		n += !mm->layout.cpu_offline[cpu];
	return n;
}

/* calculate_normal_threshold(): over online CPUs */
int rmm_calculate_normal_threshold(const struct rmm_zone *zone)
{
	int mem = rmm_zone_managed_pages(zone) >> (27 - RMM_PAGE_SHIFT);
	int threshold = 2 * rmm_fls(online_cpus(zone->mm)) *
		(1 + rmm_fls(mem));

	return min(125, threshold);
}

int rmm_zone_stat_threshold(const struct rmm_zone *z)
{
	return rmm_calculate_normal_threshold(z);
}
RMM_EXPORT(rmm_zone_stat_threshold);

static void zone_set_pageset_high_and_batch(struct rmm_zone *zone)
{
	const struct rmm_mm *mm = zone->mm;
	int new_high_min, new_high_max, new_batch, cpu, thr, nr_split = 0;

	/*
	 * zone_highsize(): split over the online CPUs local to the zone's
	 * node, else over all online CPUs
	 */
	for (cpu = 0; cpu < mm->layout.nr_cpu_ids; cpu++)
		if (mm->layout.cpu_to_node[cpu] == zone->nid &&
		    !mm->layout.cpu_offline[cpu])
			nr_split++;
	if (!nr_split)
		nr_split = online_cpus(mm);
	rmm_calc_pcp(mm->layout.kver, rmm_zone_managed_pages(zone),
		     rmm_low_wmark_pages(zone), nr_split,
		     mm->tunables.percpu_pagelist_high_fraction, &new_batch,
		     &new_high_min, &new_high_max);
	zone->pageset_high_min = new_high_min;
	zone->pageset_high_max = new_high_max;
	zone->pageset_batch = new_batch;
	thr = rmm_calculate_normal_threshold(zone);
	for (cpu = 0; cpu < mm->layout.nr_cpu_ids; cpu++) {
		struct rmm_per_cpu_pages *pcp = &zone->pcp[cpu];

		WRITE_ONCE(pcp->batch, new_batch);
		WRITE_ONCE(pcp->high_min, new_high_min);
		WRITE_ONCE(pcp->high_max, new_high_max);
		if (mm->layout.kver < RMM_KVER(6, 12))
			WRITE_ONCE(pcp->high, new_high_max);
		pcp->stat_threshold = thr;
	}
}

static void fill_wmark_in(const struct rmm_mm *mm, struct rmm_wmark_in *in)
{
	const struct rmm_zone *zone;

	memset(in, 0, sizeof(*in));
	in->kver = mm->layout.kver;
	in->nr_nodes = mm->nr_nodes;
	in->nr_zones = mm->nr_zones;
	in->zone_movable = mm->layout.zone_movable;
	in->zone_normal = mm->layout.zone_normal;
	in->thp_min_free_kbytes = mm->layout.thp_min_free_kbytes;
	rmm_for_each_zone(mm, zone)
		in->managed[zone->nid][zone->idx] =
			rmm_zone_managed_pages(zone);
	in->min_free_kbytes = mm->tunables.min_free_kbytes;
	in->watermark_scale_factor = mm->tunables.watermark_scale_factor;
	memcpy(in->lowmem_reserve_ratio, mm->tunables.lowmem_reserve_ratio,
	       sizeof(in->lowmem_reserve_ratio));
}

/*
 * What __recompute_all() does to the watermark boost:
 * RECOMPUTE_SETUP_WMARKS - this is __setup_per_zone_wmarks() of the kernel
 *	(init, min_free_kbytes and watermark_scale_factor writes), which also
 *	drops the boost;
 * RECOMPUTE_KEEP_BOOST - the other tunables' handlers leave it alone
 *	(their watermarks come out unchanged).
 */
enum recompute_mode {
	RECOMPUTE_KEEP_BOOST,
	RECOMPUTE_SETUP_WMARKS,
};

/*
 * Recompute everything from the tunables (tunables_lock held); an
 * automatic min_free_kbytes (user_min_free_kbytes < 0) is computed again.
 */
static void __recompute_all(struct rmm_mm *mm, enum recompute_mode mode)
{
	struct rmm_wmark_in *in = mm->wm_in;
	struct rmm_wmark_out *out = mm->wm_out;
	struct rmm_zone *zone;
	int n, j;

	rmm_assert_held(&mm->tunables_lock);
	fill_wmark_in(mm, in);
	if (mm->tunables.user_min_free_kbytes < 0)
		in->min_free_kbytes = -1;
	rmm_calc_wmarks(in, out);
	mm->tunables.min_free_kbytes = out->min_free_kbytes;
	mm->totalreserve_pages = out->totalreserve_pages;

	for (n = 0; n < mm->nr_nodes; n++)
		mm->nodes[n].totalreserve_pages = 0;
	rmm_for_each_zone(mm, zone) {
		int nid = zone->nid, z = zone->idx;
		long max = 0;

		rmm_spin_lock(&zone->lock);
		for (j = 0; j < RMM_NR_WMARK; j++)
			WRITE_ONCE(zone->_watermark[j], out->wmark[nid][z][j]);
		if (mode == RECOMPUTE_SETUP_WMARKS)
			WRITE_ONCE(zone->watermark_boost, 0);
		for (j = 0; j < RMM_MAX_NR_ZONES; j++)
			WRITE_ONCE(zone->lowmem_reserve[j],
				   out->lowmem_reserve[nid][z][j]);
		rmm_spin_unlock(&zone->lock);

		/* calculate_totalreserve_pages() */
		for (j = z; j < mm->nr_zones; j++)
			max = max(max, zone->lowmem_reserve[j]);
		max += rmm_high_wmark_pages(zone);
		if (max > (long)rmm_zone_managed_pages(zone))
			max = rmm_zone_managed_pages(zone);
		zone->zone_pgdat->totalreserve_pages += max;
		zone_set_pageset_high_and_batch(zone);
	}
}

void rmm_recompute_all(struct rmm_mm *mm)
{
	unsigned long flags;

	rmm_spin_lock_irqsave(&mm->tunables_lock, flags);
	__recompute_all(mm, RECOMPUTE_SETUP_WMARKS);
	rmm_spin_unlock_irqrestore(&mm->tunables_lock, flags);
}

/*
 * @cpu came online or died: what the kernel's page_alloc_cpu_online()/
 * page_alloc_cpu_dead() (zone_pcp_update()) and vmstat's CPU callbacks
 * (refresh_zone_stat_thresholds()) do: pcp high/batch and the stat
 * thresholds again, over the online CPUs.  Process context.
 */
static void cpu_hotplug(struct rmm_mm *mm, int cpu, u8 offline)
{
	struct rmm_zone *zone;
	unsigned long flags;

	if (cpu < 0 || cpu >= mm->layout.nr_cpu_ids)
		return;
	rmm_spin_lock_irqsave(&mm->tunables_lock, flags);
	mm->layout.cpu_offline[cpu] = offline;
	rmm_for_each_zone(mm, zone)
		zone_set_pageset_high_and_batch(zone);
	rmm_spin_unlock_irqrestore(&mm->tunables_lock, flags);
}

/* the glue's CPU-prepare callback (and the resync at load) */
void rmm_mm_cpu_online(struct rmm_mm *mm, int cpu)
{
	cpu_hotplug(mm, cpu, 0);
}
RMM_EXPORT(rmm_mm_cpu_online);

/* the glue's CPU-dead callback, after rmm_drain_cpu_pages() */
void rmm_mm_cpu_dead(struct rmm_mm *mm, int cpu)
{
	cpu_hotplug(mm, cpu, 1);
}
RMM_EXPORT(rmm_mm_cpu_dead);

int rmm_set_tunable(struct rmm_mm *mm, enum rmm_tunable t, const long *vals,
		    int n)
{
	enum recompute_mode mode = RECOMPUTE_KEEP_BOOST;
	struct rmm_tunables nt = mm->tunables;
	unsigned long flags;
	int i;

	switch (t) {
	case RMM_TUNE_MIN_FREE_KBYTES:
		if (n != 1 || vals[0] < -1 || vals[0] > INT_MAX) {
			rmm_pr_err("min_free_kbytes: %ld out of range 0..%d (-1: automatic)\n",
				   n == 1 ? vals[0] : 0L, INT_MAX);
			return -EINVAL;
		}
		if (vals[0] < 0) {
			nt.user_min_free_kbytes = -1;
		} else {
			nt.user_min_free_kbytes = vals[0];
			nt.min_free_kbytes = vals[0];
		}
		mode = RECOMPUTE_SETUP_WMARKS;
		break;
	case RMM_TUNE_WATERMARK_SCALE_FACTOR:
		if (n != 1 || vals[0] < 1 || vals[0] > 3000) {
			rmm_pr_err("watermark_scale_factor: %ld out of range 1..3000\n",
				   n == 1 ? vals[0] : 0L);
			return -EINVAL;
		}
		nt.watermark_scale_factor = vals[0];
		mode = RECOMPUTE_SETUP_WMARKS;
		break;
	case RMM_TUNE_WATERMARK_BOOST_FACTOR:
		if (n != 1 || vals[0] < 0 || vals[0] > INT_MAX) {
			rmm_pr_err("watermark_boost_factor: %ld out of range 0..%d\n",
				   n == 1 ? vals[0] : 0L, INT_MAX);
			return -EINVAL;
		}
		nt.watermark_boost_factor = vals[0];
		break;
	case RMM_TUNE_LOWMEM_RESERVE_RATIO:
		if (n < 1 || n > mm->nr_zones) {
			rmm_pr_err("lowmem_reserve_ratio: %d values given, 1..%d expected\n",
				   n, mm->nr_zones);
			return -EINVAL;
		}
		for (i = 0; i < n; i++) {
			if (vals[i] > INT_MAX || vals[i] < INT_MIN) {
				rmm_pr_err("lowmem_reserve_ratio: value %ld out of int range\n",
					   vals[i]);
				return -EINVAL;
			}
			/* the kernel turns values < 1 into 0 */
			nt.lowmem_reserve_ratio[i] = vals[i] < 1 ? 0 : vals[i];
		}
		break;
	case RMM_TUNE_PERCPU_PAGELIST_HIGH_FRACTION:
		if (n != 1 || vals[0] < 0 || vals[0] > INT_MAX ||
		    (vals[0] && vals[0] < MIN_PERCPU_PAGELIST_HIGH_FRACTION)) {
			rmm_pr_err("percpu_pagelist_high_fraction: %ld invalid (0 or >= %d)\n",
				   n == 1 ? vals[0] : 0L,
				   MIN_PERCPU_PAGELIST_HIGH_FRACTION);
			return -EINVAL;
		}
		nt.percpu_pagelist_high_fraction = vals[0];
		break;
	case RMM_TUNE_OOM_DUMP_TASKS:
	case RMM_TUNE_OOM_KILL_ALLOCATING_TASK:
		/*
		 * proc_dointvec in both kernels: any int, kept as written,
		 * non-zero means on.  Policy only (oom_kill.c): nothing to
		 * recompute.
		 */
		if (n != 1 || vals[0] < INT_MIN || vals[0] > INT_MAX) {
			rmm_pr_err("%s: %ld out of int range\n",
				   t == RMM_TUNE_OOM_DUMP_TASKS ?
				   "oom_dump_tasks" : "oom_kill_allocating_task",
				   n == 1 ? vals[0] : 0L);
			return -EINVAL;
		}
		rmm_spin_lock_irqsave(&mm->tunables_lock, flags);
		if (t == RMM_TUNE_OOM_DUMP_TASKS)
			WRITE_ONCE(mm->tunables.oom_dump_tasks, vals[0]);
		else
			WRITE_ONCE(mm->tunables.oom_kill_allocating_task,
				   vals[0]);
		rmm_spin_unlock_irqrestore(&mm->tunables_lock, flags);
		return 0;
	case RMM_TUNE_SWAPPINESS:
	case RMM_TUNE_PAGE_CLUSTER: {
		/*
		 * proc_dointvec_minmax in both kernels: swappiness 0..200;
		 * page-cluster >= 0, at most page_cluster_max (31) on 6.12
		 * (6.1 has no upper limit).  Policy only (vmscan.c,
		 * swapfile.c read them): nothing to recompute.
		 */
		bool swp = t == RMM_TUNE_SWAPPINESS;
		long max = swp ? SWAPPINESS_MAX :
			   mm->layout.kver >= RMM_KVER(6, 12) ?
			   PAGE_CLUSTER_MAX_6_12 : INT_MAX;

		if (n != 1 || vals[0] < 0 || vals[0] > max) {
			rmm_pr_err("%s: %ld out of range 0..%ld\n",
				   swp ? "swappiness" : "page-cluster",
				   n == 1 ? vals[0] : 0L, max);
			return -EINVAL;
		}
		rmm_spin_lock_irqsave(&mm->tunables_lock, flags);
		if (swp)
			WRITE_ONCE(mm->tunables.swappiness, vals[0]);
		else
			WRITE_ONCE(mm->tunables.page_cluster, vals[0]);
		rmm_spin_unlock_irqrestore(&mm->tunables_lock, flags);
		return 0;
	}
	case RMM_TUNE_COMPACTION_PROACTIVENESS:
	case RMM_TUNE_EXTFRAG_THRESHOLD:
	case RMM_TUNE_COMPACT_UNEVICTABLE_ALLOWED: {
		/*
		 * proc_dointvec_minmax in both kernels (mm/compaction.c's
		 * vm_compaction[]): 0..100, 0..1000, 0..1.  Policy only
		 * (compaction.c reads them): nothing to recompute.
		 */
		static const char * const name[] = {
			"compaction_proactiveness", "extfrag_threshold",
			"compact_unevictable_allowed" };
		static const int max[] = { 100, 1000, 1 };
		int k = t - RMM_TUNE_COMPACTION_PROACTIVENESS;
		int *field[] = { &mm->tunables.compaction_proactiveness,
				 &mm->tunables.extfrag_threshold,
				 &mm->tunables.compact_unevictable_allowed };

		if (n != 1 || vals[0] < 0 || vals[0] > max[k]) {
			rmm_pr_err("%s: %ld out of range 0..%d\n", name[k],
				   n == 1 ? vals[0] : 0L, max[k]);
			return -EINVAL;
		}
		rmm_spin_lock_irqsave(&mm->tunables_lock, flags);
		WRITE_ONCE(*field[k], vals[0]);
		rmm_spin_unlock_irqrestore(&mm->tunables_lock, flags);
		return 0;
	}
	default:
		rmm_pr_err("tunable %d unknown\n", t);
		return -EINVAL;
	}

	rmm_spin_lock_irqsave(&mm->tunables_lock, flags);
	mm->tunables = nt;
	__recompute_all(mm, mode);
	rmm_spin_unlock_irqrestore(&mm->tunables_lock, flags);
	return 0;
}
RMM_EXPORT(rmm_set_tunable);

int rmm_get_tunable(struct rmm_mm *mm, enum rmm_tunable t, long *vals, int n)
{
	int i;

	if (n < 1)
		return -EINVAL;
	switch (t) {
	case RMM_TUNE_MIN_FREE_KBYTES:
		vals[0] = mm->tunables.min_free_kbytes;
		return 1;
	case RMM_TUNE_WATERMARK_SCALE_FACTOR:
		vals[0] = mm->tunables.watermark_scale_factor;
		return 1;
	case RMM_TUNE_WATERMARK_BOOST_FACTOR:
		vals[0] = mm->tunables.watermark_boost_factor;
		return 1;
	case RMM_TUNE_LOWMEM_RESERVE_RATIO:
		for (i = 0; i < n && i < mm->nr_zones; i++)
			vals[i] = mm->tunables.lowmem_reserve_ratio[i];
		return i;
	case RMM_TUNE_PERCPU_PAGELIST_HIGH_FRACTION:
		vals[0] = mm->tunables.percpu_pagelist_high_fraction;
		return 1;
	case RMM_TUNE_OOM_DUMP_TASKS:
		vals[0] = READ_ONCE(mm->tunables.oom_dump_tasks);
		return 1;
	case RMM_TUNE_OOM_KILL_ALLOCATING_TASK:
		vals[0] = READ_ONCE(mm->tunables.oom_kill_allocating_task);
		return 1;
	case RMM_TUNE_SWAPPINESS:
		vals[0] = READ_ONCE(mm->tunables.swappiness);
		return 1;
	case RMM_TUNE_PAGE_CLUSTER:
		vals[0] = READ_ONCE(mm->tunables.page_cluster);
		return 1;
	case RMM_TUNE_COMPACTION_PROACTIVENESS:
		vals[0] = READ_ONCE(mm->tunables.compaction_proactiveness);
		return 1;
	case RMM_TUNE_EXTFRAG_THRESHOLD:
		vals[0] = READ_ONCE(mm->tunables.extfrag_threshold);
		return 1;
	case RMM_TUNE_COMPACT_UNEVICTABLE_ALLOWED:
		vals[0] = READ_ONCE(mm->tunables.compact_unevictable_allowed);
		return 1;
	default:
		return -EINVAL;
	}
}
RMM_EXPORT(rmm_get_tunable);
