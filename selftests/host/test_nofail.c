// SPDX-License-Identifier: GPL-2.0
/*
 * test_nofail.c - __GFP_NOFAIL as the kernel's __alloc_pages_slowpath()
 * treats it: the min reserve (ALLOC_MIN_RESERVE: min/2), never no
 * watermarks; a caller that may sleep waits until memory is freed; one that
 * may not gets the kernel's warning and NULL.  Levels worked by hand from
 * the zone's min watermark.
 */
#include <pthread.h>
#include <unistd.h>
#include "rmm_test.h"

static struct rmm_mm mm;
static struct rmm_page **held;
static unsigned long nheld;

/* allocate until @gfp fails, with no page left on any per-CPU list */
static void fill(rmm_gfp_t gfp)
{
	struct rmm_page *p;
	int round;

	for (round = 0; round < 2; round++) {
		while ((p = rmm_mm_alloc_pages(&mm, 0, 0,
					       gfp | RMM___GFP_NOWARN)))
			held[nheld++] = p;
		rmm_drain_all_pages(&mm);
	}
}

static struct rmm_page *waiter_page;
static atomic_int waiter_done;

static void *nofail_waiter(void *arg)
{
	rmm_port_set_cpu(1);
	waiter_page = rmm_mm_alloc_pages(&mm, 0, 0,
					 RMM_GFP_KERNEL | RMM___GFP_NOFAIL);
	atomic_store(&waiter_done, 1);
	return NULL;
}

int main(void)
{
	struct rmm_zone *z;
	unsigned long min, i;
	long free_kernel, free_nofail;
	struct rmm_page *p;
	pthread_t t;

	rmm_test_mm_simple(&mm, 1, 16384, 0x100000);
	z = &mm.nodes[0].node_zones[mm.layout.zone_normal];
	min = z->_watermark[RMM_WMARK_MIN];
	held = calloc(20000, sizeof(*held));

	fill(RMM_GFP_KERNEL);
	free_kernel = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	ok(free_kernel <= (long)min && free_kernel >= (long)min - 1,
	   "GFP_KERNEL stops at min (%ld free, min %lu)", free_kernel, min);

	/* NOFAIL may go below min, down to min/2 (ALLOC_MIN_RESERVE) */
	for (i = 0; i < min; i++) {
		unsigned long before = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);

		if (before <= min - min / 2 + 1)
			break;
		p = rmm_mm_alloc_pages(&mm, 0, 0,
				       RMM_GFP_KERNEL | RMM___GFP_NOFAIL);
		held[nheld++] = p;
	}
	free_nofail = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	ok(free_nofail <= (long)(min - min / 2) + 1 &&
	   free_nofail >= (long)(min - min / 2) - 1,
	   "GFP_KERNEL|__GFP_NOFAIL is served down to min/2 (%ld free)",
	   free_nofail);
	expect_warnings(0, "no warning for an order-0 sleeping NOFAIL");

	/* at min/2 (where __GFP_HIGH stops) a sleeping NOFAIL caller waits */
	fill(RMM_GFP_KERNEL | RMM___GFP_HIGH);
	atomic_store(&waiter_done, 0);
	pthread_create(&t, NULL, nofail_waiter, NULL);
	usleep(50 * 1000);
	ok(!atomic_load(&waiter_done),
	   "a NOFAIL caller on a full zone is still waiting after 50 ms");
	/* free what brings the zone above min/2 again: the waiter gets it */
	for (i = 0; i < 4 && nheld; i++)
		rmm_mm_free_pages(&mm, held[--nheld], 0);
	rmm_drain_all_pages(&mm);
	pthread_join(t, NULL);
	ok(atomic_load(&waiter_done) && waiter_page,
	   "it returns a page once pages are freed");
	if (waiter_page)
		held[nheld++] = waiter_page;

	/*
	 * without __GFP_DIRECT_RECLAIM: the kernel's warning, then NULL
	 * once the non-blocking reserve (min/2 - min/8) is used up too
	 */
	fill(RMM_GFP_ATOMIC);
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_NOWAIT | RMM___GFP_NOFAIL |
			       RMM___GFP_NOWARN);
	ok(p == NULL, "GFP_NOWAIT|__GFP_NOFAIL on a full zone returns NULL");
	expect_warnings(1, "it warns (NOFAIL without direct reclaim)");
	if (p)
		held[nheld++] = p;

	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	for (i = 0; i < nheld; i++)
		rmm_mm_free_pages(&mm, held[i], 0);
	is_long(rmm_mm_fini(&mm), 0, "fini");
	free(held);
	return done_testing();
}
