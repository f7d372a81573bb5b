// SPDX-License-Identifier: GPL-2.0
/*
 * test_init_fail.c - ENOMEM at every allocation of instance and slab
 * setup releases everything.
 *
 * The user port's rmm_kvzalloc() fails its N-th call when
 * rmm_port_fail_nth = N and counts live blocks (rmm_port_kv_live).  For
 * N = 1, 2, 3, ... until the call succeeds, rmm_mm_init() (several
 * layouts), rmm_slab_init() and rmm_mm_cache_create() run with the N-th
 * metadata allocation failing: each must return -ENOMEM (NULL), leave no
 * block allocated and no state behind (the instance zeroed, no slab root,
 * the buddy's free pages unchanged), and the next attempt must work.
 * ASan's leak check at exit catches what the counter might miss.
 */
#include "rmm_test.h"
#include "slab.h"

#define MAX_POINTS	200	/* give up: init never succeeds */

static struct rmm_mm mm;

static long live(void)
{
	return atomic_load(&rmm_port_kv_live);
}

/* arm the injection: the @n-th allocation from now fails */
static void fail_nth(long n)
{
	atomic_store(&rmm_port_kv_failed, 0);
	atomic_store(&rmm_port_fail_nth, n);
}

/* disarm; true when the failure was injected */
static bool injected(void)
{
	atomic_store(&rmm_port_fail_nth, 0);
	return atomic_load(&rmm_port_kv_failed) > 0;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		if (*c++)
			return false;
	return true;
}

/*
 * rmm_mm_init() of @l / @r with each of its allocations failing in turn;
 * returns the number of failure points found (0 on a broken run).
 */
static int init_failures(const char *what, const struct rmm_layout *l,
			 const struct rmm_range *r, int nr)
{
	long base = live();
	int n, rc, points = 0;
	bool good = true;

	for (n = 1; n <= MAX_POINTS; n++) {
		rmm_port_quiet = 1;
		fail_nth(n);
		rc = rmm_mm_init(&mm, l, r, nr);
		rmm_port_quiet = 0;
		if (!injected())
			break;
		points++;
		if (rc != -ENOMEM || live() != base ||
		    !all_zero(&mm, sizeof(mm))) {
			good = false;
			diag("%s: allocation %d failing: rc %d, %ld blocks left, instance %s",
			     what, n, rc, live() - base,
			     all_zero(&mm, sizeof(mm)) ? "zeroed" : "not zeroed");
			if (!rc)
				rmm_mm_fini(&mm);
		}
	}
	ok(n <= MAX_POINTS && rc == 0, "%s: init succeeds once no allocation fails",
	   what);
	ok(good && points >= 2,
	   "%s: each of its %d allocations failing gives -ENOMEM, frees every block, zeroes the instance",
	   what, points);
	is_long(rmm_validate_mm(&mm), 0, "%s: validator clean after the retries",
		what);
	is_long(rmm_mm_fini(&mm), 0, "%s: fini", what);
	is_long(live(), base, "%s: fini freed every block", what);
	return points;
}

static void test_mm_init(void)
{
	struct rmm_layout l;
	struct rmm_range r[4];
	int k;

	/* DMA, DMA32 and Normal on one node */
	rmm_port_set_nr_cpus(4);
	rmm_layout_default(&l, 1, 4);
	r[0] = (struct rmm_range){ 0x800, 2048 + 4096, 0,
				   rmm_test_mem(24UL << 20) };
	r[1] = (struct rmm_range){ 0x100000, 16384, 0,
				   rmm_test_mem(64UL << 20) };
	init_failures("DMA/DMA32/Normal", &l, r, 2);

	/* two nodes, each with Normal and Movable */
	rmm_layout_default(&l, 2, 4);
	l.movable_pages = 8192;
	for (k = 0; k < 2; k++)
		r[k] = (struct rmm_range){ 0x100000 + k * 0x10000UL, 16384, k,
					   rmm_test_mem(64UL << 20) };
	init_failures("2 nodes with Movable", &l, r, 2);

	/* four scattered 4 MiB blocks (borrow mode), 3 nodes */
	rmm_layout_default(&l, 3, 4);
	for (k = 0; k < 4; k++)
		r[k] = (struct rmm_range){ 0x100000 + k * 0x3000UL, 1024,
					   k % 3, rmm_test_mem(4UL << 20) };
	init_failures("scattered blocks, 3 nodes", &l, r, 4);
}

static void test_slab_init(void)
{
	struct rmm_cache *c;
	long base, mm_base, free0;
	int n, rc = -1, points = 0;
	bool good = true;

	is_long(rmm_test_mm_simple(&mm, 1, 16384, 0x100000), 0, "instance for slab");
	base = mm_base = live();
	free0 = rmm_mm_total_free(&mm);
	for (n = 1; n <= MAX_POINTS; n++) {
		rmm_port_quiet = 1;
		fail_nth(n);
		rc = rmm_slab_init(&mm, NULL);
		rmm_port_quiet = 0;
		if (!injected())
			break;
		points++;
		rmm_drain_all_pages(&mm);
		if (rc != -ENOMEM || live() != base || rmm_slab_root_of(&mm) ||
		    (long)rmm_mm_total_free(&mm) != free0) {
			good = false;
			diag("slab init, allocation %d failing: rc %d, %ld blocks left, root %p, %ld pages not back",
			     n, rc, live() - base, (void *)rmm_slab_root_of(&mm),
			     free0 - (long)rmm_mm_total_free(&mm));
		}
	}
	is_long(rc, 0, "slab init succeeds once no allocation fails");
	ok(good && points >= 2,
	   "slab init: each of its %d allocations failing gives -ENOMEM, frees every block and page",
	   points);

	/* a cache created with each of its allocations failing */
	base = live();
	good = true;
	points = 0;
	for (n = 1; n <= MAX_POINTS; n++) {
		rmm_port_quiet = 1;
		fail_nth(n);
		c = rmm_mm_cache_create(&mm, "test-enomem", 300, 0, 0, NULL);
		rmm_port_quiet = 0;
		if (!injected())
			break;
		points++;
		if (c || live() != base) {
			good = false;
			diag("cache create, allocation %d failing: cache %p, %ld blocks left",
			     n, (void *)c, live() - base);
		}
	}
	ok(c != NULL, "cache create succeeds once no allocation fails");
	ok(good && points >= 1,
	   "cache create: each of its %d allocations failing gives NULL and frees every block",
	   points);
	rmm_cache_free(c, rmm_cache_alloc(c, RMM_GFP_KERNEL));
	is_long(rmm_cache_destroy(c), 0, "destroy");
	is_long(rmm_slab_fini(&mm), 0, "slab fini");
	is_long(live(), mm_base, "slab fini freed every block");
	is_long(rmm_mm_fini(&mm), 0, "fini");
	is_long(live(), 0, "nothing allocated at the end");
}

int main(void)
{
	test_mm_init();
	test_slab_init();
	return done_testing();
}
