// SPDX-License-Identifier: GPL-2.0
/*
 * vmstat.c - the instance's counters (mm/vmstat.c in spirit): zone and
 * node page state, vm events and NUMA events (summed over the per-CPU
 * copies kept in each zone's pcp), and the instance-wide totals the glue
 * reports (managed, free, on pcp lists, free pageblocks).
 *
 * Invariants: zone/node vm_stat[] are exact (no per-CPU deltas: every
 * writer updates the atomic directly); events only grow.
 *
 * Locking: no lock taken.  vm_stat[] are atomics (NR_FREE_PAGES is
 * written under zone->lock by the buddy, read here without it); per-CPU
 * event counters are written by their CPU with irqs off (here:
 * rmm_count_vm_events()) and summed with READ_ONCE, so sums are racy
 * snapshots, as /proc/vmstat's.
 */
#include "internal.h"


void rmm_mod_zone_page_state(struct rmm_zone *z, enum rmm_zone_stat_item i,
			     long delta)
{
	rmm_atomic_long_add(delta, &z->vm_stat[i]);
}
RMM_EXPORT(rmm_mod_zone_page_state);

void rmm_mod_node_page_state(struct rmm_node *n, enum rmm_node_stat_item i,
			     long delta)
{
	rmm_atomic_long_add(delta, &n->vm_stat[i]);
}
RMM_EXPORT(rmm_mod_node_page_state);

void rmm_count_vm_events(struct rmm_mm *mm, enum rmm_vm_event_item i,
			 unsigned long delta)
{
	unsigned long flags;
	int cpu;

	rmm_local_irq_save(flags);
	cpu = rmm_smp_processor_id();
	if (cpu < mm->layout.nr_cpu_ids)
		mm->nodes[0].node_zones[0].pcp[cpu].events[i] += delta;
	rmm_local_irq_restore(flags);
}
RMM_EXPORT(rmm_count_vm_events);

unsigned long rmm_zone_numa_event_state(const struct rmm_zone *z,
					enum rmm_numa_stat_item i)
{
	unsigned long sum = 0;
	int cpu;

	if (!z->pcp)
		return 0;
	for (cpu = 0; cpu < z->mm->layout.nr_cpu_ids; cpu++)
		sum += READ_ONCE(z->pcp[cpu].numa_events[i]);
	return sum;
}
RMM_EXPORT(rmm_zone_numa_event_state);

/*
 * sum of @val(pageset, @arg) over every CPU's pageset of every zone (racy
 * reads of other CPUs' fields: a snapshot, as the kernel's sums are)
 */
static unsigned long sum_over_pcps(const struct rmm_mm *mm,
				   unsigned long (*val)(const struct rmm_per_cpu_pages *p,
							int arg),
				   int arg)
{
	const struct rmm_zone *zone;
	unsigned long sum = 0;
	int cpu;

	rmm_for_each_zone(mm, zone) {
		if (!zone->pcp)
			continue;
		for (cpu = 0; cpu < mm->layout.nr_cpu_ids; cpu++)
			sum += val(&zone->pcp[cpu], arg);
	}
	return sum;
}

static unsigned long pcp_event(const struct rmm_per_cpu_pages *p, int i)
{
	return READ_ONCE(p->events[i]);
}

static unsigned long pcp_pages(const struct rmm_per_cpu_pages *p, int sparse)
{
	return sparse ? READ_ONCE(p->sparse_count) :
		READ_ONCE(p->count) + READ_ONCE(p->sparse_count);
}

unsigned long rmm_vm_event_state(const struct rmm_mm *mm,
				 enum rmm_vm_event_item i)
{
	return sum_over_pcps(mm, pcp_event, i);
}
RMM_EXPORT(rmm_vm_event_state);

/* sum of @val over every zone of every node (empty zones give 0) */
unsigned long rmm_mm_sum_over_zones(const struct rmm_mm *mm,
				    unsigned long (*val)(const struct rmm_zone *z))
{
	const struct rmm_zone *zone;
	unsigned long sum = 0;

	rmm_for_each_zone(mm, zone)
		sum += val(zone);
	return sum;
}

static unsigned long zone_free_pages(const struct rmm_zone *z)
{
	return rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
}

unsigned long rmm_mm_total_managed(const struct rmm_mm *mm)
{
	return rmm_mm_sum_over_zones(mm, rmm_zone_managed_pages);
}
RMM_EXPORT(rmm_mm_total_managed);
RMM_EXPORT(rmm_mm_sum_over_zones);

unsigned long rmm_mm_total_free(const struct rmm_mm *mm)
{
	return rmm_mm_sum_over_zones(mm, zone_free_pages);
}
RMM_EXPORT(rmm_mm_total_free);

unsigned long rmm_mm_total_pcp(const struct rmm_mm *mm)
{
	return sum_over_pcps(mm, pcp_pages, 0);
}
RMM_EXPORT(rmm_mm_total_pcp);

unsigned long rmm_mm_total_pcp_sparse(const struct rmm_mm *mm)
{
	return sum_over_pcps(mm, pcp_pages, 1);
}
RMM_EXPORT(rmm_mm_total_pcp_sparse);

unsigned long rmm_zone_free_pageblocks(const struct rmm_zone *z)
{
	unsigned long n = 0;
	unsigned int o;

	for (o = RMM_PAGEBLOCK_ORDER; o < RMM_NR_ORDERS; o++)
		n += READ_ONCE(z->free_area[o].nr_free) <<
			(o - RMM_PAGEBLOCK_ORDER);
	return n;
}
RMM_EXPORT(rmm_zone_free_pageblocks);
