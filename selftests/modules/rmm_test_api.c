// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_test_api - the in-kernel API contract of include/regionmm/regionmm.h,
 * exercised at insmod time on the debug kernel's DEBUG_ATOMIC_SLEEP and
 * lockdep:
 *
 *   atomic   RMM_GFP_ATOMIC / RMM_GFP_NOWAIT pages and rmm_kmalloc() under
 *            a spinlock with interrupts off, in a timer (softirq) and in a
 *            hard-irq hrtimer;
 *   kernel   RMM_GFP_KERNEL pages and rmm_kmalloc() in process context;
 *   movable  rmm_set_page_movable()/rmm_clear_page_movable() on a page;
 *   slowpath the region filled to its min watermark with RMM_GFP_NOWAIT,
 *            a few pages then freed on another CPU (they sit on that CPU's
 *            per-CPU list): RMM_GFP_NOWAIT still fails (it may only drain
 *            its own CPU), RMM_GFP_KERNEL gets them (it drains every CPU
 *            with IPIs and waits, may sleep), RMM_GFP_ATOMIC under a
 *            spinlock with interrupts off gets a page from the reserve the
 *            min watermark keeps (ALLOC_MIN_RESERVE, no sleeping).
 * Every case logs "rmm_test_api: ok: NAME" or "rmm_test_api: FAIL: NAME";
 * a failure makes insmod fail (-EINVAL) after freeing everything.
 *
 * hold=N keeps N order-0 pages allocated while the module is loaded (the
 * unload tests: regionmm cannot go while they are held); leak=1 does not
 * free them at rmmod (the regionmm exit path that keeps the region);
 * leak_kmalloc=1 leaves one rmm_kmalloc() object behind at rmmod (the
 * exit path where the slab teardown refuses first).
 *
 * Locking: the cases run one after the other from init; the timer and
 * hrtimer callbacks hand their result back through a completion.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/hrtimer.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/cpumask.h>
#include <linux/smp.h>
#include <linux/preempt.h>
#include <linux/hardirq.h>
#include <regionmm/regionmm.h>

#define TNAME "rmm_test_api: "

static unsigned int hold;
module_param(hold, uint, 0444);
MODULE_PARM_DESC(hold, "order-0 pages to keep allocated while loaded");
static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "do not free the held pages at rmmod");
static bool leak_kmalloc;
module_param(leak_kmalloc, bool, 0444);
MODULE_PARM_DESC(leak_kmalloc, "leave one rmm_kmalloc(64) object at rmmod");
static bool contract = true;
module_param(contract, bool, 0444);
MODULE_PARM_DESC(contract, "run the context tests at insmod (default 1)");

static int failures;

static void report(bool ok, const char *name)
{
	if (ok) {
		pr_info(TNAME "ok: %s\n", name);
	} else {
		pr_err(TNAME "FAIL: %s\n", name);
		failures++;
	}
}

/* pages chained through their own memory: no array to allocate */
struct page_list {
	struct rmm_page *head;
	unsigned long nr;
};

static void pl_push(struct page_list *pl, struct rmm_page *p)
{
	*(struct rmm_page **)rmm_page_address(p) = pl->head;
	pl->head = p;
	pl->nr++;
}

static struct rmm_page *pl_pop(struct page_list *pl)
{
	struct rmm_page *p = pl->head;

	if (p) {
		pl->head = *(struct rmm_page **)rmm_page_address(p);
		pl->nr--;
	}
	return p;
}

static void pl_free(struct page_list *pl)
{
	struct rmm_page *p;

	while ((p = pl_pop(pl)))
		rmm_free_page(p);
}

/* a few pages of orders 0..3 and kmalloc objects, freed again */
static bool alloc_free_some(rmm_gfp_t gfp)
{
	struct rmm_page *pg[4];
	void *obj[3];
	bool ok = true;
	int o;

	for (o = 0; o < 4; o++) {
		pg[o] = rmm_alloc_pages(RMM_NUMA_NO_NODE, o, gfp);
		ok &= !!pg[o];
	}
	obj[0] = rmm_kmalloc(8, gfp);
	obj[1] = rmm_kmalloc(200, gfp);
	obj[2] = rmm_kmalloc(3000, gfp);
	for (o = 0; o < 3; o++)
		ok &= !!obj[o];
	for (o = 0; o < 3; o++)
		rmm_kfree(obj[o]);
	for (o = 0; o < 4; o++)
		if (pg[o])
			rmm_free_pages(pg[o], o);
	return ok;
}

/* ---- atomic contexts ---- */

static DEFINE_SPINLOCK(test_lock);

static void test_spinlock_irqoff(void)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&test_lock, flags);
	ok = alloc_free_some(RMM_GFP_ATOMIC) && alloc_free_some(RMM_GFP_NOWAIT);
	spin_unlock_irqrestore(&test_lock, flags);
	report(ok, "GFP_ATOMIC/GFP_NOWAIT under a spinlock, irqs off");
}

struct ctx_test {
	struct completion done;
	bool ok, in_ctx;
};

static struct ctx_test timer_test;
static struct timer_list test_timer;

static void test_timer_fn(struct timer_list *t)
{
	timer_test.in_ctx = in_softirq() && !in_hardirq();
	timer_test.ok = alloc_free_some(RMM_GFP_ATOMIC) &&
			alloc_free_some(RMM_GFP_NOWAIT);
	complete(&timer_test.done);
}

static void test_softirq(void)
{
	init_completion(&timer_test.done);
	timer_setup(&test_timer, test_timer_fn, 0);
	mod_timer(&test_timer, jiffies + 1);
	wait_for_completion(&timer_test.done);
	del_timer_sync(&test_timer);
	report(timer_test.ok && timer_test.in_ctx,
	       "GFP_ATOMIC/GFP_NOWAIT in a timer callback (softirq)");
}

static struct ctx_test hrt_test;
static struct hrtimer test_hrtimer;

static enum hrtimer_restart test_hrtimer_fn(struct hrtimer *t)
{
	hrt_test.in_ctx = in_hardirq() && irqs_disabled();
	hrt_test.ok = alloc_free_some(RMM_GFP_ATOMIC);
	complete(&hrt_test.done);
	return HRTIMER_NORESTART;
}

static void test_hardirq(void)
{
	init_completion(&hrt_test.done);
	hrtimer_init(&test_hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	test_hrtimer.function = test_hrtimer_fn;
	hrtimer_start(&test_hrtimer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	wait_for_completion(&hrt_test.done);
	hrtimer_cancel(&test_hrtimer);
	report(hrt_test.ok && hrt_test.in_ctx,
	       "GFP_ATOMIC in a hard-irq hrtimer callback");
}

static void test_process(void)
{
	might_sleep();
	report(alloc_free_some(RMM_GFP_KERNEL),
	       "GFP_KERNEL in process context");
}

/*
 * ---- movable pages (rmm_set_page_movable()): the marking API; the
 * callbacks run only when compaction moves the page, which does not
 * happen here: the marks must come and go without touching the page
 */
static bool mv_isolate(struct rmm_mm *mm, struct rmm_page *page)
{
	return false;
}

static int mv_migrate(struct rmm_mm *mm, struct rmm_page *dst,
		      struct rmm_page *src, enum rmm_migrate_mode mode)
{
	return -EBUSY;
}

static void mv_putback(struct rmm_mm *mm, struct rmm_page *page)
{
}

static const struct rmm_movable_operations mv_ops = {
	.isolate_page	= mv_isolate,
	.migrate_page	= mv_migrate,
	.putback_page	= mv_putback,
};

static void test_movable(void)
{
	struct rmm_page *p = rmm_alloc_page(RMM_GFP_HIGHUSER_MOVABLE);
	bool ok = p && !rmm_set_page_movable(p, &mv_ops, 42) &&
		rmm_page_movable_private(p) == 42 &&
		rmm_set_page_movable(p, &mv_ops, 7) == -EINVAL &&
		rmm_clear_page_movable(p) &&
		!rmm_set_page_movable(p, &mv_ops, 7) &&
		rmm_page_movable_private(p) == 7 &&
		rmm_clear_page_movable(p);

	if (p)
		rmm_free_page(p);
	report(ok, "movable pages: set, value, refused twice, clear");
}

/* ---- the slow path on a full region ---- */

/*
 * Pages freed on the other CPU; fewer than any pcp high_min (4 * batch), so
 * that they stay on its list even with the zone below its high watermark
 * (6.12 then trims the list down to high_min on every free).
 */
#define FREE_ELSEWHERE	2

struct remote_free {
	struct work_struct work;
	struct page_list *pl;
	int n, cpu;
};

static void remote_free_fn(struct work_struct *w)
{
	struct remote_free *rf = container_of(w, struct remote_free, work);
	int i;

	rf->cpu = raw_smp_processor_id();
	for (i = 0; i < rf->n; i++)
		rmm_free_page(pl_pop(rf->pl));
}

static void test_full_region(void)
{
	struct page_list full = { };
	struct remote_free rf;
	struct rmm_page *p, *q;
	unsigned long flags;
	int self, other;
	bool ok;

	/*
	 * On one CPU throughout (sleeping is allowed): what this CPU frees
	 * lands on its own list, which GFP_NOWAIT's local drain takes back.
	 */
	migrate_disable();
	/* fill: GFP_NOWAIT stops at the min watermark */
	while ((p = rmm_alloc_page(RMM_GFP_NOWAIT | RMM___GFP_NOWARN)))
		pl_push(&full, p);
	pr_info(TNAME "region filled with %lu pages\n", full.nr);
	report(full.nr > FREE_ELSEWHERE * 4, "GFP_NOWAIT fills the region");

	/* the reserve below min: for GFP_ATOMIC, atomically */
	spin_lock_irqsave(&test_lock, flags);
	p = rmm_alloc_page(RMM_GFP_ATOMIC | RMM___GFP_NOWARN);
	spin_unlock_irqrestore(&test_lock, flags);
	report(!!p,
	       "full region: GFP_ATOMIC under a spinlock gets a reserve page");
	if (p)
		rmm_free_page(p);	/* onto this CPU's list */

	self = raw_smp_processor_id();
	other = cpumask_any_but(cpu_online_mask, self);
	if (other >= nr_cpu_ids) {
		pr_info(TNAME "one CPU online: drain test skipped\n");
		goto out;
	}
	/* refill what the free above put back */
	while ((p = rmm_alloc_page(RMM_GFP_NOWAIT | RMM___GFP_NOWARN)))
		pl_push(&full, p);

	/* pages freed on @other stay on its per-CPU list */
	INIT_WORK_ONSTACK(&rf.work, remote_free_fn);
	rf.pl = &full;
	rf.n = FREE_ELSEWHERE;
	schedule_work_on(other, &rf.work);
	flush_work(&rf.work);
	destroy_work_on_stack(&rf.work);

	if (rf.cpu != other) {
		pr_info(TNAME "the free ran on CPU %d, not %d: drain test skipped\n",
			rf.cpu, other);
		goto out;
	}
	p = rmm_alloc_page(RMM_GFP_NOWAIT | RMM___GFP_NOWARN);
	report(!p, "full region: GFP_NOWAIT fails with pages on another CPU's list");
	if (p)
		pl_push(&full, p);

	might_sleep();
	q = rmm_alloc_page(RMM_GFP_KERNEL | RMM___GFP_NOWARN);
	ok = !!q;
	if (q)
		pl_push(&full, q);
	report(ok, "full region: GFP_KERNEL drains the other CPU (IPI) and succeeds");
out:
	migrate_enable();
	pl_free(&full);
	report(!full.nr, "full region: everything freed");
}

/* ---- hold= ---- */

static struct page_list held;

static int __init rmm_test_api_init(void)
{
	struct rmm_page *p;

	if (!READ_ONCE(rmm_mm_global)) {
		pr_err(TNAME "regionmm is not set up\n");
		return -ENODEV;
	}
	if (contract) {
		test_process();
		test_movable();
		test_spinlock_irqoff();
		test_softirq();
		test_hardirq();
		test_full_region();
		if (failures) {
			pr_err(TNAME "%d case(s) failed\n", failures);
			return -EINVAL;
		}
		pr_info(TNAME "all cases passed\n");
	}
	while (held.nr < hold) {
		p = rmm_alloc_page(RMM_GFP_KERNEL);
		if (!p) {
			pr_err(TNAME "hold: only %lu of %u pages\n", held.nr,
			       hold);
			pl_free(&held);
			return -ENOMEM;
		}
		pl_push(&held, p);
	}
	if (hold)
		pr_info(TNAME "holding %lu pages\n", held.nr);
	if (leak_kmalloc) {
		void *obj = rmm_kmalloc(64, RMM_GFP_KERNEL);

		if (!obj) {
			pl_free(&held);
			return -ENOMEM;
		}
		pr_info(TNAME "leaking one kmalloc-64 object on purpose\n");
	}
	return 0;
}

static void __exit rmm_test_api_exit(void)
{
	if (leak && held.nr) {
		pr_info(TNAME "leaking %lu pages on purpose\n", held.nr);
		return;
	}
	pl_free(&held);
}

module_init(rmm_test_api_init);
module_exit(rmm_test_api_exit);
MODULE_DESCRIPTION("regionmm: in-kernel API context contract test");
MODULE_LICENSE("GPL");
