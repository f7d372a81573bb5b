// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU housekeeping: once a second on each online CPU, like the
 * kernel's vmstat_update(), let the core decay that CPU's per-CPU list
 * high marks (6.12's decay_pcp_high(), rmm_decay_pcp_high_local()).
 *
 * CPU hotplug: a CPUHP_AP_ONLINE_DYN state (the kernel's vmstat_cpu_online
 * and vmstat_cpu_down_prep) starts a CPU's work when it comes online and
 * cancels it, synchronously, before it goes down; the CPU's lists are
 * drained afterwards by the CPU-dead callback (module.c).  The state's
 * startup runs on the CPU after the per-CPU workqueues are up, its
 * teardown before they are unbound, so the work only ever runs on its own
 * CPU.
 *
 * Invariants:
 *   between rmm_pcp_work_start() and rmm_pcp_work_stop(): a CPU past
 *   CPUHP_AP_ONLINE_DYN has exactly one deferrable work, queued or
 *   running (it requeues itself); any other CPU has none.
 *   outside start..stop: no work is queued or running, so none can run
 *   after rmm_mm_global is cleared or the module text is gone.
 *   rmm_mm_global is non-NULL whenever a work runs (published before
 *   start, cleared after stop).
 * Locking: the core disables interrupts around each CPU's pagesets; the
 *   hotplug callbacks are serialised by the cpuhp core (cpus_write_lock /
 *   cpuhp_state_mutex); start/stop run from module init/exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>
#include <linux/cpumask.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/timer.h>
#include "rmm_port.h"
#include "page_alloc.h"
#include "rmm_glue.h"

struct rmm_pcp_work {
	struct delayed_work dw;
	int cpu;
};

static DEFINE_PER_CPU(struct rmm_pcp_work, rmm_pcp_work);
static enum cpuhp_state rmm_pcp_online_state;

static void rmm_pcp_work_fn(struct work_struct *work)
{
	struct rmm_pcp_work *w = container_of(to_delayed_work(work),
					      struct rmm_pcp_work, dw);
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	/* bound to w->cpu: down_prep cancels before the pool is unbound */
	if (mm && !WARN_ON_ONCE(raw_smp_processor_id() != w->cpu))
		rmm_decay_pcp_high_local(mm);
	/* a concurrent cancel_delayed_work_sync() makes this a no-op */
	queue_delayed_work_on(w->cpu, system_wq, &w->dw,
			      round_jiffies_relative(HZ));
}

/* CPUHP_AP_ONLINE_DYN startup: runs on @cpu once it is up */
static int rmm_pcp_cpu_online(unsigned int cpu)
{
	queue_delayed_work_on(cpu, system_wq,
			      &per_cpu_ptr(&rmm_pcp_work, cpu)->dw,
			      round_jiffies_relative(HZ));
	return 0;
}

/* CPUHP_AP_ONLINE_DYN teardown: on @cpu before it goes down, or at stop */
static int rmm_pcp_cpu_down_prep(unsigned int cpu)
{
	cancel_delayed_work_sync(&per_cpu_ptr(&rmm_pcp_work, cpu)->dw);
	return 0;
}

int rmm_pcp_work_start(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		struct rmm_pcp_work *w = per_cpu_ptr(&rmm_pcp_work, cpu);

		w->cpu = cpu;
		INIT_DEFERRABLE_WORK(&w->dw, rmm_pcp_work_fn);
	}
	/* calls rmm_pcp_cpu_online() on every online CPU; undoes on error */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "regionmm:online",
				rmm_pcp_cpu_online, rmm_pcp_cpu_down_prep);
	if (ret < 0) {
		pr_err("cpuhp: cannot register the CPU-online callbacks (%d)\n",
		       ret);
		return ret;
	}
	rmm_pcp_online_state = ret;
	return 0;
}

void rmm_pcp_work_stop(void)
{
	/* calls rmm_pcp_cpu_down_prep() on every online CPU */
	cpuhp_remove_state(rmm_pcp_online_state);
}
