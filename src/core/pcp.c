// SPDX-License-Identifier: GPL-2.0
/*
 * pcp.c - per-CPU page lists (struct rmm_per_cpu_pages, mm/page_alloc.c's
 * per_cpu_pages): giving pages back to the buddy in bulk
 * (free_pcppages_bulk()), the sparse lists, draining (one CPU, all CPUs,
 * idle CPUs), and 6.12's decay of pcp->high (none on 6.1).  Filling the lists
 * (rmqueue_bulk()) and the per-page alloc/free paths are in page_alloc.c,
 * their sizing helpers in pcp.h.
 *
 * Invariants: pcp->count is the number of pages on pcp->lists[] (each page
 * with PG_pcp set, on the list of its order and migratetype);
 * pcp->sparse_count the pages on pcp->sparse, whose page->private holds
 * their order; high_min <= high <= high_max after every sizing call.
 *
 * Locking:
 *   irq-off on a CPU     that CPU's zone->pcp[cpu] (count, lists, events);
 *                        other CPUs reach them only through calls that run
 *                        on that CPU with its irqs off (rmm_on_each_cpu for
 *                        drain_all, rmm_remote_call for idle lists) or once
 *                        it is dead; pcp->idle_stamp/drain_* are written by
 *                        other CPUs under zone->lock, never by the owner
 *   zone->lock           taken inside, for each batch given to the buddy
 *   order                irq-off -> zone->lock
 */
#include "internal.h"

void rmm_pcp_init(struct rmm_per_cpu_pages *pcp, unsigned int kver)
{
	int i;

	memset(pcp, 0, sizeof(*pcp));
	for (i = 0; i < RMM_NR_PCP_LISTS; i++)
		rmm_plist_init(&pcp->lists[i]);
	rmm_plist_init(&pcp->sparse);
	/* boot pageset values until zone_set_pageset_high_and_batch() */
	pcp->high = 0;
	pcp->batch = 1;
	if (kver < RMM_KVER(6, 12))
		pcp->flags = RMM_PCPF_V61;
}

/*
 * setup_pcp_cacheinfo() of 6.12 (zone_pcp_update_cacheinfo() for every
 * populated zone): when @cpu's slice of the last-level cache holds more
 * than 3 * batch pages, its lists keep batch pages through a run of
 * high-order frees (the free_high rule of free_unref_page_commit()).  6.1
 * has no such flag.  The kernel runs it from cacheinfo's CPU callbacks,
 * after the pagesets got their batch; here once at init, after
 * rmm_recompute_all(): batch depends only on managed pages, which do not
 * change afterwards.  No other CPU uses the instance yet (pcp->flags is
 * otherwise written only by its CPU).
 */
void rmm_pcp_update_cacheinfo(struct rmm_mm *mm, int cpu)
{
	unsigned int slice_pages;
	struct rmm_zone *zone;

	if (cpu < 0 || cpu >= mm->layout.nr_cpu_ids ||
	    mm->layout.kver < RMM_KVER(6, 12))
		return;
	slice_pages = mm->layout.cpu_data_slice_size[cpu] >> RMM_PAGE_SHIFT;
	rmm_for_each_populated_zone(mm, zone) {
		struct rmm_per_cpu_pages *pcp = &zone->pcp[cpu];

		if (slice_pages > 3 * (unsigned int)READ_ONCE(pcp->batch))
			pcp->flags |= RMM_PCPF_FREE_HIGH_BATCH;
		else
			pcp->flags &= ~RMM_PCPF_FREE_HIGH_BATCH;
	}
}

/* free_pcppages_bulk(): give @count pages back, round robin over lists */
void free_pcppages_bulk(struct rmm_zone *zone, int count,
			struct rmm_per_cpu_pages *pcp, int pindex)
{
	struct pb_batch b;

	b.n = 0;
	count = min(pcp->count, count);
	pindex = pindex - 1;
	rmm_spin_lock(&zone->lock);
	while (count > 0) {
		struct rmm_plist *list;
		unsigned int order;
		int nr_pages;

		do {
			if (++pindex > RMM_NR_PCP_LISTS - 1)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (rmm_plist_empty(list));

		order = pindex_to_order(pindex);
		nr_pages = free_pcp_list_locked(zone, list, order, count, &b);
		count -= nr_pages;
		pcp->count -= nr_pages;
	}
	pb_batch_flush(zone, &b);
	rmm_spin_unlock(&zone->lock);
}

static void drain_pages_zone(int cpu, struct rmm_zone *zone);

/*
 * Idle per-CPU lists.  A CPU keeps the pages freed on it (up to pcp->high,
 * thousands of pages on 6.12) for its next allocations; when the task
 * migrates away and the CPU stays idle, they stay there, and every
 * pageblock holding one of them can never become a whole free block again:
 * with a few hundred such pages spread over the zone, anti-fragmentation
 * is lost (LLFree's frag falls from ~98 % to ~27 %).  The kernel's only
 * remedy is the once-a-second decay_pcp_high() (an eighth at a time, and
 * deferrable, so not on an idle CPU).
 *
 * So the CPUs that are working look after the idle ones: every
 * RMM_PCP_IDLE_SCAN refills of a zone, the refilling CPU looks at the next
 * other CPU (round robin): if that CPU's pcp of the zone has pages and
 * counted no allocation or free since the previous look, a remote call
 * drains it on its own CPU with interrupts off (drain_idle_pcp()).  A CPU
 * that is not idle is never drained; one that was is at most
 * RMM_PCP_IDLE_SCAN * (nr_cpus - 1) refills of the others late.
 */
static void drain_idle_pcp(void *info)
{
	struct rmm_per_cpu_pages *pcp = info;
	struct rmm_zone *zone = pcp->drain_zone;
	int cpu = rmm_smp_processor_id();

	rmm_assert_irqs_disabled();
	if (cpu < zone->mm->layout.nr_cpu_ids && &zone->pcp[cpu] == pcp)
		drain_pages_zone(cpu, zone);
}

/* zone->lock held; a CPU whose pcp of @zone should be drained, or -1 */
int find_idle_pcp(struct rmm_zone *zone)
{
	int nr = zone->mm->layout.nr_cpu_ids, self = rmm_smp_processor_id();
	struct rmm_per_cpu_pages *pcp;
	unsigned long stamp;
	int cpu;

	rmm_assert_held(&zone->lock);
	if (nr < 2)
		return -1;
	cpu = zone->pcp_idle_cursor + 1;
	if (cpu >= nr)
		cpu = 0;
	if (cpu == self && ++cpu >= nr)
		cpu = 0;
	zone->pcp_idle_cursor = cpu;
	pcp = &zone->pcp[cpu];
	/* the owner's counters, read racily: a hint of activity */
	stamp = READ_ONCE(pcp->events[RMM_PGALLOC + zone->idx]) +
		READ_ONCE(pcp->events[RMM_PGFREE]);
	if (stamp != pcp->idle_stamp) {
		pcp->idle_stamp = stamp;
		return -1;
	}
	if (!READ_ONCE(pcp->count) && !READ_ONCE(pcp->sparse_count))
		return -1;
	if (!pcp->drain_zone) {
		pcp->drain_zone = zone;
		rmm_remote_call_init(&pcp->drain_call, drain_idle_pcp, pcp);
	}
	return cpu;
}

/* give the sparse list back to the buddy under one lock acquisition */
void flush_sparse(struct rmm_zone *zone, struct rmm_per_cpu_pages *pcp)
{
	struct pb_batch b;

	b.n = 0;
	rmm_spin_lock(&zone->lock);
	pcp->sparse_count -= free_sparse_list_locked(zone, &pcp->sparse, &b);
	pb_batch_flush(zone, &b);
	rmm_spin_unlock(&zone->lock);
}

/* drain one CPU's lists of one zone; that CPU's irqs are off */
static void drain_pages_zone(int cpu, struct rmm_zone *zone)
{
	struct rmm_per_cpu_pages *pcp = &zone->pcp[cpu];
	int count;

	if (pcp->sparse_count)
		flush_sparse(zone, pcp);

	do {
		count = pcp->count;
		if (count) {
			int to_drain = min(count, pcp->batch <<
					   RMM_PCP_BATCH_SCALE_MAX);

			free_pcppages_bulk(zone, max(to_drain, 1), pcp, 0);
			count = pcp->count;
		}
	} while (count);
}

/*
 * decay_pcp_high() of 6.12 (run by vmstat_update() every second on each
 * CPU): walk pcp->high back toward high_min by an eighth and give back
 * what is above it, so idle CPUs do not sit on pages.
 */
/* rmm_ prefix: <linux/gfp.h> declares decay_pcp_high() */
static int rmm_decay_pcp_high(struct rmm_zone *zone,
			      struct rmm_per_cpu_pages *pcp)
{
	int high_min = READ_ONCE(pcp->high_min);
	int batch = READ_ONCE(pcp->batch);
	int to_drain, todo = 0;

	/* 6.1 has no decay_pcp_high(): its high is fixed */
	if (pcp_v61(pcp))
		return 0;
	if (pcp->high > high_min) {
		pcp->high = max3(pcp->count - (batch << RMM_PCP_BATCH_SCALE_MAX),
				 pcp->high - (pcp->high >> 3), high_min);
		if (pcp->high > high_min)
			todo++;
	}
	to_drain = pcp->count - pcp->high;
	if (to_drain > 0) {
		free_pcppages_bulk(zone, to_drain, pcp, 0);
		todo++;
	}
	return todo;
}

int rmm_decay_pcp_high_local(struct rmm_mm *mm)
{
	struct rmm_zone *zone;
	unsigned long flags;
	int todo = 0, cpu;

	rmm_local_irq_save(flags);
	cpu = rmm_smp_processor_id();
	if (cpu < mm->layout.nr_cpu_ids)
		rmm_for_each_populated_zone(mm, zone)
			todo += rmm_decay_pcp_high(zone, &zone->pcp[cpu]);
	rmm_local_irq_restore(flags);
	return todo;
}
RMM_EXPORT(rmm_decay_pcp_high_local);

static void drain_pages(struct rmm_mm *mm, int cpu)
{
	struct rmm_zone *zone;

	rmm_for_each_populated_zone(mm, zone)
		drain_pages_zone(cpu, zone);
}

void rmm_drain_local_pages(struct rmm_mm *mm)
{
	unsigned long flags;

	rmm_local_irq_save(flags);
	drain_pages(mm, rmm_smp_processor_id());
	rmm_local_irq_restore(flags);
}
RMM_EXPORT(rmm_drain_local_pages);

void rmm_drain_cpu_pages(struct rmm_mm *mm, int cpu)
{
	unsigned long flags;

	if (cpu < 0 || cpu >= mm->layout.nr_cpu_ids)
		return;
	rmm_local_irq_save(flags);
	drain_pages(mm, cpu);
	rmm_local_irq_restore(flags);
}
RMM_EXPORT(rmm_drain_cpu_pages);

static void drain_local_pages_ipi(void *info)
{
	struct rmm_mm *mm = info;
	int cpu = rmm_smp_processor_id();

	if (cpu < mm->layout.nr_cpu_ids)
		drain_pages(mm, cpu);
}

/* wait for remote drains in flight (their call structures are in pcps) */
static void sync_idle_drains(struct rmm_mm *mm)
{
	struct rmm_zone *zone;
	int cpu;

	rmm_for_each_populated_zone(mm, zone)
		for (cpu = 0; cpu < mm->layout.nr_cpu_ids; cpu++)
			if (READ_ONCE(zone->pcp[cpu].drain_zone))
				rmm_remote_call_sync(&zone->pcp[cpu].drain_call);
}

/*
 * Every CPU's lists (IPI); also waits for idle-list drains in flight, so
 * that after it, with no allocation running, no remote call is pending
 * (rmm_mm_fini() relies on it before freeing the pcps).
 */
void rmm_drain_all_pages(struct rmm_mm *mm)
{
	unsigned long flags;

	rmm_might_sleep();
	sync_idle_drains(mm);
	rmm_on_each_cpu(drain_local_pages_ipi, mm);
	rmm_local_irq_save(flags);
	mm->nodes[0].node_zones[0].pcp[rmm_smp_processor_id() %
				       mm->layout.nr_cpu_ids]
		.events[RMM_DRAIN_ALL]++;
	rmm_local_irq_restore(flags);
}
RMM_EXPORT(rmm_drain_all_pages);
