// SPDX-License-Identifier: GPL-2.0
/*
 * test_mm_ops.c - the instance's host services and subsystem slots.
 *
 * struct rmm_mm_ops: the core reaches the host's services only through
 * mm_ops.h, which must work with no table, with a table of NULL members,
 * and call the host's functions with the instance and node it was given.
 * Subsystem slots: mm->slab is NULL until rmm_slab_init(), set by it, and
 * cleared by rmm_slab_fini(); two instances have separate slab states
 * (each its own kmalloc caches, an object of one is refused by the other).
 */
#include "rmm_test.h"
#include "mm_ops.h"
#include "slab.h"

#define NODE_PAGES	8192

static u64 other_clock(struct rmm_mm *mm)
{
	return 42;
}

static void test_ops(struct rmm_mm *mm)
{
	static const struct rmm_mm_ops empty = { 0 };
	static const struct rmm_mm_ops clock_only = { .now_ns = other_clock };

	mm->ops = NULL;
	is_long(rmm_mm_now_ns(mm), 0, "no ops: clock reads 0");
	rmm_mm_wake_kswapd(mm, 0);
	ok(1, "no ops: wake_kswapd does nothing");

	mm->ops = &empty;
	is_long(rmm_mm_now_ns(mm), 0, "ops without now_ns: clock reads 0");
	rmm_mm_wake_kswapd(mm, 1);
	ok(1, "ops without wake_kswapd: nothing happens");

	mm->ops = &clock_only;
	is_long(rmm_mm_now_ns(mm), 42, "the table's own clock is called");

	rmm_test_set_ops(mm);
	rmm_test_clock_ns = 1000000007ULL;
	is_long(rmm_mm_now_ns(mm), 1000000007L, "test clock read through ops");
	rmm_test_clock_ns += 5;
	is_long(rmm_mm_now_ns(mm), 1000000012L, "test clock follows the test");
	rmm_mm_wake_kswapd(mm, 1);
	rmm_mm_wake_kswapd(mm, 1);
	is_long(rmm_test_kswapd_wakeups[1], 2, "wakeups reach the host for node 1");
	is_long(rmm_test_kswapd_wakeups[0], 0, "and not for node 0");
}

static void test_slots(struct rmm_mm *a, struct rmm_mm *b)
{
	void *pa, *pb;

	ok(!a->slab && !b->slab, "slab slot empty before rmm_slab_init");
	ok(!a->reclaim && !a->psi && !a->swap, "phase-2 slots empty");
	is_long(rmm_slab_init(a, NULL), 0, "slab init of instance A");
	is_long(rmm_slab_init(b, NULL), 0, "slab init of instance B");
	ok(a->slab && b->slab && a->slab != b->slab,
	   "each instance has its own slab state");
	ok(a->slab->mm == a && b->slab->mm == b, "slab state points back");
	pa = rmm_mm_kmalloc(a, 100, RMM_GFP_KERNEL);
	pb = rmm_mm_kmalloc(b, 100, RMM_GFP_KERNEL);
	ok(pa && rmm_mm_virt_to_page(a, pa) && !rmm_mm_virt_to_page(b, pa),
	   "kmalloc on A gives A's memory");
	ok(pb && rmm_mm_virt_to_page(b, pb) && !rmm_mm_virt_to_page(a, pb),
	   "kmalloc on B gives B's memory");
	rmm_port_quiet = 1;
	rmm_mm_kfree(b, pa);	/* refused: not B's */
	rmm_port_quiet = 0;
	is_long(rmm_slab_fini(a), -EBUSY, "A's object still live after a wrong-instance kfree");
	rmm_mm_kfree(a, pa);
	rmm_mm_kfree(b, pb);
	is_long(rmm_slab_fini(a), 0, "slab fini of A");
	ok(!a->slab && b->slab, "fini empties A's slot only");
	is_long(rmm_slab_fini(b), 0, "slab fini of B");
	ok(!b->slab, "and B's");
}

int main(void)
{
	static struct rmm_mm a, b;

	if (rmm_test_mm_simple(&a, 1, NODE_PAGES, 0x100000) ||
	    rmm_test_mm_simple(&b, 2, NODE_PAGES, 0x200000)) {
		printf("1..0 # SKIP instance init failed\n");
		return 1;
	}
	ok(!a.ops, "rmm_test_mm_simple leaves mm->ops NULL");
	test_ops(&a);
	a.ops = NULL;
	test_slots(&a, &b);
	is_long(rmm_mm_fini(&a), 0, "fini A");
	is_long(rmm_mm_fini(&b), 0, "fini B");

	/* the glue sets its services before init: init keeps them */
	rmm_test_set_ops(&a);
	{
		const struct rmm_mm_ops *ops = a.ops;

		is_long(rmm_test_mm_simple(&a, 1, NODE_PAGES, 0x100000), 0,
			"init with ops set");
		ok(a.ops == ops, "rmm_mm_init() keeps mm->ops");
	}
	is_long(rmm_mm_fini(&a), 0, "fini A again");
	return done_testing();
}
