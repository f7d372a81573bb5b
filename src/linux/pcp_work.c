// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU housekeeping: once a second on each online CPU, like the
 * kernel's vmstat_update(), let the core decay that CPU's per-CPU list
 * high marks (6.12's decay_pcp_high(), rmm_decay_pcp_high_local()).
 *
 * Invariant: rmm_pcp_work_running => every CPU that was online at start
 *   has one deferrable work queued on it (a CPU that goes offline loses
 *   its work until the module is reloaded; its lists are drained by the
 *   CPU-dead callback).
 * Locking: each work touches only its own CPU's pagesets (the core
 *   disables interrupts); start/stop run from module init/exit.
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>
#include <linux/cpumask.h>
#include <linux/cpu.h>
#include <linux/timer.h>
#include "rmm_port.h"
#include "page_alloc.h"
#include "rmm_glue.h"

struct rmm_pcp_work {
	struct delayed_work dw;
	int cpu;
};

static DEFINE_PER_CPU(struct rmm_pcp_work, rmm_pcp_work);
static bool rmm_pcp_work_running;

static void rmm_pcp_work_fn(struct work_struct *work)
{
	struct rmm_pcp_work *w = container_of(to_delayed_work(work),
					      struct rmm_pcp_work, dw);
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	if (mm && smp_processor_id() == w->cpu)
		rmm_decay_pcp_high_local(mm);
	if (READ_ONCE(rmm_pcp_work_running) && cpu_online(w->cpu))
		queue_delayed_work_on(w->cpu, system_wq, &w->dw,
				      round_jiffies_relative(HZ));
}

void rmm_pcp_work_start(void)
{
	int cpu;

	WRITE_ONCE(rmm_pcp_work_running, true);
	for_each_possible_cpu(cpu) {
		struct rmm_pcp_work *w = per_cpu_ptr(&rmm_pcp_work, cpu);

		w->cpu = cpu;
		INIT_DEFERRABLE_WORK(&w->dw, rmm_pcp_work_fn);
	}
	cpus_read_lock();
	for_each_online_cpu(cpu)
		queue_delayed_work_on(cpu, system_wq,
				      &per_cpu_ptr(&rmm_pcp_work, cpu)->dw,
				      round_jiffies_relative(HZ));
	cpus_read_unlock();
}

void rmm_pcp_work_stop(void)
{
	int cpu;

	WRITE_ONCE(rmm_pcp_work_running, false);
	for_each_possible_cpu(cpu)
		cancel_delayed_work_sync(&per_cpu_ptr(&rmm_pcp_work, cpu)->dw);
}
