// SPDX-License-Identifier: GPL-2.0
/*
 * kswapd.c - one reclaim thread per regionmm node, "rmm_kswapd<nid>", the
 * mechanism around src/core/vmscan.c's policy (mm/vmscan.c's kswapd()
 * and kswapd_try_to_sleep()):
 *
 *   sleep until rmm_kswapd_pending() (a wakeup raised the node's order)
 *   or kthread_stop(); then, until kthread_stop():
 *   rmm_kswapd_run()                     balance_pgdat()
 *   rmm_kswapd_sleep_decision(false, ..)
 *     RUN:   run again
 *     SHORT: nap HZ/10 (a wakeup cuts it short), then ask again with
 *            after_nap = true and woken_early = whether it was cut short
 *     FULL:  sleep until a wakeup (or kthread_stop()), then run
 *
 * The thread runs on the CPUs of the node's real (kernel) node when that
 * node has CPUs, as kswapd binds itself to cpumask_of_node(); it is
 * freezable like kswapd (set_freezable(), freezable waits), so suspend
 * does not race reclaim and swap I/O.  It does not set PF_MEMALLOC or
 * PF_KSWAPD: those steer the kernel's own allocator, and the kernel
 * memory this thread allocates (swap I/O) should reclaim the kernel's
 * way, not dip into its reserves.
 *
 * ops->wake_kswapd (rmm_kswapd_wake()) is called by the core after it
 * raised the node's kswapd_order under reclaim->wait_lock, from any
 * context (interrupts may be off): wq_has_sleeper() (a full barrier
 * against the sleeper's condition check) and wake_up_interruptible().
 *
 * Invariants: rmm_kswapd[nid].task != NULL exactly between a successful
 * start and the stop of that thread; it is published with release
 * semantics after the wait queue is initialised, so a waker that sees it
 * may use the queue.  The queues live in static storage: a late wake_up
 * after stop touches an initialised, empty queue.
 *
 * Locking: no lock of its own; start/stop run in module init/exit
 * (serialised by the loader).  The wait queue's lock is a leaf, below
 * every core lock the waker may hold.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/freezer.h>
#include <linux/sched.h>
#include <linux/topology.h>
#include <linux/cpumask.h>
#include <linux/wait.h>
#include <linux/err.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "vmscan.h"
#include "rmm_glue.h"

struct rmm_kswapd {
	struct task_struct *task;
	wait_queue_head_t wait;
	struct rmm_mm *mm;
	int nid;
};

static struct rmm_kswapd rmm_kswapd[RMM_MAX_NUMNODES];

static bool rmm_kswapd_should_wake(struct rmm_kswapd *k)
{
	return rmm_kswapd_pending(k->mm, k->nid) || kthread_should_stop();
}

/*
 * kswapd_try_to_sleep(): after a run, nap and sleep as the core decides.
 * Returns when the thread should run again (or stop).
 */
static void rmm_kswapd_try_to_sleep(struct rmm_kswapd *k)
{
	bool after_nap = false, woken_early = false;
	long remaining;

	for (;;) {
		switch (rmm_kswapd_sleep_decision(k->mm, k->nid, after_nap,
						  woken_early)) {
		case RMM_KSWAPD_RUN:
			return;
		case RMM_KSWAPD_SLEEP_SHORT:
			remaining = wait_event_freezable_timeout(k->wait,
					rmm_kswapd_should_wake(k), HZ / 10);
			if (kthread_should_stop())
				return;
			after_nap = true;
			woken_early = remaining > 0;
			break;
		case RMM_KSWAPD_SLEEP_FULL:
			wait_event_freezable(k->wait,
					     rmm_kswapd_should_wake(k));
			return;
		}
	}
}

static int rmm_kswapd_fn(void *arg)
{
	struct rmm_kswapd *k = arg;
	int real_nid = rmm_glue.real_nid[k->nid];

	/* as kswapd(): on the CPUs of its node, if that node has any */
	if (real_nid >= 0 && real_nid < MAX_NUMNODES) {
		const struct cpumask *mask = cpumask_of_node(real_nid);

		if (!cpumask_empty(mask))
			set_cpus_allowed_ptr(current, mask);
	}
	set_freezable();
	/* asleep until the first wakeup (or unload) */
	wait_event_freezable(k->wait, rmm_kswapd_should_wake(k));
	while (!kthread_should_stop()) {
		rmm_kswapd_run(k->mm, k->nid);
		/* returns to run again: not balanced, or woken */
		rmm_kswapd_try_to_sleep(k);
		cond_resched();
	}
	return 0;
}

/* ops->wake_kswapd: any context */
void rmm_kswapd_wake(struct rmm_mm *mm, int nid)
{
	struct rmm_kswapd *k;

	if (nid < 0 || nid >= RMM_MAX_NUMNODES)
		return;
	k = &rmm_kswapd[nid];
	/* pairs with rmm_kswapd_start(): published after init_waitqueue_head */
	if (!smp_load_acquire(&k->task))
		return;
	/* kswapd awake: nothing to do (wakeup_kswapd()'s waitqueue_active) */
	if (wq_has_sleeper(&k->wait))
		wake_up_interruptible(&k->wait);
}

/* one thread per node of @mm (after rmm_reclaim_init()) */
int rmm_kswapd_start(struct rmm_mm *mm)
{
	int nid;

	for (nid = 0; nid < mm->nr_nodes; nid++) {
		struct rmm_kswapd *k = &rmm_kswapd[nid];
		int real_nid = rmm_glue.real_nid[nid];
		struct task_struct *t;

		init_waitqueue_head(&k->wait);
		k->mm = mm;
		k->nid = nid;
		t = kthread_create_on_node(rmm_kswapd_fn, k,
					   node_online(real_nid) ? real_nid :
					   NUMA_NO_NODE,
					   "rmm_kswapd%d", nid);
		if (IS_ERR(t)) {
			pr_err("kswapd: cannot start rmm_kswapd%d (%ld)\n",
			       nid, PTR_ERR(t));
			rmm_kswapd_stop(mm);
			return PTR_ERR(t);
		}
		/* pairs with rmm_kswapd_wake(): the queue is ready */
		smp_store_release(&k->task, t);
		wake_up_process(t);
	}
	return 0;
}

/* before rmm_reclaim_fini(): every thread has returned */
void rmm_kswapd_stop(struct rmm_mm *mm)
{
	int nid;

	for (nid = 0; nid < RMM_MAX_NUMNODES; nid++) {
		struct rmm_kswapd *k = &rmm_kswapd[nid];
		struct task_struct *t = k->task;

		if (!t)
			continue;
		kthread_stop(t);
		WRITE_ONCE(k->task, NULL);
	}
}
